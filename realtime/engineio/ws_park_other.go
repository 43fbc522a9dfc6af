//go:build !linux

package engineio

import "log/slog"

// parkingSupported: without epoll, every websocket keeps its reader goroutine.
const parkingSupported = false

// parker parks nothing where there is no epoll.
type parker struct{}

// parkState is empty: no connection is ever parked.
type parkState struct{}

func newParker(*slog.Logger) *parker { return &parker{} }

func (*parker) park(*Session, *wsConn) bool { return false }
func (*parker) unpark(*wsConn)              {}
func (*parker) close()                      {}
func (*parker) count() int                  { return 0 }

// armIdle sets no deadline: a reader that cannot park just waits.
func (*wsConn) armIdle() {}
