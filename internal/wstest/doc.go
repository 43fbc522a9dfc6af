// Package wstest makes websocket clients for tests that cost the server what a real client
// does but behave as a test needs: bare clients that hold a connection and nothing else, and
// stalled readers that stop reading.
//
// Dial upgrades a plain TCP connection by hand, with no goroutine or buffers on the client
// side, so that thousands of idle clients in the benchmark's own process add next to nothing
// to the memory it measures; ReadShortFrame reads the server's small frames from it.
//
// A client that stops reading stalls the server's writes only once the kernel buffers between
// them are full, megabytes on Linux by default. SmallSendBuffers (around the server's
// listener) and StallingDialer (for the client) shrink them to kilobytes, so a test sees the
// stall after a few messages.
//
// CountingWrites (around the server's listener) counts the writes a server makes through each
// connection's RawConn, so a test can check which frames went out in one write.
package wstest
