// Package kit is the browser kit: the game-agnostic half of a game page, as plain ES modules
// that tankarena/game/host serves at /kit/ for every game, next to the Socket.IO client at
// /socket.io/socket.io.js. A page loads that client, then imports what it needs:
//
//	<script src="/socket.io/socket.io.js"></script>
//	<script type="module">
//	import { Connection, InputClock, runFrames } from '/kit/kit.js';
//	…
//	</script>
//
// kit.js exports everything the modules below export; a page may import single modules
// instead (/kit/connection.js, …). The tank client imports them relatively (../kit/…), which
// the browser resolves to the same /kit/ files.
//
// The kit speaks the room runtime's protocol: "join" {name, token} with its ack {id, room,
// token, seq, tickRate, snapshotRate, game} (game is the game's own data, say its map) or
// {error}; "input" (the game's payload, its seq first); "resync"; "latency"; and from the
// server "snapshot" (binary, the game's encoding), "roster", "replaced", "shutdown", "restart".
// The runtime's package doc is the protocol's reference. What the game brings is its snapshot
// decoder, its input payload and its drawing.
//
// # Modules and their API
//
// connection.js: the connection, websocket first, with the reconnect token kept across reloads
// and re-joining by itself after a reconnect or a room restart.
//
//	new Connection({decode, storageKey = 'game', query = lagQuery(location.search)})
//	    decode(buf, base): the game's snapshot decoder (see snapstream.js)
//	    storageKey: prefix of the token's storage entries (<key>.token, <key>.tokenBeat)
//	conn.on(event, fn) → conn      events and their arguments:
//	    'joined' (ack)             each (re)join, with the ack above
//	    'snapshot' (snap, bytes)   each decoded snapshot
//	    'roster' (list)            [{id, name, bot}] of the room
//	    'state' (state)            'connecting' | 'connected' | 'reconnecting' | 'offline'
//	    'failed' (error)           a refused join (the page offers the form again), or no io
//	    'replaced' (message)       another tab plays this seat; conn.join(name) takes it back
//	    'shutdown' (message)       the server is stopping
//	conn.join(name)                connects (first call) and joins; again after 'failed' or 'replaced'
//	conn.sendInput(payload)        sends one "input" (InputClock does it at the tick rate)
//	conn.id, conn.room, conn.tickRate, conn.snapshotRate, conn.game    from the latest ack
//	conn.ping (ms, smoothed; null at first), conn.pingHistory (last 20 round trips, ms)
//	conn.rates {bytes, snaps, inputs}   received bytes and snapshots, sent inputs, a second
//	conn.lag                       the lag simulator query it connected with
//
// inputclock.js: one input per server tick, whatever the frame rate.
//
//	new InputClock(conn, {build, idle = null, maxCatchUp = 8})
//	    build(seq) → payload ([seq, …]) or null; idle(seq) → the payload sent as the page hides
//	clock.advance(frameSeconds) → inputs sent    call every frame
//	clock.seq                      the last seq sent (numbering goes on from each ack's seq)
//	clock.fraction                 0..1, how far into the next tick (to draw a prediction)
//
// snapstream.js: deltas applied on the last snapshot, one "resync" a gap (Connection uses it).
//
//	new SnapshotStream(decode, requestKeyframe); stream.receive(buf) → snap | null; stream.reset()
//	    decode(buf, base) returns the snapshot, or null (or throws) when buf does not fit base;
//	    a snapshot with delta: true was built on base, any other counts as a keyframe.
//	decodeJSON(buf) → the snapshot   a decoder for a game that sends each snapshot whole, as JSON
//
// interp.js: drawing others a little in the past, between two snapshots.
//
//	new SnapshotBuffer(tickRate); buf.push(snap, now) → bool (snap.tick required; late ones refused)
//	buf.latest() → snap | null; buf.renderTime(now, delayMs) → server ms to draw now
//	buf.sample(renderTime, blend) → blend(from, to, t) | null
//	lerpEntities(from, to, t, {teleport = Infinity, jump, mix}) → Map(id → {id, x, y, …})
//
// frames.js: the render loop.
//
//	runFrames(frame)               frame(now ms, dt s) on animation frames, a timer while they stall
//	new FrameClock(); clock.step(now) → dt s, in [0, MAX_FRAME_S]; clock.now
//
// netgraph.js: the net graph overlay (the page toggles it, say with F3).
//
//	new NetGraph(preElement); graph.toggle(); graph.update(now, conn, gameLines = [])
//	netGraphLines(conn, gameLines = []) → the text's lines
//
// name.js: cleanName(raw) → the name as the server will clean it (empty when nothing visible
// is left).
//
// lagquery.js: lagQuery(location.search) → {lag, jitter, loss}, the lag simulator's settings.
//
// tokenstore.js: new TokenStore(key); store.saved() → token or empty; store.keep(token);
// store.release() (Connection uses it).
//
// # A minimal page
//
//	import { Connection, InputClock, runFrames, decodeJSON, cleanName } from '/kit/kit.js';
//	const conn = new Connection({ decode: decodeJSON, storageKey: 'mygame' });
//	const keys = new Set();
//	addEventListener('keydown', (e) => keys.add(e.code));
//	addEventListener('keyup', (e) => keys.delete(e.code));
//	const axis = (minus, plus) => (keys.has(plus) ? 1 : 0) - (keys.has(minus) ? 1 : 0);
//	const inputs = new InputClock(conn, {
//	  build: (seq) => [seq, axis('ArrowLeft', 'ArrowRight'), axis('ArrowUp', 'ArrowDown')],
//	  idle: (seq) => [seq, 0, 0],
//	});
//	let latest = null;
//	conn.on('snapshot', (snap) => { latest = snap; });
//	conn.join(cleanName(prompt('Your name?')) || 'player');
//	runFrames((now, dt) => { inputs.advance(dt); if (latest) draw(latest); });
//
// The tank client (tankarena/web, web/js) is the full example: prediction, interpolation with
// SnapshotBuffer, the net graph with lines of its own.
//
// The modules' unit tests run under Node (jstest, TestJavaScriptUnits); a page of a toy game
// built on the kit alone plays in Chromium (TestKitPlaysAToyGameInChromium).
package kit

import "embed"

// Files is the kit's modules, rooted at this folder (connection.js, …).
//
//go:embed *.js
var Files embed.FS
