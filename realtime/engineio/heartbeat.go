package engineio

import "time"

// The v4 heartbeat: the server pings every PingInterval and expects a pong within
// PingTimeout. One timer per session serves both waits, so an idle session costs a timer,
// not a goroutine.

// startHeartbeat schedules the first ping, PingInterval after the handshake.
func (s *Session) startHeartbeat() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateOpen {
		return
	}
	d := s.srv.opts.PingInterval
	s.heartbeatDue = time.Now().Add(d)
	s.heartbeat = time.AfterFunc(d, s.heartbeatFired)
}

func (s *Session) armHeartbeatLocked(d time.Duration) {
	s.heartbeatDue = time.Now().Add(d)
	s.heartbeat.Reset(d)
}

// heartbeatFired sends the next ping, or closes the session when the pong is overdue.
func (s *Session) heartbeatFired() {
	s.mu.Lock()
	if s.state != stateOpen {
		s.mu.Unlock()
		return
	}
	if wait := time.Until(s.heartbeatDue); wait > 0 {
		// The timer was re-armed while this firing was already under way.
		s.heartbeat.Reset(wait)
		s.mu.Unlock()
		return
	}
	if s.awaitingPong {
		s.mu.Unlock()
		s.srv.log.Debug("engineio: ping timeout", "sid", s.id)
		s.closeNow(ReasonPingTimeout)
		return
	}
	s.awaitingPong, s.pongGrace = true, false
	s.queue = append(s.queue, packet{typ: packetPing})
	s.armHeartbeatLocked(s.srv.opts.PingTimeout)
	s.flushLocked()
	s.mu.Unlock()
}

// gotPongLocked ends the wait for a pong and schedules the next ping.
func (s *Session) gotPongLocked() {
	if s.awaitingPong && s.heartbeat != nil {
		s.awaitingPong = false
		s.armHeartbeatLocked(s.srv.opts.PingInterval)
	}
}

// extendPingTimeoutLocked restarts the pong wait once when other packets arrive during it,
// like the reference: a client busy sending has proved it is alive, its pong may be queued.
func (s *Session) extendPingTimeoutLocked() {
	if s.awaitingPong && !s.pongGrace && s.heartbeat != nil {
		s.pongGrace = true
		s.armHeartbeatLocked(s.srv.opts.PingTimeout)
	}
}
