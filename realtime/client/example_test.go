package client_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/realtime/client"
)

// Example connects to a server, emits an event and waits for its
// acknowledgement. The server here is a scripted stand-in that accepts the
// namespace and answers "greet" events; any Socket.IO v4 server would do.
func Example() {
	server := scriptedServer(25000, 20000, func(ws *websocket.Conn, msg string) {
		switch {
		case msg == "40":
			sendText(ws, `40{"sid":"s1"}`)
		case strings.HasPrefix(msg, "42"): // 42<ack id>["greet","<name>"]
			id, payload, _ := strings.Cut(msg[2:], "[")
			name := strings.TrimSuffix(strings.TrimPrefix(payload, `"greet","`), `"]`)
			sendText(ws, "43"+id+`["hello, `+name+`"]`)
		}
	})
	defer server.Close()

	m, err := client.NewManager(server.URL, client.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	socket, err := m.Socket("/", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := socket.Connect(ctx); err != nil {
		fmt.Println(err)
		return
	}
	reply, err := socket.EmitWithAck(ctx, "greet", "gopher")
	if err != nil {
		fmt.Println(err)
		return
	}
	var greeting string
	if err := reply.Scan(&greeting); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(greeting)
	// Output: hello, gopher
}

// ExampleSocket_OnRaw reads a frequent event straight from its payload bytes, without
// decoding it: what a load generator does with a broadcast it only counts and timestamps.
func ExampleSocket_OnRaw() {
	server := scriptedServer(25000, 20000, func(ws *websocket.Conn, msg string) {
		if msg == "40" {
			sendText(ws, `40{"sid":"s1"}`, `42["tick",{"seq":7}]`)
		}
	})
	defer server.Close()

	m, err := client.NewManager(server.URL, client.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	socket, err := m.Socket("/", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	ticks := make(chan string, 1)
	socket.OnRaw("tick", func(payload []byte, _ client.AckFunc) {
		ticks <- string(payload) // a copy: payload is reused once the handler returns
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := socket.Connect(ctx); err != nil {
		fmt.Println(err)
		return
	}
	select {
	case payload := <-ticks:
		fmt.Println(payload)
	case <-ctx.Done():
		fmt.Println(ctx.Err())
	}
	// Output: ["tick",{"seq":7}]
}
