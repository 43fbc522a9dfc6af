package engineio_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"tankarena/realtime/engineio"
)

// An echo server, spoken to with plain HTTP long-polling: the handshake, one message sent
// with a POST, and its echo fetched with a GET.
func Example() {
	eio := engineio.NewServer(engineio.Options{})
	defer eio.Close()
	eio.OnConnection(func(s *engineio.Session) {
		s.OnMessage(func(m engineio.Message) { _ = s.Send(m) })
	})
	srv := httptest.NewServer(eio)
	defer srv.Close()
	base := srv.URL + "/socket.io/?EIO=4&transport=polling"

	body := get(base)
	var open struct {
		SID          string   `json:"sid"`
		Upgrades     []string `json:"upgrades"`
		PingInterval int      `json:"pingInterval"`
		PingTimeout  int      `json:"pingTimeout"`
		MaxPayload   int      `json:"maxPayload"`
	}
	if err := json.Unmarshal([]byte(body[1:]), &open); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("packet type:", body[:1])
	fmt.Println("upgrades:", open.Upgrades)
	fmt.Println("pingInterval:", open.PingInterval, "pingTimeout:", open.PingTimeout, "maxPayload:", open.MaxPayload)

	session := base + "&sid=" + open.SID
	resp, err := http.Post(session, "text/plain;charset=UTF-8", strings.NewReader("4hello"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ok, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println("POST:", string(ok))
	fmt.Println("echo:", get(session))
	// Output:
	// packet type: 0
	// upgrades: [websocket]
	// pingInterval: 25000 pingTimeout: 20000 maxPayload: 1000000
	// POST: ok
	// echo: 4hello
}

func get(url string) string {
	resp, err := http.Get(url)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// Stats printed in the Prometheus text format, e.g. from a /metrics handler.
func ExampleServer_Stats() {
	eio := engineio.NewServer(engineio.Options{})
	defer eio.Close()
	srv := httptest.NewServer(eio)
	defer srv.Close()
	get(srv.URL + "/socket.io/?EIO=4&transport=polling")   // a handshake
	get(srv.URL + "/socket.io/?EIO=4&transport=telepathy") // refused: unknown transport

	st := eio.Stats()
	fmt.Printf("engineio_sessions_open{transport=\"polling\"} %d\n", st.OpenPolling)
	fmt.Printf("engineio_sessions_open{transport=\"websocket\"} %d\n", st.OpenWebSocket)
	fmt.Printf("engineio_handshakes_total %d\n", st.Handshakes)
	fmt.Printf("engineio_rejected_total{cause=\"bad_request\"} %d\n", st.Rejected.BadRequest)
	fmt.Printf("engineio_closes_total{reason=\"ping timeout\"} %d\n", st.Closes.PingTimeout)
	// Output:
	// engineio_sessions_open{transport="polling"} 1
	// engineio_sessions_open{transport="websocket"} 0
	// engineio_handshakes_total 1
	// engineio_rejected_total{cause="bad_request"} 1
	// engineio_closes_total{reason="ping timeout"} 0
}
