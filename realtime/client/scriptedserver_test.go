package client_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gorilla/websocket"
)

// scriptedServer speaks just enough Engine.IO to script a server by hand:
// it sends the open packet with the given heartbeat, then hands every text
// message it receives to script, which answers on ws as it likes. It serves
// the Example and the failure tests the official server cannot stage.
func scriptedServer(pingIntervalMs, pingTimeoutMs int, script func(ws *websocket.Conn, msg string)) *httptest.Server {
	var upgrader websocket.Upgrader
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		open := fmt.Sprintf(`0{"sid":"scripted","upgrades":[],"pingInterval":%d,"pingTimeout":%d,"maxPayload":1000000}`,
			pingIntervalMs, pingTimeoutMs)
		if ws.WriteMessage(websocket.TextMessage, []byte(open)) != nil {
			return
		}
		for {
			kind, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			if kind == websocket.TextMessage {
				script(ws, string(msg))
			}
		}
	}))
}

// sendText writes each message as a websocket text frame.
func sendText(ws *websocket.Conn, msgs ...string) {
	for _, m := range msgs {
		if ws.WriteMessage(websocket.TextMessage, []byte(m)) != nil {
			return
		}
	}
}
