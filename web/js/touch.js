// Twin-stick touch controls for phones: the left stick drives (up = forward, sideways = turn),
// the right stick aims the turret and fires while pushed past half way.

const FIRE_AT = 0.5;

export class TouchSticks {
  constructor(root) {
    this.root = root;
    this.active = false;
    this.throttle = 0; this.turn = 0; this.aim = null; this.fire = false;
    this.move = new Stick(root.querySelector('#stick-move'), (x, y) => { this.throttle = -y; this.turn = x; });
    this.look = new Stick(root.querySelector('#stick-aim'), (x, y, held) => {
      const m = Math.hypot(x, y);
      if (m > 0.15) this.aim = Math.atan2(y, x);
      this.fire = held && m > FIRE_AT;
    });
    // Used on touch screens from the start, and elsewhere once the player really touches the
    // screen (a laptop with a touch panel), so mouse-only desktops never see the sticks. They
    // are drawn only while playing: on the name screen they would sit under the keyboard.
    this.playing = false;
    if (matchMedia('(pointer: coarse)').matches) this.active = true;
    addEventListener('touchstart', () => { this.active = true; this.update(); }, { once: true, passive: true });
  }

  /** Shows the sticks (on touch devices) once the player is in the arena. */
  setPlaying(playing) { this.playing = playing; this.update(); }

  update() { this.root.hidden = !(this.active && this.playing); }
}

class Stick {
  constructor(el, onChange) {
    this.el = el; this.knob = el.querySelector('i'); this.onChange = onChange; this.id = null;
    el.style.pointerEvents = 'auto';
    el.addEventListener('touchstart', (e) => this.start(e), { passive: false });
    el.addEventListener('touchmove', (e) => this.moveTo(e), { passive: false });
    el.addEventListener('touchend', (e) => this.end(e));
    el.addEventListener('touchcancel', (e) => this.end(e));
  }

  find(e) { for (const t of e.changedTouches) if (t.identifier === this.id) return t; return null; }

  start(e) {
    e.preventDefault();
    if (this.id !== null) return;
    this.id = e.changedTouches[0].identifier;
    this.moveTo(e);
  }

  moveTo(e) {
    e.preventDefault();
    const t = this.find(e);
    if (!t) return;
    const r = this.el.getBoundingClientRect();
    const radius = r.width / 2;
    let x = (t.clientX - r.left - radius) / radius, y = (t.clientY - r.top - radius) / radius;
    const m = Math.hypot(x, y);
    if (m > 1) { x /= m; y /= m; }
    this.knob.style.transform = `translate(${x * radius * 0.6}px, ${y * radius * 0.6}px)`;
    this.onChange(x, y, true);
  }

  end(e) {
    if (!this.find(e)) return;
    this.id = null;
    this.knob.style.transform = '';
    this.onChange(0, 0, false);
  }
}
