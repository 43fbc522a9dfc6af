// Cheap visual effects: muzzle flashes, explosions, sparks, dust, track marks, hit markers and
// the wrecks destroyed tanks leave. Everything lives in fixed-size pools so a busy fight cannot
// grow memory or frame time without bound.

const MAX_PARTICLES = 600;
const MAX_MARKS = 500;
const MAX_WRECKS = 24;
const WRECK_S = 7; // seconds a wreck stays, fading over the last half
const MARKER_S = 0.35; // seconds a hit marker shows

export class Effects {
  constructor() { this.particles = []; this.marks = []; this.markIndex = 0; this.shake = 0; this.wrecks = []; this.markers = []; }

  /** A burnt-out hull where a tank was destroyed (radius: the tank's), fading after a while. */
  wreck(x, y, hull, radius) {
    if (this.wrecks.length >= MAX_WRECKS) this.wrecks.shift();
    this.wrecks.push({ x, y, hull, r: radius, life: WRECK_S, smoke: 0 });
  }

  /** A hit marker where the player's own shell struck a tank: a cross, red for the killing shot. */
  hitMarker(x, y, kill) {
    if (this.markers.length >= 16) this.markers.shift();
    this.markers.push({ x, y, kill, life: MARKER_S });
  }

  add(p) {
    if (this.particles.length >= MAX_PARTICLES) this.particles.shift();
    this.particles.push(p);
  }

  muzzle(x, y, angle) {
    this.add({ kind: 'flash', x, y, angle, life: 0.08, max: 0.08, size: 22 });
    for (let i = 0; i < 6; i++) {
      const a = angle + (Math.random() - 0.5) * 0.7, s = 80 + Math.random() * 120;
      this.add({ kind: 'smoke', x, y, vx: Math.cos(a) * s, vy: Math.sin(a) * s, life: 0.4, max: 0.4, size: 5 + Math.random() * 4 });
    }
  }

  explosion(x, y, big) {
    const n = big ? 40 : 12;
    this.add({ kind: 'ring', x, y, life: big ? 0.5 : 0.25, max: big ? 0.5 : 0.25, size: big ? 70 : 26 });
    for (let i = 0; i < n; i++) {
      const a = Math.random() * Math.PI * 2, s = (big ? 60 : 30) + Math.random() * (big ? 260 : 120);
      this.add({ kind: i % 3 ? 'fire' : 'smoke', x, y, vx: Math.cos(a) * s, vy: Math.sin(a) * s,
        life: 0.3 + Math.random() * (big ? 0.7 : 0.3), max: 1, size: 3 + Math.random() * (big ? 7 : 4) });
    }
    if (big) this.shake = Math.max(this.shake, 8);
  }

  spark(x, y) {
    for (let i = 0; i < 6; i++) {
      const a = Math.random() * Math.PI * 2, s = 80 + Math.random() * 160;
      this.add({ kind: 'spark', x, y, vx: Math.cos(a) * s, vy: Math.sin(a) * s, life: 0.2, max: 0.2, size: 2 });
    }
  }

  /** Called per frame for a moving tank: dust behind it and, now and then, a track mark. */
  tracks(tank, radius, speed, frameDt) {
    if (speed < 10) return;
    const c = Math.cos(tank.hull), s = Math.sin(tank.hull);
    const bx = tank.x - c * radius * 0.9, by = tank.y - s * radius * 0.9;
    if (Math.random() < speed * frameDt * 0.04) {
      this.add({ kind: 'dust', x: bx + (Math.random() - 0.5) * radius, y: by + (Math.random() - 0.5) * radius,
        vx: -c * 20, vy: -s * 20, life: 0.7, max: 0.7, size: 4 + Math.random() * 5 });
    }
    const last = tank.lastMark;
    if (!last || Math.hypot(tank.x - last.x, tank.y - last.y) > 9) {
      tank.lastMark = { x: tank.x, y: tank.y };
      this.marks[this.markIndex] = { x: tank.x, y: tank.y, angle: tank.hull, w: radius * 0.7 };
      this.markIndex = (this.markIndex + 1) % MAX_MARKS;
    }
  }

  update(dt) {
    this.shake *= Math.exp(-dt * 10);
    for (const w of this.wrecks) {
      w.life -= dt;
      // A thin plume rises from a fresh wreck.
      if (w.life > WRECK_S / 2 && (w.smoke -= dt) <= 0) {
        w.smoke = 0.18;
        this.add({ kind: 'smoke', x: w.x + (Math.random() - 0.5) * w.r, y: w.y + (Math.random() - 0.5) * w.r,
          vx: 10 + Math.random() * 10, vy: -20 - Math.random() * 20, life: 1.2, max: 1.2, size: 5 + Math.random() * 5 });
      }
    }
    this.wrecks = this.wrecks.filter((w) => w.life > 0);
    for (const m of this.markers) m.life -= dt;
    this.markers = this.markers.filter((m) => m.life > 0);
    let n = 0; // compact in place: no new array every frame
    for (const p of this.particles) {
      p.life -= dt;
      if (p.vx !== undefined) { p.x += p.vx * dt; p.y += p.vy * dt; p.vx *= 1 - dt * 3; p.vy *= 1 - dt * 3; }
      if (p.life > 0) this.particles[n++] = p;
    }
    this.particles.length = n;
  }

