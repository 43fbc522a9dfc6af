// Sends the player's input at the server's tick rate: one input per simulation tick, as the
// room runtime applies them, whatever the frame rate. The render loop hands it each frame's
// time; it calls the game's build(seq) once per tick that elapsed and sends the payload through
// the connection (the "input" event). The runtime applies each input for one tick; while none
// arrive a game either keeps the last in force or holds the player still (game.Pacer), so:
//
//   - after a stall (a slow frame, a frozen tab) at most maxCatchUp ticks are sent at once and
//     the rest of the time is dropped: the server applies every input for one tick, so a longer
//     burst would only add latency its input buffer then has to shed;
//   - while the page is hidden no inputs go out, and as it hides the game's idle(seq) input (keys
//     released) is sent once, so the player stops instead of holding the last keys, and the tab
//     neither floods the server on its return nor drives blind.
//
// seq counts the inputs; it starts again from the join ack's seq on every (re)join, because the
// server ignores an input that is not newer than the last it applied.

const MAX_CATCH_UP_TICKS = 8;

export class InputClock {
  /**
   * connection: a Connection (connection.js). build(seq) returns the payload for one tick, its
   * first element seq, or null to send nothing; idle(seq), if given, the payload sent as the page
   * hides. maxCatchUp bounds the inputs one frame sends after a stall.
   */
  constructor(connection, { build, idle = null, maxCatchUp = MAX_CATCH_UP_TICKS }) {
    this.connection = connection;
    this.build = build;
    this.idle = idle;
    this.maxCatchUp = maxCatchUp;
    this.seq = 0; // the last seq sent
    this.dt = 0; // seconds a tick; 0 until joined
    this.acc = 0; // seconds not yet sent as ticks
    connection.on('joined', (ack) => this.restart(ack));
    if (idle && typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', () => { if (document.hidden && this.dt) this.send(this.idle); });
    }
  }

  /** Starts counting ticks afresh at the ack's tick rate, numbering on from the ack's seq. */
  restart({ tickRate, seq }) {
    this.dt = tickRate > 0 ? 1 / tickRate : 0;
    this.seq = Math.max(this.seq, seq || 0);
    this.acc = 0;
  }

  /** Adds a frame's seconds and sends one input per whole tick elapsed; returns how many it sent. */
  advance(frameSeconds) {
    if (!this.dt) return 0;
    this.acc += frameSeconds;
    if (typeof document !== 'undefined' && document.hidden) this.acc = 0;
    let ticks = 0;
    while (this.acc >= this.dt && ticks < this.maxCatchUp) {
      this.send(this.build);
      this.acc -= this.dt;
      ticks++;
    }
    if (ticks === this.maxCatchUp) this.acc = 0;
    return ticks;
  }

  /** How far the time is into the next tick, 0..1: where to draw a predicted state between ticks. */
  get fraction() { return this.dt ? Math.min(1, this.acc / this.dt) : 0; }

  send(build) {
    const payload = build(this.seq + 1);
    if (!payload) return;
    this.seq++;
    this.connection.sendInput(payload);
  }
}
