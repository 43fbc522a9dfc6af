//go:build !linux

package engineio

import "log/slog"

// parker parks nothing where there is no epoll: every websocket keeps its reader goroutine.
type parker struct{}

// parkState is empty: no connection is ever parked.
type parkState struct{}

func newParker(*slog.Logger) *parker { return &parker{} }

func (*parker) park(*Session, *wsConn) bool { return false }
func (*parker) unpark(*wsConn)              {}
func (*parker) close()                      {}

// armIdle sets no deadline: a reader that cannot park just waits.
func (*wsConn) armIdle() {}
