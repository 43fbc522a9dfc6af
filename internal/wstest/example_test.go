package wstest_test

import (
	"log"
	"net/http"
	"net/http/httptest"

	"tankarena/internal/wstest"
)

// A bare client: the websocket handshake by hand, then the server's first frame.
func ExampleDial() {
	addr := "127.0.0.1:8080" // the server under test
	c, br, err := wstest.Dial(addr, "/socket.io/?EIO=4&transport=websocket")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	open, err := wstest.ReadShortFrame(br)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("open packet %s", open)
}

// A stalled reader: small buffers on both sides, and a client that reads nothing.
func ExampleStallingDialer() {
	var handler http.Handler // the server under test
	srv := httptest.NewUnstartedServer(handler)
	srv.Listener = wstest.SmallSendBuffers{Listener: srv.Listener}
	srv.Start()
	defer srv.Close()
	c, _, err := wstest.StallingDialer.Dial("ws"+srv.URL[len("http"):]+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close() // and never call c.ReadMessage
}
