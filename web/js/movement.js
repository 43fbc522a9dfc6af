// Tank movement for client-side prediction: the same rules, in the same floating-point order,
// as game/tanks/movement.go (stepBody, collideWalls, pushOutOfRect) and game/tanks/input.go (sanitize).
// A Go test (TestJSMovementMatchesGo) runs both on one input script and requires equal results;
// change both files together. Tank-against-tank pushing is not predicted (the server corrects it).
//
// stepTank(tank, input, config, map, dt) mutates tank {x, y, vx, vy, hull, turret}.
//   input:  {throttle, turn, aim}  (aim: turret target angle in radians)
//   config: the JSON of game.Config;  map: the JSON of game.Map;  dt: 1 / config.tickRate

const MAX_SUBSTEPS = 16;

export function wrapAngle(a) {
  while (a > Math.PI) a -= 2 * Math.PI;
  while (a <= -Math.PI) a += 2 * Math.PI;
  return a;
}

const clamp = (v, lo, hi) => (v < lo ? lo : v > hi ? hi : v);

function approach(v, step) {
  if (v > step) return v - step;
  if (v < -step) return v + step;
  return 0;
}

const axis = (v) => (Number.isNaN(v) ? 0 : clamp(v, -1, 1));

// sanitizeInput applies the server's input rules; prevAim is kept when aim is not finite.
export function sanitizeInput(input, prevAim) {
  const aim = Number.isFinite(input.aim) ? wrapAngle(input.aim % (2 * Math.PI)) : prevAim;
  return { throttle: axis(input.throttle), turn: axis(input.turn), aim };
}

export function stepTank(tank, input, config, map, dt) {
  const inp = sanitizeInput(input, tank.turret);
  tank.hull = wrapAngle(tank.hull + inp.turn * config.hullTurnRate * dt);

  const swing = wrapAngle(inp.aim - tank.turret);
  const maxSwing = config.turretTurnRate * dt;
  tank.turret = wrapAngle(tank.turret + clamp(swing, -maxSwing, maxSwing));

  const fx = Math.cos(tank.hull), fy = Math.sin(tank.hull);
  let fwd = tank.vx * fx + tank.vy * fy;
  let side = tank.vy * fx - tank.vx * fy;
  if (inp.throttle === 0 || inp.throttle * fwd < 0) {
    fwd = approach(fwd, config.tankFriction * dt);
  }
  fwd = clamp(fwd + inp.throttle * config.tankAccel * dt, -config.tankReverseSpeed, config.tankMaxSpeed);
  side = approach(side, config.tankGrip * dt);
  tank.vx = fwd * fx - side * fy;
  tank.vy = fwd * fy + side * fx;

  const dist = Math.sqrt(tank.vx * tank.vx + tank.vy * tank.vy) * dt;
  const n = Math.max(1, Math.min(Math.ceil(dist / (config.tankRadius * 0.5)), MAX_SUBSTEPS));
  const sdt = dt / n;
  for (let i = 0; i < n; i++) {
    tank.x += tank.vx * sdt;
    tank.y += tank.vy * sdt;
    collideWalls(tank, config.tankRadius, map);
  }
  return tank;
}

export function collideWalls(b, r, map) {
  for (const w of map.walls) pushOutOfRect(b, r, w);
  if (b.x < r) {
    b.x = r;
    b.vx = Math.max(b.vx, 0);
  } else if (b.x > map.width - r) {
    b.x = map.width - r;
    b.vx = Math.min(b.vx, 0);
  }
  if (b.y < r) {
    b.y = r;
    b.vy = Math.max(b.vy, 0);
  } else if (b.y > map.height - r) {
    b.y = map.height - r;
    b.vy = Math.min(b.vy, 0);
  }
}

function pushOutOfRect(b, r, w) {
  const cx = clamp(b.x, w.x, w.x + w.w);
  const cy = clamp(b.y, w.y, w.y + w.h);
  const dx = b.x - cx, dy = b.y - cy;
  const d2 = dx * dx + dy * dy;
  if (d2 >= r * r) return;
  let nx = 0, ny = 0;
  if (d2 > 0) {
    const d = Math.sqrt(d2);
    nx = dx / d;
    ny = dy / d;
    b.x = cx + nx * r;
    b.y = cy + ny * r;
  } else {
    const left = b.x - w.x, right = w.x + w.w - b.x;
    const top = b.y - w.y, bottom = w.y + w.h - b.y;
    const m = Math.min(left, right, top, bottom);
    if (m === left) {
      nx = -1;
      b.x = w.x - r;
    } else if (m === right) {
      nx = 1;
      b.x = w.x + w.w + r;
    } else if (m === top) {
      ny = -1;
      b.y = w.y - r;
    } else {
      ny = 1;
      b.y = w.y + w.h + r;
    }
  }
  const vn = b.vx * nx + b.vy * ny;
  if (vn < 0) {
    b.vx -= vn * nx;
    b.vy -= vn * ny;
  }
}
