// Cheap visual effects: muzzle flashes, explosions, sparks, dust and track marks. Everything
// lives in fixed-size pools so a busy fight cannot grow memory or frame time without bound.

const MAX_PARTICLES = 600;
const MAX_MARKS = 500;

export class Effects {
  constructor() { this.particles = []; this.marks = []; this.markIndex = 0; this.shake = 0; }

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
    let n = 0; // compact in place: no new array every frame
    for (const p of this.particles) {
      p.life -= dt;
      if (p.vx !== undefined) { p.x += p.vx * dt; p.y += p.vy * dt; p.vx *= 1 - dt * 3; p.vy *= 1 - dt * 3; }
      if (p.life > 0) this.particles[n++] = p;
    }
    this.particles.length = n;
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

// arc throws on a negative radius, and a throw mid-frame would leave the canvas state saved.
function dot(ctx, p, r) { ctx.beginPath(); ctx.arc(p.x, p.y, Math.max(0, r), 0, Math.PI * 2); ctx.fill(); }
