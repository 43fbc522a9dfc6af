package engineio

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
)

// upgradeNoopDelay is how long a poll parked during an upgrade waits before it is answered
// with a noop, which lets the client finish pausing polling (the reference checks every
// 100 ms). Answering at once would make a client that has not yet seen "3probe" spin.
const upgradeNoopDelay = 100 * time.Millisecond

var errPayloadTooLarge = errors.New("engineio: payload too large")

// servePoll answers a long-polling GET: at once when packets are queued (all of them, as one
// payload), else when the next packet is queued, the session closes, or the upgrade needs
// the poll released. A second GET while one is parked is a protocol error, as in the
// reference: it gets a bare 400 and the session is closed.
func (s *Session) servePoll(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.pollActive {
		s.mu.Unlock()
		s.srv.log.Debug("engineio: overlapping poll", "sid", s.id, "remote", r.RemoteAddr)
		w.WriteHeader(http.StatusBadRequest)
		s.closeNow(ReasonTransportError)
		return
	}
	s.pollActive = true
	if s.pollWake == nil {
		s.pollWake = make(chan struct{}, 1)
	}
	var noopTimer *time.Timer
	var noopDue <-chan time.Time
	sendNoop := false
	for {
		batch, closing := s.takePollLocked(sendNoop)
		if batch != nil {
			s.pollActive, s.pollWaiting = false, false
			s.mu.Unlock()
			if noopTimer != nil {
				noopTimer.Stop()
			}
			s.writePoll(w, r, batch, closing)
			return
		}
		if s.probed && noopTimer == nil {
			noopTimer = time.NewTimer(upgradeNoopDelay)
			noopDue = noopTimer.C
		}
		s.pollWaiting = true
		s.mu.Unlock()
		select {
		case <-s.pollWake:
		case <-noopDue:
			sendNoop = true
		case <-r.Context().Done():
			s.mu.Lock()
			s.pollActive, s.pollWaiting = false, false
			s.mu.Unlock()
			if noopTimer != nil {
				noopTimer.Stop()
			}
			s.srv.log.Debug("engineio: poll connection closed prematurely", "sid", s.id)
			s.closeNow(ReasonTransportError)
			return
		}
		s.mu.Lock()
	}
}

// takePollLocked returns the packets a parked poll should carry now, or nil to keep
// waiting. closing reports that the payload ends with the close packet of Session.Close,
// after which the session is closed.
func (s *Session) takePollLocked(sendNoop bool) (batch []packet, closing bool) {
	switch {
	case s.state == stateClosed && s.closeReason == ReasonTransportClose:
		// The client sent the close packet itself (on a polling session nothing else closes
		// with this reason): like the reference (polling.js onClose), its poll is released
		// with a noop, not told of a close it asked for.
		return []packet{{typ: packetNoop}}, false
	case s.state == stateClosed:
		return []packet{{typ: packetClose}}, false
	case s.transport != TransportPolling:
		// Upgraded: release the client's last poll.
		return []packet{{typ: packetNoop}}, false
	case len(s.queue) > 0 || s.state == stateClosing:
		batch = s.takeQueueLocked() // written by writePoll
		if s.state == stateClosing {
			return append(batch, packet{typ: packetClose}), true
		}
		return batch, false
	case sendNoop:
		return []packet{{typ: packetNoop}}, false
	}
	return nil, false
}

// wakePollLocked nudges the parked poll, if any, to look at the session again.
func (s *Session) wakePollLocked() {
	if s.pollWaiting {
		select {
		case s.pollWake <- struct{}{}:
		default:
		}
	}
}

