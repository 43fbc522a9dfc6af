package clientjs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tankarena/internal/browsertest"
	"tankarena/internal/testenv"
)

// transportMode is how a case's sockets are told to connect: OPTS in the case's script.
type transportMode struct {
	name string
	opts string // JavaScript object literal merged into the io() options
	// Placeholders in a case's wanted JSON, replaced per mode.
	transport string // the transport the connection ends up on (also TRANSPORT in the script)
	openError string // connect_error message when no server listens
	probes    string // whether the client probes a websocket to upgrade: "true" or "false"
}

// The default mode opens with polling and upgrades; when no server listens it tries polling,
// then websocket, and reports the last failure.
var transportModes = []transportMode{
	{name: "default", opts: `{}`, transport: "websocket", openError: "websocket error", probes: "true"},
	{name: "websocket", opts: `{transports: ["websocket"]}`, transport: "websocket", openError: "websocket error", probes: "false"},
	{name: "polling", opts: `{transports: ["polling"]}`, transport: "polling", openError: "xhr poll error", probes: "false"},
}

// clientCase is one behaviour, checked by running script in a real browser page.
type clientCase struct {
	name string
	// page is the path navigated to before the script runs; "" means "/".
	page string
	// pollingOnly runs the case against the target's polling-only server.
	pollingOnly bool
	// modes lists the transport modes the case runs in; empty means all of them.
	modes []string
	// script is the body of an async function returning the result; see scriptHelpers for
	// what it can use besides OPTS (the mode's options), TRANSPORT (the mode's transport),
	// CLOSED_URL (an address where nothing listens) and SLACK (testenv.Slack).
	script string
	// want is the JSON the script must return; TRANSPORT, OPEN_ERROR and PROBES are replaced
	// per mode.
	want string
}

