// The own gun's reload, counted in inputs (ticks) like the server counts it (game/tanks/world.go: a
// shot sets reloadTicks, each step counts one down, the gun fires again at zero). Counting in
// frame time instead predicts shells the server never fires after a catch-up burst of inputs,
// and those ghost shells vanish a round trip later.

export class Gun {
  /** reloadTime in seconds at tickRate ticks per second, rounded as game.Config.ticks does. */
  constructor(reloadTime, tickRate) {
    this.reloadTicks = Math.max(1, Math.round(reloadTime * tickRate));
    this.lastShot = null; // seq of the input that fired last
  }

  /** Whether the input numbered seq (held fire) shoots; records the shot when it does. */
  trigger(seq) {
    if (this.lastShot !== null && seq - this.lastShot < this.reloadTicks) return false;
    this.lastShot = seq;
    return true;
  }

  /** The server reloads the gun on respawn. */
  reload() { this.lastShot = null; }

  /** Share of the reload done after the input numbered seq, 0..1, for the HUD bar. */
  ready(seq) { return this.lastShot === null ? 1 : Math.min(1, (seq - this.lastShot) / this.reloadTicks); }
}
