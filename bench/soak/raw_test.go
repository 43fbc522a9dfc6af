package soak

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/game"
	"tankarena/internal/testenv"
)

// waitLong bounds a wait for an answer the server owes: generous, since CI shares 2 cores.
var waitLong = testenv.Patience(20 * time.Second)

// refusedError is a handshake the server answered with an HTTP error (a connection limit).
type refusedError struct{ status int }

func (e refusedError) Error() string { return fmt.Sprintf("handshake refused: HTTP %d", e.status) }

// wsConn speaks Engine.IO v4 and Socket.IO v5 by hand over one websocket, for what no client
// library sends: CONNECT again on a joined namespace, joins in a tight loop, placeholders that
// all name one attachment, pings nobody reads the answer to.
type wsConn struct {
	c       *websocket.Conn
	nextID  int
	unwatch func() bool // stops the close at the end of the soak
}

// dialWS opens a websocket session with the dialer (query is appended to the handshake's) and
// reads the Engine.IO open packet. The connection is closed when ctx ends.
func dialWS(ctx context.Context, d *websocket.Dialer, url, query string) (*wsConn, error) {
	c, resp, err := d.DialContext(ctx, url+query, nil)
	if err != nil {
		if resp != nil {
			return nil, refusedError{resp.StatusCode}
		}
		return nil, err
	}
	w := &wsConn{c: c, unwatch: context.AfterFunc(ctx, func() { _ = c.Close() })}
	if _, err := w.until(waitLong, prefixed("0{")); err != nil {
		w.close()
		return nil, fmt.Errorf("open packet: %w", err)
	}
	return w, nil
}

func (w *wsConn) close() {
	w.unwatch()
	_ = w.c.Close()
}

func (w *wsConn) send(packet string) error {
	return w.c.WriteMessage(websocket.TextMessage, []byte(packet))
}

// connect sends a Socket.IO CONNECT to the default namespace and waits for its answer.
func (w *wsConn) connect() error {
	if err := w.send("40"); err != nil {
		return err
	}
	_, err := w.until(waitLong, prefixed("40{"))
	return err
}

// emit sends event with args and an ack id, and returns the id.
func (w *wsConn) emit(event string, args ...any) (int, error) {
	w.nextID++
	payload, err := json.Marshal(append([]any{event}, args...))
	if err != nil {
		return 0, err
	}
	return w.nextID, w.send("42" + strconv.Itoa(w.nextID) + string(payload))
}

// reply waits for the answer to ack id and returns its arguments.
func (w *wsConn) reply(id int) ([]json.RawMessage, error) {
	prefix := "43" + strconv.Itoa(id) + "["
	pkt, err := w.until(waitLong, prefixed(prefix))
	if err != nil {
		return nil, fmt.Errorf("ack %d: %w", id, err)
	}
	var args []json.RawMessage
	if err := json.Unmarshal([]byte(pkt[len(prefix)-1:]), &args); err != nil || len(args) == 0 {
		return nil, fmt.Errorf("ack %d: %.80q: not a JSON array of arguments", id, pkt)
	}
	return args, nil
}

// join sends "join" and waits for its answer: the ack, or the refusal's text.
func (w *wsConn) join(name, token string) (game.JoinAck, string, error) {
	id, err := w.emit("join", game.JoinRequest{Name: name, Token: token})
	if err != nil {
		return game.JoinAck{}, "", err
	}
	return w.joinReply(id)
}

func (w *wsConn) joinReply(id int) (game.JoinAck, string, error) {
	args, err := w.reply(id)
	if err != nil {
		return game.JoinAck{}, "", err
	}
	return decodeJoinReply(args[0])
}

func decodeJoinReply(raw json.RawMessage) (game.JoinAck, string, error) {
	var answer struct {
		game.JoinAck
		Error string `json:"error"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return game.JoinAck{}, "", fmt.Errorf("join answer %.80q: %w", raw, err)
	}
	if answer.Error == "" && answer.Token == "" {
		return game.JoinAck{}, "", fmt.Errorf("join answer %.80q: neither a seat nor a refusal", raw)
	}
	return answer.JoinAck, answer.Error, nil
}

// until reads text packets (answering pings, passing over the rest) until one matches, for up
// to timeout. It fails when the connection ends or the time is up.
func (w *wsConn) until(timeout time.Duration, match func(string) bool) (string, error) {
	_ = w.c.SetReadDeadline(time.Now().Add(timeout))
	for {
		kind, data, err := w.c.ReadMessage()
		if err != nil {
			return "", err
		}
		if kind != websocket.TextMessage {
			continue
		}
		if pkt := string(data); pkt == "2" {
			_ = w.send("3")
		} else if match(pkt) {
			return pkt, nil
		}
	}
}

// closedWithin reads (and passes over) whatever comes for up to timeout and reports whether
// the server ended the connection in that time.
func (w *wsConn) closedWithin(timeout time.Duration) bool {
	_, err := w.until(timeout, func(string) bool { return false })
	return !isTimeout(err)
}

func prefixed(prefix string) func(string) bool {
	return func(pkt string) bool { return strings.HasPrefix(pkt, prefix) }
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// pollSession is an Engine.IO session over HTTP long-polling.
type pollSession struct {
	client *http.Client
	url    string // with the sid
	closed bool   // the server answered HTTP 400: the session is gone
}

// close sends the Engine.IO close packet, even at the end of the soak: a polling session the
// client just leaves stays open on the server until its ping times out (45 s).
func (p *pollSession) close() {
	if p.closed {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = p.post(ctx, "1")
}

// openPolling makes the polling handshake and returns the session.
func openPolling(ctx context.Context, client *http.Client, base string) (*pollSession, error) {
	status, body, err := pollRequest(ctx, client, http.MethodGet, base, "")
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, refusedError{status}
	}
	var open struct {
		SID string `json:"sid"`
	}
	if !strings.HasPrefix(body, "0") || json.Unmarshal([]byte(body[1:]), &open) != nil || open.SID == "" {
		return nil, fmt.Errorf("polling handshake answered %.80q", body)
	}
	return &pollSession{client: client, url: base + "&sid=" + open.SID}, nil
}

// post sends packets in one payload and returns the HTTP status.
func (p *pollSession) post(ctx context.Context, packets ...string) (int, error) {
	status, _, err := pollRequest(ctx, p.client, http.MethodPost, p.url, strings.Join(packets, "\x1e"))
	return status, err
}

// poll fetches what the server queued and returns the status and the packets.
func (p *pollSession) poll(ctx context.Context) (int, []string, error) {
	status, body, err := pollRequest(ctx, p.client, http.MethodGet, p.url, "")
	if err != nil || status != http.StatusOK || body == "" {
		return status, nil, err
	}
	return status, strings.Split(body, "\x1e"), nil
}

func pollRequest(ctx context.Context, client *http.Client, method, url, body string) (int, string, error) {
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, reader)
	if err != nil {
		return 0, "", err
	}
	if body != "" {
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return resp.StatusCode, string(data), err
}