var clientCases = []clientCase{
	{
		name: "connects to the main namespace",
		script: `
			const s = io(OPTS);
			const welcome = next(s, "welcome");
			await next(s, "connect");
			await settled(s);
			return {
				connected: s.connected, idIsString: typeof s.id === "string" && s.id.length > 0, nsp: s.nsp,
				clientTransport: s.io.engine.transport.name, serverTransport: await s.emitWithAck("transport"),
				welcome: (await welcome)[0], probed: probes().length > 0,
			};`,
		want: `{"connected":true,"idIsString":true,"nsp":"/","clientTransport":"TRANSPORT","serverTransport":"TRANSPORT",
			"welcome":{"nsp":"/","auth":{}},"probed":PROBES}`,
	},
	{
		// The server pings every 500 ms and drops a client that does not answer within 3 s
		// (stretched with the machine's load, testenv.Patience).
		name:  "answers pings: the connection outlives several heartbeats",
		modes: []string{"websocket", "polling"},
		script: `
			const s = io(OPTS);
			await next(s, "connect");
			const id = s.id, disconnects = [];
			s.on("disconnect", (reason) => disconnects.push(reason));
			for (let i = 0; i < 8; i++) await next(s.io, "ping");
			return {sameSocket: s.id === id, disconnects, echo: await s.emitWithAck("echo", "still here")};`,
		want: `{"sameSocket":true,"disconnects":[],"echo":"still here"}`,
	},
	{
		name: "a custom namespace shares the connection",
		script: `
			const admin = io(location.origin + "/admin", OPTS);
			const main = io(OPTS);
			const [welcome] = await next(admin, "welcome");
			await connected(main);
			return {welcome, shared: admin.io === main.io, nsp: admin.nsp, echo: await admin.emitWithAck("echo", "admin")};`,
		want: `{"welcome":{"nsp":"/admin","auth":{}},"shared":true,"nsp":"/admin","echo":"admin"}`,
	},
	{
		name: "auth object accepted",
		script: `
			const s = io("/private", {...OPTS, auth: {token: "secret"}});
			const [welcome] = await next(s, "welcome");
			return welcome;`,
		want: `{"nsp":"/private","auth":{"token":"secret"}}`,
	},
	{
		name: "auth function accepted",
		script: `
			const s = io("/private", {...OPTS, auth: (cb) => setTimeout(() => cb({token: "secret", via: "function"}), 10)});
			const [welcome] = await next(s, "welcome");
			return welcome;`,
		want: `{"nsp":"/private","auth":{"token":"secret","via":"function"}}`,
	},
	{
		name: "auth refused gives connect_error with message and data",
		script: `
			const s = io("/private", {...OPTS, auth: {token: "wrong"}});
			const [err] = await next(s, "connect_error");
			return {isError: err instanceof Error, message: err.message, data: err.data, active: s.active, connected: s.connected};`,
		want: `{"isError":true,"message":"not authorized","data":{"reason":"bad token"},"active":false,"connected":false}`,
	},
	{
		name: "events with several arguments, emitted before connecting",
		script: `
			const s = io(OPTS);
			s.emit("echo", 1, "two", {three: [3, {four: null}]}, true, [], "ü€😀");
			return await next(s, "echoed");`,
		want: `[1,"two",{"three":[3,{"four":null}]},true,[],"ü€😀"]`,
	},
	{
		name: "acks from the server",
		script: `
			const s = io(OPTS);
			const viaCallback = await within("ack", new Promise((r) => s.emit("echo", "a", 2, (...answer) => r(answer))));
			const viaPromise = await s.emitWithAck("echo", {x: 1});
			const withTimeout = await within("timed ack", new Promise((r) => s.timeout(20000 * SLACK).emit("echo", "in time", (...a) => r(a))));
			return {viaCallback, viaPromise, withTimeout};`,
		want: `{"viaCallback":["a",2],"viaPromise":{"x":1},"withTimeout":[null,"in time"]}`,
	},
	{
		// Connected first: a timeout fires whether or not the socket is, and a connection
		// slower than the timeouts on a busy machine would read as a disconnect.
		name: "ack timeouts",
		script: `
			const s = io(OPTS);
			await next(s, "connect");
			const callback = await within("timeout callback", new Promise((r) =>
				s.timeout(300).emit("ignore", (err, ...rest) => r({message: err && err.message, rest}))));
			let rejected = null;
			try { await s.timeout(300).emitWithAck("ignore"); } catch (e) { rejected = e.message; }
			return {callback, rejected, stillConnected: s.connected};`,
		want: `{"callback":{"message":"operation has timed out","rest":[]},"rejected":"operation has timed out","stillConnected":true}`,
	},
	{
		name: "acks to the server, with binary both ways",
		script: `
			const s = io(OPTS);
			s.on("question", (q, bytes, ack) => ack({
				text: q + "?", isArrayBuffer: bytes instanceof ArrayBuffer, got: Array.from(new Uint8Array(bytes)),
				back: new Uint8Array([7, 7]),
			}));
			return await s.emitWithAck("ask", "why");`,
		want: `{"answer":{"text":"why?","isArrayBuffer":true,"got":[5,6],"back":{"buffer":[7,7]}}}`,
	},
	{
		name: "binary arguments both ways",
		script: `
			const s = io(OPTS);
			const bytes = next(s, "bytes");
			const [described, reply] = await within("binary ack", new Promise((r) => s.emit("binary",
				new Uint8Array([1, 2, 3]).buffer,
				new Uint16Array([258, 772]),
				{nested: new Blob([new Uint8Array([104, 105])]), text: "t"},
				new DataView(new Uint8Array([0, 9, 0]).buffer, 1, 1),
				(...a) => r(a))));
			const [first, obj] = await bytes;
			const view = (b) => ({arrayBuffer: b instanceof ArrayBuffer, bytes: Array.from(new Uint8Array(b))});
			return {described, reply: view(reply), first: view(first), nested: view(obj.nested)};`,
		want: `{"described":[{"buffer":[1,2,3]},{"buffer":[2,1,4,3]},{"nested":{"buffer":[104,105]},"text":"t"},{"buffer":[9]}],
			"reply":{"arrayBuffer":true,"bytes":[9,8,7]},"first":{"arrayBuffer":true,"bytes":[1,2,3,255]},
			"nested":{"arrayBuffer":true,"bytes":[104,105]}}`,
	},
	{
		name: "volatile emits are dropped while disconnected, others buffered",
		script: `
			const s = io({...OPTS, autoConnect: false});
			s.volatile.emit("note", "dropped while disconnected");
			s.emit("note", "buffered");
			s.connect();
			await next(s, "connect");
			s.volatile.emit("note", "volatile while connected");
			return await s.emitWithAck("notes");`,
		want: `["buffered","volatile while connected"]`,
	},
	{
		name: "server-side disconnect",
		script: `
			const s = io({...OPTS, reconnectionDelay: 100});
			await next(s, "connect");
			s.emit("disconnect-me");
			const [reason] = await next(s, "disconnect");
			return {reason, active: s.active, connected: s.connected, idCleared: s.id === undefined};`,
		want: `{"reason":"io server disconnect","active":false,"connected":false,"idCleared":true}`,
	},
	{
		name: "client-side disconnect, then connect again",
		script: `
			const s = io(OPTS);
			await next(s, "connect");
			const first = s.id;
			const reasons = [];
			s.on("disconnect", (r) => reasons.push(r));
			s.disconnect();
			const afterDisconnect = {connected: s.connected, active: s.active};
			s.connect();
			await next(s, "connect");
			await settled(s);
			return {reasons, afterDisconnect, newId: s.id !== first, transport: await s.emitWithAck("transport")};`,
		want: `{"reasons":["io client disconnect"],"afterDisconnect":{"connected":false,"active":false},"newId":true,"transport":"TRANSPORT"}`,
	},
	{
		// Over polling the DISCONNECT waits for the note's POST, and the close packet must not
		// share its POST: the reference server would handle the close first.
		name: "client-side disconnect right after an emit: the server learns the client left",
		script: `
			const s = io(OPTS);
			await next(s, "connect");
			const id = s.id;
			s.emit("note", "last");
			s.disconnect();
			const other = io({...OPTS, forceNew: true});
			await next(other, "connect");
			return await disconnectReason(other, id);`,
		want: `"client namespace disconnect"`,
	},
	{
		name: "reconnects after the server drops the transport",
		script: `
			const s = io({...OPTS, reconnectionDelay: 100, reconnectionDelayMax: 200});
			await next(s, "connect");
			const first = s.id, events = [];
			s.io.on("reconnect_attempt", (n) => events.push("attempt " + n));
			s.io.on("reconnect", (n) => events.push("reconnect " + n));
			s.emit("drop-transport");
			const [reason] = await next(s, "disconnect");
			await next(s, "connect");
			return {reason, events, newId: s.id !== first, echo: await s.emitWithAck("echo", "after")};`,
		want: `{"reason":"transport close","events":["attempt 1","reconnect 1"],"newId":true,"echo":"after"}`,
	},
	{
		// silenceable lets the Go server's testFront silence the connection (the reference
		// server stops its heartbeat instead).
		name: "a silent server is a ping timeout, then reconnects",
		script: `
			const s = io({...OPTS, query: {silenceable: 1}, reconnectionDelay: 100, reconnectionDelayMax: 200});
			await next(s, "connect");
			await settled(s);
			s.emit("go-silent");
			const [reason] = await next(s, "disconnect");
			await next(s, "connect");
			return {reason, echo: await s.emitWithAck("echo", "back")};`,
		want: `{"reason":"ping timeout","echo":"back"}`,
	},
	{
		name: "no server: connect_error per attempt, then reconnect_failed",
		script: `
			const s = io(CLOSED_URL, {...OPTS, reconnectionDelay: 50, reconnectionDelayMax: 100, reconnectionAttempts: 2});
			const errors = [], attempts = [];
			s.on("connect_error", (e) => errors.push(e.message));
			s.io.on("reconnect_attempt", (n) => attempts.push(n));
			await next(s.io, "reconnect_failed");
			return {errors, attempts, connected: s.connected};`,
		want: `{"errors":["OPEN_ERROR","OPEN_ERROR","OPEN_ERROR"],"attempts":[1,2],"connected":false}`,
	},
	{
		name:        "falls back to polling when the websocket cannot open",
		pollingOnly: true,
		modes:       []string{"default"},
		script: `
			const s = io({transports: ["websocket", "polling"]});
			await next(s, "connect");
			return {client: s.io.engine.transport.name, server: await s.emitWithAck("transport"), echo: await s.emitWithAck("echo", "via polling")};`,
		want: `{"client":"polling","server":"polling","echo":"via polling"}`,
	},
	{
		name:        "stays on polling when the server offers no upgrade",
		pollingOnly: true,
		modes:       []string{"default"},
		script: `
			const s = io();
			await next(s, "connect");
			return {client: s.io.engine.transport.name, echo: await s.emitWithAck("echo", "x"), webSockets: webSockets.length};`,
		want: `{"client":"polling","echo":"x","webSockets":0}`,
	},
	{
		name:  "upgrade: false stays on polling",
		modes: []string{"default"},
		script: `
			const s = io({upgrade: false});
			await next(s, "connect");
			return {client: s.io.engine.transport.name, server: await s.emitWithAck("transport"), webSockets: webSockets.length};`,
		want: `{"client":"polling","server":"polling","webSockets":0}`,
	},
	{
		// Numbered events go both ways (the server echoes each) before, during and after the
		// upgrade. The probe is let through once connected, so the burst sent when it is
		// answered goes to the connection, which holds it until the switch.
		name:  "upgrades to websocket with every message in order both ways",
		modes: []string{"default"},
		script: `
			const s = io({query: {gate: 1}});
			openProbeGate(s);
			const engine = s.io.engine, events = [];
			engine.on("upgrading", () => { events.push(s.connected ? "upgrading" : "upgrading unconnected"); burst(s, 20); });
			engine.on("upgrade", () => events.push("upgrade"));
			engine.on("upgradeError", (e) => events.push(e.message));
			const seq = await sequence(s, () => events.includes("upgrade"));
			return {...seq, events, client: engine.transport.name, server: await s.emitWithAck("transport"),
				probes: probes().length, sameEngine: s.io.engine === engine};`,
		want: `{"lost":0,"outOfOrder":-1,"before":true,"events":["upgrading","upgrade"],"client":"websocket","server":"websocket",
			"probes":1,"sameEngine":true}`,
	},
	{
		name:  "a refused probe leaves the connection on polling, every message in order",
		modes: []string{"default"},
		script: `
			const s = io({query: {probe: "refuse"}});
			const engine = s.io.engine, events = [];
			engine.on("upgrading", () => events.push("upgrading"));
			engine.on("upgradeError", (e) => events.push(e.message));
			const seq = await sequence(s, () => events.length > 0);
			return {...seq, events, client: engine.transport.name, server: await s.emitWithAck("transport")};`,
		want: `{"lost":0,"outOfOrder":-1,"before":true,"events":["probe error: websocket error"],"client":"polling","server":"polling"}`,
	},
	{
		// The server's side closes the probe's websocket right after "3probe": the client is
		// already pausing polling, and the packets it held go out over polling instead.
		name:  "a probe cut after its answer leaves the connection on polling, every message in order",
		modes: []string{"default"},
		script: `
			const s = io({query: {probe: "cut", gate: 1}});
			openProbeGate(s);
			const engine = s.io.engine, events = [];
			engine.on("upgrading", () => { events.push(s.connected ? "upgrading" : "upgrading unconnected"); burst(s, 20); });
			engine.on("upgradeError", (e) => events.push(e.message));
			const seq = await sequence(s, () => events.length > 1);
			return {...seq, events, client: engine.transport.name, server: await s.emitWithAck("transport")};`,
		want: `{"lost":0,"outOfOrder":-1,"before":true,"events":["upgrading","probe error: websocket connection closed"],
			"client":"polling","server":"polling"}`,
	},
	{
		name:  "the server closing during a probe: the probe ends, the client reconnects",
		modes: []string{"default"},
		script: `
			const s = io({query: {probe: "hang"}, reconnectionDelay: 100, reconnectionDelayMax: 200});
			await next(s, "connect");
			await until("the probe to start", () => probes().length === 1);
			s.emit("drop-transport");
			const [reason] = await next(s, "disconnect");
			const first = probes()[0];
			await until("the first probe to close", () => first.readyState === WebSocket.CLOSED);
			await next(s, "connect");
			return {reason, client: s.io.engine.transport.name, echo: await s.emitWithAck("echo", "back")};`,
		want: `{"reason":"transport close","client":"polling","echo":"back"}`,
	},
	{
		name:  "disconnecting during a probe ends the probe",
		modes: []string{"default"},
		script: `
			const s = io({query: {probe: "hang"}});
			await next(s, "connect");
			await until("the probe to start", () => probes().length === 1);
			const reasons = [];
			s.on("disconnect", (r) => reasons.push(r));
			s.disconnect();
			await until("the probe to close", () => probes()[0].readyState === WebSocket.CLOSED);
			return {reasons, engine: s.io.engine, active: s.active};`,
		want: `{"reasons":["io client disconnect"],"engine":null,"active":false}`,
	},
	{
		// Disconnecting once the probe is answered: the DISCONNECT is held for the switch, and
		// the close must neither lose it (the server learns the client left, not just that the
		// connection closed) nor leave the probe's websocket open.
		name:  "disconnecting while upgrading closes everything, then connects and upgrades again",
		modes: []string{"default"},
		script: `
			const s = io({query: {gate: 1}});
			openProbeGate(s);
			let id;
			s.io.engine.once("upgrading", () => { id = s.id; s.disconnect(); });
			const [reason] = await next(s, "disconnect");
			await until("every websocket to close", () => webSockets.every((w) => w.readyState === WebSocket.CLOSED));
			const before = webSockets.length;
			s.connect();
			await next(s, "connect");
			await settled(s);
			return {reason, serverReason: await disconnectReason(s, id), before, client: s.io.engine.transport.name,
				server: await s.emitWithAck("transport"), pageErrors};`,
		want: `{"reason":"io client disconnect","serverReason":"client namespace disconnect","before":1,"client":"websocket",
			"server":"websocket","pageErrors":[]}`,
	},
	{
		name:  "rememberUpgrade opens the next connection on websocket",
		modes: []string{"default"},
		script: `
			const first = io({rememberUpgrade: true});
			await next(first, "connect");
			await settled(first);
			const firstUpgraded = probes().length === 1;
			const opened = webSockets.length;
			const second = io({rememberUpgrade: true, forceNew: true});
			await next(second, "connect");
			return {firstUpgraded, client: second.io.engine.transport.name, server: await second.emitWithAck("transport"),
				directWebSocket: webSockets.length === opened + 1 && !/[?&]sid=/.test(webSockets[opened].url)};`,
		want: `{"firstUpgraded":true,"client":"websocket","server":"websocket","directWebSocket":true}`,
	},
	{
		name:        "websocket only cannot reach a polling-only server",
		pollingOnly: true,
		modes:       []string{"websocket"},
		script: `
			const s = io({...OPTS, reconnection: false});
			const [err] = await next(s, "connect_error");
			return {message: err.message, connected: s.connected};`,
		want: `{"message":"websocket error","connected":false}`,
	},
	{
		name:  "works when imported as a module",
		page:  "/blank.html",
		modes: []string{"default"},
		script: `
			const before = typeof globalThis.io;
			await import("/socket.io/socket.io.js");
			const s = globalThis.io(OPTS);
			await next(s, "connect");
			return {before, after: typeof globalThis.io, echo: await s.emitWithAck("echo", "module")};`,
		want: `{"before":"undefined","after":"function","echo":"module"}`,
	},
}

