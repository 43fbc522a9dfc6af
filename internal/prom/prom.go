// Package prom writes metrics in the Prometheus text exposition format. It is the few lines
// /metrics needs, so the game does not pull in a client library for them.
package prom

import (
	"fmt"
	"io"
)

// ContentType is the exposition format's media type, for the Content-Type header.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Writer writes exposition lines to W and keeps the first error, reported by Err.
type Writer struct {
	W   io.Writer
	err error
}

// Header writes the HELP and TYPE lines of a metric family (kind: counter, gauge, histogram).
func (p *Writer) Header(name, kind, help string) {
	p.printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
}

// Line writes one sample: series is the metric name with its labels, if any.
func (p *Writer) Line(series string, v float64) { p.printf("%s %g\n", series, v) }

// Metric writes a family of one unlabelled sample.
func (p *Writer) Metric(name, kind, help string, v float64) {
	p.Header(name, kind, help)
	p.Line(name, v)
}

// Err is the first write error, if any.
func (p *Writer) Err() error { return p.err }

func (p *Writer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.W, format, args...)
	}
}