// writePoll writes a poll response within WriteTimeout. The packets are lost if that fails,
// so the session is closed.
func (s *Session) writePoll(w http.ResponseWriter, r *http.Request, batch []packet, closing bool) {
	body := encodePayload(batch)
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	err := writeWithDeadline(w, s.srv.opts.WriteTimeout, func() error {
		w.WriteHeader(http.StatusOK)
		_, err := w.Write(body)
		return err
	})
	s.written(batch)
	if err == nil {
		s.srv.counters.bytesOut.Add(int64(len(body)))
		s.srv.counters.msgsOut.Add(int64(countMessages(batch)))
	}
	switch {
	case err != nil:
		s.srv.log.Debug("engineio: poll write failed", "sid", s.id, "remote", r.RemoteAddr, "err", err)
		if isTimeout(err) {
			s.srv.counters.writeTimeouts.Add(1)
		}
		s.closeNow(ReasonTransportError)
	case closing:
		s.mu.Lock()
		reason := s.closeReason
		s.mu.Unlock()
		s.closeNow(reason)
	}
}

// countMessages returns how many of packets are messages.
func countMessages(packets []packet) int {
	n := 0
	for _, p := range packets {
		if p.typ == packetMessage {
			n++
		}
	}
	return n
}

// writeWithDeadline runs write and flushes it to the network under a write deadline, then
// clears the deadline so it does not leak into the next request on a kept-alive connection.
func writeWithDeadline(w http.ResponseWriter, timeout time.Duration, write func() error) error {
	rc := http.NewResponseController(w)
	deadlineSet := rc.SetWriteDeadline(time.Now().Add(timeout)) == nil
	err := write()
	if err == nil {
		if ferr := rc.Flush(); ferr != nil && !errors.Is(ferr, http.ErrNotSupported) {
			err = ferr
		}
	}
	if deadlineSet {
		_ = rc.SetWriteDeadline(time.Time{})
	}
	return err
}

// serveData handles a POST carrying one or more packets. Valid packets before a malformed one
// are still processed; the malformed one closes the session with ReasonParseError. Bodies
// over MaxPayload get 413 and are not read (the session stays open, as in the reference).
func (s *Session) serveData(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Content-Type") == "application/octet-stream" {
		// v4 clients always send text; the reference treats binary bodies as an error.
		s.srv.log.Debug("engineio: binary POST body", "sid", s.id, "remote", r.RemoteAddr)
		w.WriteHeader(http.StatusBadRequest)
		s.closeNow(ReasonTransportError)
		return
	}
	s.mu.Lock()
	if s.dataActive {
		s.mu.Unlock()
		s.srv.log.Debug("engineio: overlapping data request", "sid", s.id, "remote", r.RemoteAddr)
		w.WriteHeader(http.StatusBadRequest)
		s.closeNow(ReasonTransportError)
		return
	}
	s.dataActive = true
	s.mu.Unlock()

	body, err := readBody(r, s.srv.opts.MaxPayload)
	if err == nil {
		s.srv.counters.bytesIn.Add(int64(len(body)))
		packets, perr := decodePayload(body)
		for _, p := range packets {
			if !s.handlePacket(p) {
				break
			}
		}
		if perr != nil {
			s.srv.counters.parseErrors.Add(1)
			s.srv.log.Debug("engineio: bad payload", "sid", s.id, "remote", r.RemoteAddr, "err", perr)
			s.closeNow(ReasonParseError)
		}
	}
	s.mu.Lock()
	s.dataActive = false
	s.mu.Unlock()

	switch {
	case errors.Is(err, errPayloadTooLarge):
		s.srv.counters.oversize.Add(1)
		s.srv.log.Debug("engineio: payload too large", "sid", s.id, "remote", r.RemoteAddr)
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
	case err != nil:
		s.srv.log.Debug("engineio: data request failed", "sid", s.id, "remote", r.RemoteAddr, "err", err)
		s.closeNow(ReasonTransportError)
	default:
		// text/html rather than text/plain avoids a download dialog in some browsers.
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "2")
		_ = writeWithDeadline(w, s.srv.opts.WriteTimeout, func() error {
			w.WriteHeader(http.StatusOK)
			_, err := io.WriteString(w, "ok")
			return err
		})
	}
}

// readBody reads at most limit bytes of the request body; a longer body (by Content-Length
// or by what arrives) is errPayloadTooLarge, detected without buffering more than limit+1.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, errPayloadTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, errPayloadTooLarge
	}
	return body, nil
}
