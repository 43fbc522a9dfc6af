// Held-state input from keyboard, mouse and gamepad. The game loop samples it once per tick;
// nothing here knows about the network. touch.js adds the phone sticks on top.

const DRIVE_KEYS = {
  KeyW: ['throttle', 1], ArrowUp: ['throttle', 1], KeyS: ['throttle', -1], ArrowDown: ['throttle', -1],
  KeyD: ['turn', 1], ArrowRight: ['turn', 1], KeyA: ['turn', -1], ArrowLeft: ['turn', -1],
};
const DEADZONE = 0.2;

export class Controls {
  constructor(canvas) {
    this.held = new Set();
    this.mouse = { x: 0, y: 0, down: false, seen: false };
    this.padAim = null; // last gamepad right-stick angle; cleared when the mouse moves
    this.onToggle = () => {}; // (name) for one-shot keys: 'netgraph', 'mute'
    this.onBoard = () => {}; // (shown) while Tab is held

    addEventListener('keydown', (e) => {
      if (e.target instanceof HTMLInputElement) return;
      if (e.code === 'F3' || e.code === 'Backquote') { e.preventDefault(); if (!e.repeat) this.onToggle('netgraph'); return; }
      if (e.code === 'KeyM' && !e.repeat) this.onToggle('mute');
      if (e.code === 'Tab') { e.preventDefault(); this.onBoard(true); return; }
      if (e.code in DRIVE_KEYS || e.code === 'Space') e.preventDefault();
      this.held.add(e.code);
    });
    addEventListener('keyup', (e) => {
      if (e.code === 'Tab') this.onBoard(false);
      this.held.delete(e.code);
    });
    addEventListener('blur', () => { this.held.clear(); this.mouse.down = false; this.onBoard(false); });
    canvas.addEventListener('mousemove', (e) => { this.mouse.x = e.clientX; this.mouse.y = e.clientY; this.mouse.seen = true; this.padAim = null; });
    canvas.addEventListener('mousedown', (e) => { if (e.button === 0) this.mouse.down = true; });
    addEventListener('mouseup', (e) => { if (e.button === 0) this.mouse.down = false; });
    canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  }

  /**
   * Returns {throttle, turn, aim, fire}. tankScreen is where the own tank is drawn (CSS pixels),
   * so the mouse aims in world terms regardless of the camera; fallbackAim keeps the turret still
   * when nothing is aiming.
   */
  sample(tankScreen, fallbackAim, touch) {
    let throttle = 0, turn = 0;
    for (const code of this.held) {
      const k = DRIVE_KEYS[code];
      if (k) k[0] === 'throttle' ? (throttle += k[1]) : (turn += k[1]);
    }
    let fire = this.held.has('Space') || this.mouse.down;
    let aim = this.mouse.seen ? Math.atan2(this.mouse.y - tankScreen.y, this.mouse.x - tankScreen.x) : fallbackAim;

    const pad = firstGamepad();
    if (pad) {
      const [lx = 0, ly = 0, rx = 0, ry = 0] = pad.axes;
      if (Math.hypot(lx, ly) > DEADZONE) { throttle = -ly; turn = lx; }
      if (Math.hypot(rx, ry) > 0.4) this.padAim = Math.atan2(ry, rx);
      const b = pad.buttons;
      if (b[7]?.pressed || b[5]?.pressed || b[0]?.pressed) fire = true;
    }
    if (this.padAim !== null) aim = this.padAim;

    if (touch?.active) {
      if (Math.abs(touch.throttle) + Math.abs(touch.turn) > 0) { throttle = touch.throttle; turn = touch.turn; }
      if (touch.aim !== null) aim = touch.aim;
      fire = fire || touch.fire;
    }
    return { throttle: clamp(throttle), turn: clamp(turn), aim, fire };
  }
}

const clamp = (v) => Math.max(-1, Math.min(1, v));

function firstGamepad() {
  if (!navigator.getGamepads) return null;
  for (const p of navigator.getGamepads()) if (p && p.connected) return p;
  return null;
}