// scriptHelpers are defined before every case's script. The waits last at most 20 s times
// SLACK (testenv.Slack, the stretch of the Go test's own deadlines).
const scriptHelpers = `
	// within(what, promise) and next(emitter, event) wait; until(what, condition) polls.
	const within = (what, promise, ms = 20000 * SLACK) => Promise.race([promise, new Promise((_, reject) =>
		setTimeout(() => reject(new Error("timed out waiting for " + what)), ms))]);
	const next = (emitter, event) => within(event, new Promise((resolve) => emitter.once(event, (...args) => resolve(args))));
	const until = (what, condition) => within(what, new Promise((resolve) => {
		const check = () => condition() ? resolve() : setTimeout(check, 20);
		check();
	}));
	const connected = (s) => s.connected ? Promise.resolve() : next(s, "connect");
	// pageErrors collects the page's uncaught exceptions, such as one thrown in a client's handler.
	const pageErrors = [];
	addEventListener("error", (e) => pageErrors.push(e.message));
	// disconnectReason(s, id) asks the server, through s, why socket id left, once it knows.
	const disconnectReason = async (s, id) => {
		for (;;) {
			const reason = await s.emitWithAck("disconnect-reason", id);
			if (reason) return reason;
			await next(s.io, "ping");
		}
	};
	// settled(s) waits until s is on the mode's transport: in the default mode, for the upgrade.
	const settled = (s) => TRANSPORT === "websocket" && s.io.engine.transport.name !== "websocket"
		? next(s.io.engine, "upgrade") : Promise.resolve();
	// webSockets lists every WebSocket the page opens; probes() those an upgrade opens (with a sid).
	const webSockets = [];
	globalThis.WebSocket = class extends WebSocket {
		constructor(...args) { super(...args); webSockets.push(this); }
	};
	const probes = () => webSockets.filter((w) => /[?&]sid=/.test(w.url));
	// With the query parameter gate, the server answers s's probe only after openProbeGate(s)
	// sent it s's session id, each time s is connected.
	const openProbeGate = (s) => s.on("connect", () => s.emit("open-probe-gate", s.io.engine.id));
	// sequence(s, done) sends "echo" with 0, 1, 2... every few milliseconds until done() and 50
	// more, then reports how the server's echoes came back: lost (how many did not),
	// outOfOrder (the first echo out of place, -1 for none) and before (some went before done).
	// An echo sent to the server last is answered after every echo before it.
	let sent = 0;
	const burst = (s, n) => { for (let i = 0; i < n; i++) s.emit("echo", sent++); };
	const sequence = async (s, done) => {
		const back = [];
		s.on("echoed", (n) => back.push(n));
		let doneAt = -1;
		const deadline = Date.now() + 20000 * SLACK;
		while (doneAt < 0 || sent < doneAt + 50) {
			if (doneAt < 0 && done()) doneAt = sent;
			if (Date.now() > deadline) throw new Error("the sequence's condition never came, after " + sent + " events");
			burst(s, 1);
			await new Promise((r) => setTimeout(r, 2));
		}
		await s.emitWithAck("echo", "last");
		return {lost: sent - back.length, outOfOrder: back.findIndex((n, i) => n !== i), before: doneAt > 0};
	};
`

