package redisadapter

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// SetRedisLogger sends go-redis's own log lines to l, at Warn level. go-redis has one logger
// for the whole process, writing to stderr by default (while Redis is away: a line per failed
// dial), so this is for main to call once, not something a Node does by itself.
func SetRedisLogger(l *slog.Logger) { redis.SetLogger(slogPrinter{l}) }

type slogPrinter struct{ l *slog.Logger }

func (p slogPrinter) Printf(ctx context.Context, format string, v ...any) {
	p.l.WarnContext(ctx, fmt.Sprintf(format, v...), "component", "go-redis")
}
