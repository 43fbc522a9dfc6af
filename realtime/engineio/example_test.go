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
