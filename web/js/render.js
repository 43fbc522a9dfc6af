// Draws the arena on the canvas: ground, walls, tanks, shells, effects, names and the minimap.
// The canvas backing store follows devicePixelRatio so lines stay sharp on phones and HiDPI
// screens; the camera keeps the own tank in the middle.

// The view shows about VIEW_SPAN² × 9/16 world units² whatever the window's shape: a phone held
// upright sees as much of the arena as a laptop, instead of a narrow strip of it.
const VIEW_SPAN = 1100;
const EDGE_MARGIN = 140; // world units the camera may show beyond the map's edge
const TOUCH = matchMedia('(pointer: coarse)').matches; // phones: the minimap moves clear of the sticks
// Shells: a bright core of at least SHELL_MIN_PX screen pixels across, so a shell stays visible
// on a phone zoomed out, and a trail as long as SHELL_TRAIL_S of its flight.
const SHELL_MIN_PX = 3.5;
const SHELL_TRAIL_S = 0.045;
const OFFLINE_ALPHA = 0.35; // a disconnected player's tank: a ghost shells pass through

export class Renderer {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.width = 0; this.height = 0; this.dpr = 1;
    this.camera = { x: 0, y: 0, zoom: 1 };
    // Screen pixels along each side that something covers (the phone's sticks): the camera
    // keeps the map's edges clear of them.
    this.insets = { top: 0, right: 0, bottom: 0, left: 0 };
    this.resize();
    addEventListener('resize', () => this.resize());
  }

  resize() {
    this.dpr = Math.min(globalThis.devicePixelRatio || 1, 3);
    this.width = innerWidth; this.height = innerHeight;
    this.canvas.width = Math.round(this.width * this.dpr);
    this.canvas.height = Math.round(this.height * this.dpr);
  }

  /** Where a world point is drawn, in CSS pixels. */
  toScreen(x, y) {
    const c = this.camera;
    return { x: (x - c.x) * c.zoom + this.width / 2, y: (y - c.y) * c.zoom + this.height / 2 };
  }

  /** The world point drawn at a screen point (CSS pixels): where a click or a tap lands. */
  toWorld(x, y) {
    const c = this.camera;
    return { x: (x - this.width / 2) / c.zoom + c.x, y: (y - this.height / 2) / c.zoom + c.y };
  }

  /**
   * Draws one frame. scene: {map, me (id), focus {x,y}, overview (the whole map: a spectator's),
   * followed (the id a spectator follows), tanks [{id,x,y,hull,turret,alive,shielded,health,name}],
   * shells [{x,y,own}], effects, config}.
   */
  draw(scene) {
    const { ctx, camera } = this;
    if (scene.overview) this.showAll(scene.map);
    else this.fit();
    if (scene.focus && !scene.overview) this.follow(scene.focus, scene.map);
    const shake = scene.effects.shake;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = '#1d2420';
    ctx.fillRect(0, 0, this.width, this.height);

    ctx.save();
    ctx.translate(this.width / 2 + (Math.random() - 0.5) * shake, this.height / 2 + (Math.random() - 0.5) * shake);
    ctx.scale(camera.zoom, camera.zoom);
    ctx.translate(-camera.x, -camera.y);
    this.ground(scene.map);
    scene.effects.drawMarks(ctx);
    scene.effects.drawWrecks(ctx);
    for (const t of scene.tanks) {
      if (!t.alive) continue;
      ctx.globalAlpha = t.offline ? OFFLINE_ALPHA : 1;
      this.tank(t, scene.config, t.id === scene.me);
    }
    ctx.globalAlpha = 1;
    this.followRing(scene.tanks.find((t) => t.alive && t.id === scene.followed), scene.config);
    this.shells(scene.shells, scene.config);
    scene.effects.draw(ctx);
    this.walls(scene.map);
    for (const t of scene.tanks) if (t.alive) this.label(t, scene.config, t.id === scene.me);
    scene.effects.drawMarkers(ctx, camera.zoom);
    ctx.restore();
    this.minimap(scene);
  }

  /** Sets the zoom for the window's size (see VIEW_SPAN). */
  fit() {
    this.camera.zoom = Math.max(0.45, Math.min(1.6, Math.sqrt(this.width * this.height) / (VIEW_SPAN * 0.75)));
  }

  /** Marks the tank a spectator's camera follows (none: nothing). */
  followRing(t, config) {
    if (!t) return;
    const ctx = this.ctx;
    ctx.strokeStyle = 'rgba(255, 233, 168, 0.8)'; ctx.lineWidth = 2; ctx.setLineDash([6, 5]);
    ctx.beginPath(); ctx.arc(t.x, t.y, config.tankRadius * 1.7, 0, Math.PI * 2); ctx.stroke();
    ctx.setLineDash([]);
  }

  /** Zooms and centres the camera so the whole map shows, with the edge margin around it. */
  showAll(map) {
    const w = this.width - this.insets.left - this.insets.right, h = this.height - this.insets.top - this.insets.bottom;
    this.camera.zoom = Math.max(0.05, Math.min(w / (map.width + 2 * EDGE_MARGIN), h / (map.height + 2 * EDGE_MARGIN)));
    this.camera.x = map.width / 2;
    this.camera.y = map.height / 2;
  }

  /**
   * Shells in two paths: the trails (a line back along the flight), then the bright cores with
   * a dark rim that shows them on the pale walls and sand alike.
   */
  shells(shells, config) {
    const ctx = this.ctx, z = this.camera.zoom;
    const r = Math.max(config.shellRadius * 1.3, SHELL_MIN_PX / 2 / z);
    ctx.strokeStyle = 'rgba(255, 190, 80, 0.55)'; ctx.lineWidth = r * 1.3; ctx.lineCap = 'round';
    ctx.beginPath();
    for (const s of shells) {
      ctx.moveTo(s.x, s.y);
      ctx.lineTo(s.x - (s.vx || 0) * SHELL_TRAIL_S, s.y - (s.vy || 0) * SHELL_TRAIL_S);
    }
    ctx.stroke();
    ctx.lineCap = 'butt';
    ctx.beginPath();
    for (const s of shells) { ctx.moveTo(s.x + r, s.y); ctx.arc(s.x, s.y, r, 0, Math.PI * 2); }
    ctx.fillStyle = '#fffbe6'; ctx.fill();
    ctx.strokeStyle = 'rgba(90, 40, 0, 0.8)'; ctx.lineWidth = Math.max(1, 1 / z); ctx.stroke();
  }

  /**
   * Centres the camera on the focus, but keeps the map filling the view where it is big enough,
   * with a margin beyond the edge so a tank in a corner is not hidden under the HUD, nor the
   * map's edge under what covers the screen's sides (insets: the phone's sticks).
   */
  follow(focus, map) {
    const c = this.camera, z = c.zoom, ins = this.insets;
    const halfW = this.width / 2 / z, halfH = this.height / 2 / z;
    const margin = (px) => Math.max(EDGE_MARGIN, px / z);
    c.x = clampCentre(focus.x, halfW - margin(ins.left), map.width + margin(ins.right) - halfW);
    c.y = clampCentre(focus.y, halfH - margin(ins.top), map.height + margin(ins.bottom) - halfH);
  }

  ground(map) {
    const ctx = this.ctx;
    ctx.fillStyle = '#4f5b3e';
    ctx.fillRect(0, 0, map.width, map.height);
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.08)'; ctx.lineWidth = 2;
    const step = (map.tileSize || 32) * 2;
    ctx.beginPath();
    for (let x = 0; x <= map.width; x += step) { ctx.moveTo(x, 0); ctx.lineTo(x, map.height); }
    for (let y = 0; y <= map.height; y += step) { ctx.moveTo(0, y); ctx.lineTo(map.width, y); }
    ctx.stroke();
    ctx.strokeStyle = '#2a2f24'; ctx.lineWidth = 8;
    ctx.strokeRect(-4, -4, map.width + 8, map.height + 8);
  }

  walls(map) {
    const ctx = this.ctx;
    for (const w of map.walls || []) {
      ctx.fillStyle = 'rgba(0, 0, 0, 0.25)'; ctx.fillRect(w.x + 6, w.y + 6, w.w, w.h);
      ctx.fillStyle = '#8a8272'; ctx.fillRect(w.x, w.y, w.w, w.h);
      ctx.fillStyle = '#a39b89'; ctx.fillRect(w.x, w.y, w.w, Math.min(6, w.h));
    }
  }

  tank(t, config, mine) {
    const ctx = this.ctx, r = config.tankRadius;
    const hue = mine ? 95 : hueOf(t.id);
    ctx.save(); ctx.translate(t.x, t.y);
    ctx.save(); ctx.rotate(t.hull);
    ctx.fillStyle = '#2b2b27'; // tracks
    ctx.fillRect(-r * 1.05, -r * 0.95, r * 2.1, r * 0.45);
    ctx.fillRect(-r * 1.05, r * 0.5, r * 2.1, r * 0.45);
    ctx.fillStyle = `hsl(${hue}, 45%, 42%)`;
    ctx.fillRect(-r * 0.9, -r * 0.6, r * 1.8, r * 1.2);
    ctx.fillStyle = `hsl(${hue}, 45%, 52%)`;
    ctx.fillRect(r * 0.55, -r * 0.5, r * 0.3, r);
    ctx.restore();
    ctx.rotate(t.turret);
    ctx.fillStyle = `hsl(${hue}, 35%, 30%)`;
    ctx.fillRect(0, -r * 0.14, config.barrelLength, r * 0.28);
    ctx.fillStyle = `hsl(${hue}, 45%, 60%)`;
    ctx.beginPath(); ctx.arc(0, 0, r * 0.45, 0, Math.PI * 2); ctx.fill();
    ctx.restore();
    if (t.shielded) {
      ctx.strokeStyle = 'rgba(140, 200, 255, 0.7)'; ctx.lineWidth = 3;
      ctx.beginPath(); ctx.arc(t.x, t.y, r * 1.45, 0, Math.PI * 2); ctx.stroke();
    }
  }

  label(t, config, mine) {
    const ctx = this.ctx, r = config.tankRadius;
    const y = t.y - r * 1.6;
    if (!mine) {
      const k = Math.max(0, Math.min(1, t.health / config.maxHealth));
      ctx.fillStyle = 'rgba(0, 0, 0, 0.5)'; ctx.fillRect(t.x - r, y, r * 2, 4);
      ctx.fillStyle = k > 0.35 ? '#7fd35b' : '#ff7b6b'; ctx.fillRect(t.x - r, y, r * 2 * k, 4);
    }
    ctx.font = '600 13px system-ui, sans-serif'; ctx.textAlign = 'center';
    ctx.fillStyle = mine ? '#d9f7a8' : '#f2f2ea';
    if (t.offline) ctx.globalAlpha = 0.7;
    ctx.fillText(t.name || `#${t.id}`, t.x, y - 5); // canvas text: names are never parsed as markup
    if (t.offline) {
      ctx.font = '600 11px system-ui, sans-serif'; ctx.fillStyle = '#f0b36a';
      ctx.fillText('disconnected', t.x, t.y + r * 2.1);
      ctx.globalAlpha = 1;
    }
  }

  minimap(scene) {
    const { ctx, width, height } = this, map = scene.map;
    const size = Math.min(170, Math.min(width, height) * 0.28);
    const k = size / Math.max(map.width, map.height);
    const w = map.width * k, h = map.height * k;
    const x0 = TOUCH ? 12 : width - w - 12, y0 = TOUCH ? 48 : height - h - 12 - this.insets.bottom; // above a spectator's line
    ctx.fillStyle = 'rgba(16, 20, 18, 0.7)'; ctx.fillRect(x0 - 4, y0 - 4, w + 8, h + 8);
    ctx.fillStyle = 'rgba(79, 91, 62, 0.8)'; ctx.fillRect(x0, y0, w, h);
    ctx.fillStyle = '#a39b89';
    for (const wl of map.walls || []) ctx.fillRect(x0 + wl.x * k, y0 + wl.y * k, Math.max(1, wl.w * k), Math.max(1, wl.h * k));
    for (const t of scene.tanks) {
      if (!t.alive) continue;
      const mine = t.id === scene.me;
      ctx.fillStyle = mine ? '#d9f7a8' : `hsl(${hueOf(t.id)}, 70%, 60%)`;
      ctx.globalAlpha = t.offline ? OFFLINE_ALPHA : 1;
      ctx.beginPath(); ctx.arc(x0 + t.x * k, y0 + t.y * k, mine ? 3.5 : 2.5, 0, Math.PI * 2); ctx.fill();
      ctx.globalAlpha = 1;
    }
    const c = this.camera, vw = width / c.zoom * k, vh = height / c.zoom * k;
    ctx.save();
    ctx.beginPath(); ctx.rect(x0, y0, w, h); ctx.clip();
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.35)'; ctx.lineWidth = 1;
    ctx.strokeRect(x0 + c.x * k - vw / 2, y0 + c.y * k - vh / 2, vw, vh);
    ctx.restore();
  }
}

/**
 * The camera centre along one axis: value held within [lo, hi], the range that keeps the view
 * on the map (and its margins); when the map is smaller than that, the middle of the range.
 */
function clampCentre(value, lo, hi) {
  return lo <= hi ? Math.max(lo, Math.min(hi, value)) : (lo + hi) / 2;
}

/** A stable colour per tank id, away from the own tank's green. */
export function hueOf(id) {
  const hue = (id * 137.5 + 180) % 360;
  return hue > 50 && hue < 170 ? hue + 130 : hue; // keep clear of the own tank's green
}
