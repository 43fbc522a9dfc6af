// The net graph overlay: what the connection measures (ping with a small history, snapshots and
// bytes received a second, inputs sent a second, the lag simulator's settings) and whatever lines
// the game adds (its interpolation delay, prediction error, tick…). The page owns the element
// (a <pre>, hidden at first) and the key that toggles it. Sends and handles no events.

const REFRESH_MS = 250;
const BARS = ' ▁▂▃▄▅▆▇█';
const MS_A_BAR = 25; // ping history: one bar step per 25 ms

export class NetGraph {
  constructor(el) { this.el = el; this.shown = false; this.last = 0; }

  toggle() { this.shown = !this.shown; this.el.hidden = !this.shown; }

  /** Redraws at most 4 times a second: the connection's numbers (connection.js), then the game's lines. */
  update(now, connection, gameLines = []) {
    if (!this.shown || now - this.last < REFRESH_MS) return;
    this.last = now;
    this.el.textContent = netGraphLines(connection, gameLines).join('\n');
  }
}

/** The net graph's text, one string a line. */
export function netGraphLines(c, gameLines = []) {
  const hist = c.pingHistory.map((p) => BARS[Math.min(BARS.length - 1, Math.round(p / MS_A_BAR))]).join('');
  const lag = Object.entries(c.lag || {}).map(([k, v]) => `${k}=${v}`).join(' ');
  return [
    `ping        ${fmt(c.ping)} ms  ${hist}`,
    `snapshots   ${c.rates.snaps}/s (server ${c.snapshotRate}/s)  base ${baseAge(c)}`,
    `down        ${(c.rates.bytes / 1024).toFixed(1)} KiB/s`,
    `inputs      ${c.rates.inputs}/s  buffered ${c.inputDepth ?? '-'}`,
    ...gameLines,
    lag ? `lag sim     ${lag}` : '',
  ].filter(Boolean);
}

// How far back the last delta's base was, in ms: the acknowledgement's round trip.
const baseAge = (c) => (c.stream?.baseAge ? `${Math.round(c.stream.baseAge * 1000 / (c.snapshotRate || 30))} ms back` : 'keyframe');

const fmt = (v) => (v == null ? '  -' : String(Math.round(v)).padStart(3));
