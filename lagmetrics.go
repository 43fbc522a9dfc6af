package main

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"tankarena/game/tanks"
)

// registerLagMetrics adds the tank games' lag compensation counters (game/tanks/lagcomp.go) to
// reg, summed over the games (one per map): how many shells were resolved against what their
// shooter saw, how far back in all (the mean rewind is the one over the other), and how many
// claimed a view older than the bound and were held to it.
func registerLagMetrics(reg prometheus.Registerer, namespace string, tickRate int, stats []*tanks.LagStats) error {
	sum := func(load func(*tanks.LagStats) uint64) func() float64 {
		return func() float64 {
			var n uint64
			for _, s := range stats {
				n += load(s)
			}
			return float64(n)
		}
	}
	for _, c := range []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: namespace + "_shots_compensated_total",
			Help: "Shells fired by an input that reported the tick its player saw, resolved against the tanks as they were then (lag compensation).",
		}, sum((*tanks.LagStats).Shots)),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: namespace + "_shot_rewind_seconds_total",
			Help: "How far back those shells were resolved, in all; divided by shots_compensated_total, the mean.",
		}, func() float64 { return sum((*tanks.LagStats).RewindTicks)() / float64(tickRate) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: namespace + "_shots_rewind_clamped_total",
			Help: "Compensated shells whose player's view was older than the bound (250 ms) and was held to it.",
		}, sum((*tanks.LagStats).Clamped)),
	} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register lag compensation metrics: %w", err)
		}
	}
	return nil
}