  /** Wrecks, drawn on the ground under the living tanks: a charred hull and turret. */
  drawWrecks(ctx) {
    for (const w of this.wrecks) {
      ctx.globalAlpha = Math.min(1, w.life / (WRECK_S / 2));
      ctx.save(); ctx.translate(w.x, w.y); ctx.rotate(w.hull);
      const r = w.r;
      ctx.fillStyle = SCORCH; ctx.beginPath(); ctx.arc(0, 0, r * 1.5, 0, Math.PI * 2); ctx.fill();
      ctx.fillStyle = WRECK_DARK;
      ctx.fillRect(-r * 1.05, -r * 0.95, r * 2.1, r * 0.45);
      ctx.fillRect(-r * 1.05, r * 0.5, r * 2.1, r * 0.45);
      ctx.fillStyle = WRECK; ctx.fillRect(-r * 0.9, -r * 0.6, r * 1.8, r * 1.2);
      ctx.rotate(0.7); // the turret knocked askew
      ctx.fillStyle = WRECK_DARK; ctx.fillRect(0, -r * 0.12, r * 1.2, r * 0.24);
      ctx.beginPath(); ctx.arc(0, 0, r * 0.42, 0, Math.PI * 2); ctx.fill();
      ctx.restore();
    }
    ctx.globalAlpha = 1;
  }

  /** Hit markers, on top of everything in the world; sizes are in screen pixels (zoom: the camera's). */
  drawMarkers(ctx, zoom) {
    ctx.lineWidth = 3 / zoom; ctx.lineCap = 'round';
    for (const m of this.markers) {
      const k = m.life / MARKER_S, a = (9 + 6 * (1 - k)) / zoom, b = a * 0.4;
      ctx.globalAlpha = Math.min(1, k * 2);
      ctx.strokeStyle = m.kill ? MARKER_KILL : MARKER;
      ctx.beginPath();
      for (const [sx, sy] of [[1, 1], [1, -1], [-1, 1], [-1, -1]]) {
        ctx.moveTo(m.x + sx * b, m.y + sy * b); ctx.lineTo(m.x + sx * a, m.y + sy * a);
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1; ctx.lineCap = 'butt';
  }

  /** Track marks, all in one path and one fill. */
  drawMarks(ctx) {
    ctx.fillStyle = 'rgba(20, 16, 10, 0.22)';
    ctx.beginPath();
    for (const m of this.marks) {
      const c = Math.cos(m.angle + Math.PI / 2) * m.w, s = Math.sin(m.angle + Math.PI / 2) * m.w;
      ctx.rect(m.x + c - 2, m.y + s - 2, 4, 4);
      ctx.rect(m.x - c - 2, m.y - s - 2, 4, 4);
    }
    ctx.fill();
  }

  /**
   * Particles fade with globalAlpha over a few fixed colours: building an rgba() string per
   * particle made the canvas parse up to MAX_PARTICLES colours every frame.
   */
  draw(ctx) {
    for (const p of this.particles) {
      const k = Math.max(0, Math.min(1, p.life / p.max));
      switch (p.kind) {
        case 'flash':
          ctx.save(); ctx.translate(p.x, p.y); ctx.rotate(p.angle);
          ctx.globalAlpha = k; ctx.fillStyle = FLASH;
          ctx.beginPath(); ctx.moveTo(0, -p.size * 0.35); ctx.lineTo(p.size * 1.3, 0); ctx.lineTo(0, p.size * 0.35); ctx.fill();
          ctx.restore();
          break;
        case 'ring':
          ctx.globalAlpha = k; ctx.strokeStyle = RING; ctx.lineWidth = 3;
          ctx.beginPath(); ctx.arc(p.x, p.y, Math.max(0, p.size * (1 - k * 0.7)), 0, Math.PI * 2); ctx.stroke();
          break;
        case 'fire': ctx.globalAlpha = Math.min(1, k * 1.5); ctx.fillStyle = k > 0.5 ? FIRE_HOT : FIRE; dot(ctx, p, p.size * (0.5 + k)); break;
        case 'spark': ctx.globalAlpha = k; ctx.fillStyle = SPARK; dot(ctx, p, p.size); break;
        case 'dust': ctx.globalAlpha = k * 0.35; ctx.fillStyle = DUST; dot(ctx, p, p.size * (1.6 - k)); break;
        default: ctx.globalAlpha = k * 0.5; ctx.fillStyle = SMOKE; dot(ctx, p, p.size * (1.8 - k));
      }
    }
    ctx.globalAlpha = 1;
  }
}

const FLASH = 'rgb(255, 230, 140)', RING = 'rgb(255, 200, 120)', FIRE_HOT = 'rgb(255, 215, 40)', FIRE = 'rgb(255, 150, 40)';
const SPARK = 'rgb(255, 240, 180)', DUST = 'rgb(150, 130, 100)', SMOKE = 'rgb(90, 90, 90)';
const SCORCH = 'rgba(20, 16, 12, 0.35)', WRECK = 'rgb(52, 48, 42)', WRECK_DARK = 'rgb(30, 28, 25)';
const MARKER = 'rgb(255, 255, 255)', MARKER_KILL = 'rgb(255, 80, 60)';

// arc throws on a negative radius, and a throw mid-frame would leave the canvas state saved.
function dot(ctx, p, r) { ctx.beginPath(); ctx.arc(p.x, p.y, Math.max(0, r), 0, Math.PI * 2); ctx.fill(); }