// caseTimeout bounds one case, so a lost answer fails that case instead of the whole run.
var caseTimeout = testenv.Patience(45 * time.Second)

func TestClientAgainstReferenceServer(t *testing.T) {
	t.Parallel()
	runClientCases(t, startReferenceServer(t))
}

func TestClientAgainstGoServer(t *testing.T) {
	t.Parallel()
	runClientCases(t, startGoServer(t))
}

func runClientCases(t *testing.T, srv target) {
	ctx := browsertest.New(t)
	closedURL := closedAddress(t)
	for _, mode := range transportModes {
		for _, c := range clientCases {
			if len(c.modes) > 0 && !contains(c.modes, mode.name) {
				continue
			}
			t.Run(srv.name+"/"+mode.name+"/"+c.name, func(t *testing.T) {
				base := srv.url
				if c.pollingOnly {
					base = srv.pollingOnly
				}
				page := c.page
				if page == "" {
					page = "/"
				}
				if err := chromedp.Do(ctx, chromedp.Navigate(base+page)); err != nil {
					t.Fatalf("open %s: %v", base+page, err)
				}
				// The client's connect timeout (20 s by default) is stretched like every wait.
				script := fmt.Sprintf("(async () => {\nconst SLACK = %g;\nconst OPTS = {timeout: 20000 * SLACK, ...%s};\nconst TRANSPORT = %q;\nconst CLOSED_URL = %q;\n%s\n%s\n})()",
					testenv.Slack(), mode.opts, mode.transport, closedURL, scriptHelpers, c.script)
				caseCtx, cancel := context.WithTimeout(ctx, caseTimeout)
				defer cancel()
				got, err := browsertest.Eval[[]byte](caseCtx, script)
				if err != nil {
					t.Fatalf("script failed: %v", err)
				}
				want := strings.NewReplacer("TRANSPORT", mode.transport, "OPEN_ERROR", mode.openError, "PROBES", mode.probes).Replace(c.want)
				assertSameJSON(t, got, []byte(want))
			})
		}
	}
}

// closedAddress returns a loopback URL where nothing listens (a port that was just free).
func closedAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

func assertSameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("result is not JSON: %v: %s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("bad wanted JSON in test: %v: %s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		var compact bytes.Buffer
		_ = json.Compact(&compact, want)
		t.Errorf("got  %s\nwant %s", got, compact.String())
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
