// The client is being written; see realtime/clientjs/embed.go.
