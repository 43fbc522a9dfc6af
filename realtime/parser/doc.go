// Package parser encodes and decodes Socket.IO v5 packets, the layer that rides inside
// Engine.IO "message" packets.
//
// A packet is written as one text message
//
//	<type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
//
// followed, for BINARY_EVENT and BINARY_ACK, by one binary message per attachment. In the JSON
// payload each attachment is stood for by {"_placeholder":true,"num":N}. The decoder puts each
// attachment in, as base64, for one placeholder only: a num named twice is malformed (the
// reference accepts it, but it shares one Buffer where we would copy), so a packet never
// decodes to more than its text and its attachments once.
//
// Encoding is split from sending on purpose: [Encode] returns the text and the attachments so that
// a broadcast is encoded once and the very same bytes are handed to every recipient. Decoding is
// stateful because a binary packet spans several messages: feed every Engine.IO message of one
// connection, in order, to one [Decoder].
//
// Nothing in this package panics on input from the network: every malformed message is a
// returned error, after which the caller is expected to drop the connection like the reference
// server does.
package parser
