// The net graph overlay (F3 or `): ping, snapshot rate, interpolation delay, bytes per second,
// inputs per second and the size of the last prediction correction, with a small ping history.

export class NetGraph {
  constructor(el) { this.el = el; this.shown = false; this.last = 0; }

  toggle() { this.shown = !this.shown; this.el.hidden = !this.shown; }

  /** Updates the text at most 4 times a second; stats come from net.js and main.js. */
  update(now, s) {
    if (!this.shown || now - this.last < 250) return;
    this.last = now;
    const hist = s.pingHistory.map((p) => ' ▁▂▃▄▅▆▇█'[Math.min(8, Math.round(p / 25))]).join('');
    this.el.textContent = [
      `ping        ${fmt(s.ping)} ms  ${hist}`,
      `snapshots   ${s.snapshotRate}/s (server ${s.serverSnapshotRate}/s)`,
      `interp      ${Math.round(s.interpDelay)} ms  buffer ${s.buffered}`,
      `down        ${(s.bytesIn / 1024).toFixed(1)} KiB/s`,
      `inputs      ${s.inputRate}/s  unacked ${s.unacked}`,
      `correction  ${s.correction.toFixed(1)} units`,
      `tick        ${s.tick}  arena ${s.arena ? s.arena.slice(0, 8) : '-'}`,
      s.lag ? `lag sim     ${s.lag}` : '',
    ].filter(Boolean).join('\n');
  }
}

const fmt = (v) => (v == null ? '  -' : String(Math.round(v)).padStart(3));
