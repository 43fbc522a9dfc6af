// Client-side prediction of the own tank: every input is applied locally at once with the same
// movement code the server runs (movement.js), remembered until the server says it applied it
// (the tank's `seq` in a snapshot), then replayed on top of each authoritative state. Small
// disagreements are blended away over a few frames instead of snapping, so a clean LAN shows no
// rubber-banding; big ones (respawn, collision with another tank) snap.
//
// Replaying each pending input once is exactly what the server does: it moves the tank once per
// input, whichever tick applies it (game.Pacer). A tick its input had not arrived for holds the
// tank still with `seq` unchanged, and the late input is applied on the next tick from there; a
// tick that gives back latency after a stall moves it by two inputs, `seq` advancing by two. So
// neither a late input nor a burst costs a correction here: the snapshot's state is always that
// of the inputs up to its `seq`, each applied once.

import { stepTank, wrapAngle } from './movement.js';
import { lerpAngle } from './angle.js';

const MAX_ERRORS = 8192; // corrections kept: minutes of snapshots
const FIELDS = ['x', 'y', 'vx', 'vy', 'hull', 'turret'];
const SNAP_DISTANCE = 80; // world units: beyond this a correction is a teleport, not an error
const SMOOTH_RATE = 12; // 1/s: how fast a small correction fades out
const MAX_PENDING = 240; // inputs not yet acknowledged (4 s at 60 Hz); older ones are dropped

const copy = (t) => { const o = {}; for (const f of FIELDS) o[f] = t[f]; return o; };

export class Predictor {
  constructor(config, map) {
    this.config = config; // raw server config, as movement.js expects it
    this.map = map;
    this.state = null; // predicted state after the newest input
    this.prev = null; // state one tick earlier, to interpolate between ticks when rendering
    this.pending = []; // [{seq, input, dt}] sent but not yet applied by the server
    this.offset = { x: 0, y: 0 }; // visual correction still being blended away
    this.lastError = 0; // size of the last correction, for the net graph
    this.errors = []; // the last corrections of a live tank, for the tests' percentiles
    this.alive = false; // a dead tank waits for its respawn where the server has it
  }

  /** Applies one input locally (the same one just sent to the server). */
  apply(seq, input, dt) {
    if (!this.state) return;
    if (!this.alive) return; // nothing to predict or replay until the respawn
    this.pending.push({ seq, input, dt });
    if (this.pending.length > MAX_PENDING) this.pending.shift();
    this.prev = copy(this.state);
    stepTank(this.state, input, this.config, this.map, dt);
  }

  /** Rebases the prediction on the server's state of the own tank and replays what it has not applied yet. */
  reconcile(server) {
    while (this.pending.length && this.pending[0].seq <= server.seq) this.pending.shift();
    this.alive = server.alive;
    if (!this.state || !server.alive) {
      this.state = copy(server); this.prev = copy(server);
      this.offset = { x: 0, y: 0 };
      return;
    }
    const before = this.state, prev = this.prev;
    this.state = copy(server);
    for (const p of this.pending) stepTank(this.state, p.input, this.config, this.map, p.dt);
    // Keep the last tick's motion, position and angles, so drawing between ticks goes on
    // smoothly; a prev equal to the new state would freeze the turret for the rest of the tick
    // and then step it back.
    this.prev = {
      ...this.state,
      x: this.state.x + prev.x - before.x, y: this.state.y + prev.y - before.y,
      hull: this.state.hull + wrapAngle(prev.hull - before.hull),
      turret: this.state.turret + wrapAngle(prev.turret - before.turret),
    };
    const ex = before.x - this.state.x, ey = before.y - this.state.y;
    this.lastError = Math.hypot(ex, ey);
    this.errors.push(this.lastError);
    if (this.errors.length > MAX_ERRORS) this.errors.splice(0, this.errors.length - MAX_ERRORS / 2);
    if (this.lastError > SNAP_DISTANCE) this.offset = { x: 0, y: 0 };
    else { this.offset.x += ex; this.offset.y += ey; }
  }

  /** Fades the visual correction; call once per rendered frame. */
  smooth(frameDt) {
    const k = Math.exp(-SMOOTH_RATE * frameDt);
    this.offset.x *= k; this.offset.y *= k;
  }

  /** The pose to draw: between the last two ticks (alpha in [0,1]) plus the fading correction. */
  pose(alpha) {
    if (!this.state) return null;
    const a = this.prev, b = this.state;
    return {
      x: a.x + (b.x - a.x) * alpha + this.offset.x,
      y: a.y + (b.y - a.y) * alpha + this.offset.y,
      hull: lerpAngle(a.hull, b.hull, alpha),
      turret: lerpAngle(a.turret, b.turret, alpha),
      vx: b.vx, vy: b.vy,
    };
  }
}
