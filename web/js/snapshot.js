// Decoder for Tank Arena snapshots, the browser half of game/tanks/snapshot_encode.go.
// The byte layout is documented in game/tanks/SNAPSHOT.md; keep both in step.
//
// decodeSnapshot(arrayBuffer, base) returns
//   { tick, tickRate, shellSpeed, delta, round: {phase, number, map, ends},
//     tanks:  [{id, x, y, vx, vy, hull, turret, health, alive, shielded, offline, seq}],
//     shells: [{id, owner, x, y, vx, vy}],
//     scores: [{id, kills, deaths, streak, best, shots, hits}]   (scores[i] belongs to tanks[i]),
//     events: [...] }
// Pass the previously decoded snapshot as base. A delta whose base you do not hold decodes to
// null: keep drawing what you have and wait for the next keyframe. Corrupt data throws.
//
// round.phase is 'endless' (no rounds), 'playing' or 'over' (the intermission's end screen);
// round.ends is the tick the phase ends at, round.map the index in the welcome's map rotation.
//
// Events (positions in world units):
//   {type:'fire',    tank, shell, x, y}                 tank fired shell from the muzzle at x,y
//   {type:'hit',     tank, victim, shell, damage, x, y} tank's shell hit victim (damage 0: shielded)
//   {type:'bounce',  tank, shell, x, y}                 tank's shell ricocheted, or died on a wall
//   {type:'kill',    tank, victim, x, y}                tank destroyed victim (tank === victim: self-kill)
//   {type:'respawn', tank, x, y}                        tank reappeared at x,y
// hit and kill events carry ricochet: true when the shell had bounced off a wall first (a
// self-kill always has); offline tanks are disconnected players' ghosts.

const VERSION = 4;
const POS = 4;
const TANK_VEL = 4;
const SHELL_SPEED = 16;
const ANGLE_STEPS = 4096;
const SHELL_ANGLE_STEPS = 65536;
const FLAG_DELTA = 1, FLAG_RATES = 2, FLAG_ROUND = 4;
const PHASES = ['endless', 'playing', 'over'];
const EVENT_TYPE_MASK = 7, EVENT_VIA_SHELL = 8, EVENT_RICOCHET = 16;

const EV_TANK = 1, EV_VICTIM = 2, EV_SHELL = 4, EV_DAMAGE = 8, EV_POS = 16;
const EVENTS = [
  null,
  { type: 'fire', fields: EV_TANK | EV_SHELL | EV_POS },
  { type: 'hit', fields: EV_TANK | EV_VICTIM | EV_SHELL | EV_DAMAGE | EV_POS },
  { type: 'bounce', fields: EV_TANK | EV_SHELL | EV_POS },
  { type: 'kill', fields: EV_TANK | EV_VICTIM | EV_POS },
  { type: 'respawn', fields: EV_TANK | EV_POS },
];

class Reader {
  constructor(bytes) {
    this.b = bytes;
    this.i = 0;
  }
  byte() {
    if (this.i >= this.b.length) throw new Error('snapshot: truncated');
    return this.b[this.i++];
  }
  uv() {
    let v = 0, mul = 1;
    for (let n = 0; n < 10; n++) {
      const c = this.byte();
      v += (c & 0x7f) * mul;
      if (c < 0x80) return v;
      mul *= 128;
    }
    throw new Error('snapshot: varint too long');
  }
  u16() {
    const lo = this.byte();
    return lo | (this.byte() << 8);
  }
  sv() {
    const u = this.uv();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  count() {
    const n = this.uv();
    if (n > this.b.length - this.i) throw new Error('snapshot: bad count');
    return n;
  }
}

const quantPos = (v) => Math.round(v * POS);
const quantAngle = (a) => Math.round((a * ANGLE_STEPS) / (2 * Math.PI)) & (ANGLE_STEPS - 1);
const dequantAngle = (q) => (((q + ANGLE_STEPS / 2) & (ANGLE_STEPS - 1)) - ANGLE_STEPS / 2) * ((2 * Math.PI) / ANGLE_STEPS);

function findIndex(list, id) {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function readTank(r, t, s) {
  let x = quantPos(t.x), y = quantPos(t.y);
  let vx = Math.round(t.vx * TANK_VEL), vy = Math.round(t.vy * TANK_VEL);
  let hull = quantAngle(t.hull), turret = quantAngle(t.turret);
  let seq = t.seq, health = t.health;
  let flags = (t.alive ? 1 : 0) | (t.shielded ? 2 : 0) | (t.offline ? 4 : 0);
  let { kills, deaths, streak, best, shots, hits } = s;
  const mask = r.uv();
  if (mask & 1) x += r.sv();
  if (mask & 2) y += r.sv();
  if (mask & 4) vx += r.sv();
  if (mask & 8) vy += r.sv();
  if (mask & 16) hull = (hull + r.sv()) & (ANGLE_STEPS - 1);
  if (mask & 32) turret = (turret + r.sv()) & (ANGLE_STEPS - 1);
  if (mask & 64) seq = (seq + r.sv()) >>> 0;
  if (mask & 128) health += r.sv();
  if (mask & 256) flags = r.uv();
  if (mask & 512) kills += r.sv();
  if (mask & 1024) deaths += r.sv();
  if (mask & 2048) streak += r.sv();
  if (mask & 4096) best += r.sv();
  if (mask & 8192) shots += r.sv();
  if (mask & 16384) hits += r.sv();
  return [
    {
      id: t.id, x: x / POS, y: y / POS, vx: vx / TANK_VEL, vy: vy / TANK_VEL,
      hull: dequantAngle(hull), turret: dequantAngle(turret),
      health, alive: (flags & 1) !== 0, shielded: (flags & 2) !== 0, offline: (flags & 4) !== 0, seq,
    },
    { id: t.id, kills, deaths, streak, best, shots, hits },
  ];
}

const blankScore = (id) => ({ id, kills: 0, deaths: 0, streak: 0, best: 0, shots: 0, hits: 0 });
const blankTank = (id) => ({ id, x: 0, y: 0, vx: 0, vy: 0, hull: 0, turret: 0, health: 0, alive: false, shielded: false, offline: false, seq: 0 });

export function decodeSnapshot(arrayBuffer, base) {
  const bytes = arrayBuffer instanceof Uint8Array ? arrayBuffer : new Uint8Array(arrayBuffer);
  const r = new Reader(bytes);
  if (r.byte() !== VERSION) throw new Error('snapshot: unknown version');
  const flags = r.byte();
  const delta = (flags & FLAG_DELTA) !== 0;
  let from = { tick: 0, tickRate: 0, shellSpeed: 0, tanks: [], shells: [], scores: [], round: { phase: 'endless', number: 0, map: 0, ends: 0 } };
  if (delta && !base) return null;
  if (delta) from = base;
  const tick = delta ? base.tick + r.uv() : r.uv(); // a delta's tick: its base's plus a step
  let { tickRate, shellSpeed } = from;
  if (flags & FLAG_RATES) {
    tickRate = r.uv();
    shellSpeed = r.uv() / SHELL_SPEED;
  }
  let { round } = from;
  if (flags & FLAG_ROUND) {
    const phase = PHASES[r.byte()];
    if (!phase) throw new Error('snapshot: unknown round phase');
    round = { phase, number: r.uv(), map: r.uv(), ends: r.uv() };
  }

  const tanks = from.tanks.slice();
  const scores = tanks.map((t, i) => from.scores[i] || blankScore(t.id));
  let prev = 0;
  for (let n = r.count(); n > 0; n--) {
    prev += r.uv();
    const i = findIndex(tanks, prev);
    if (i < tanks.length && tanks[i].id === prev) {
      tanks.splice(i, 1);
      scores.splice(i, 1);
    }
  }
  prev = 0;
  for (let n = r.count(); n > 0; n--) {
    prev += r.uv();
    if (prev > 0xffff) throw new Error('snapshot: tank id out of range');
    let i = findIndex(tanks, prev);
    if (i >= tanks.length || tanks[i].id !== prev) {
      tanks.splice(i, 0, blankTank(prev));
      scores.splice(i, 0, blankScore(prev));
    }
    [tanks[i], scores[i]] = readTank(r, tanks[i], scores[i]);
  }

  const elapsed = delta && tickRate > 0 ? (tick - from.tick) / tickRate : 0;
  const shells = from.shells.map((s) => ({ ...s, x: s.x + s.vx * elapsed, y: s.y + s.vy * elapsed }));
  prev = 0;
  for (let n = r.count(); n > 0; n--) {
    prev += r.uv();
    const i = findIndex(shells, prev);
    if (i < shells.length && shells[i].id === prev) shells.splice(i, 1);
  }
  prev = 0;
  for (let n = r.count(); n > 0; n--) {
    prev += r.uv();
    const s = { id: prev, owner: r.uv(), x: r.sv() / POS, y: r.sv() / POS };
    const a = r.u16() * ((2 * Math.PI) / SHELL_ANGLE_STEPS);
    s.vx = shellSpeed * Math.cos(a);
    s.vy = shellSpeed * Math.sin(a);
    const i = findIndex(shells, prev);
    if (i < shells.length && shells[i].id === prev) shells[i] = s;
    else shells.splice(i, 0, s);
  }

  // Events: shell IDs are differences to the previous event's (the first to the last shell
  // record); positions are relative to the shell record (flag EVENT_VIA_SHELL, whose owner is
  // then the tank), else to the victim, else to the tank, as placed in this snapshot.
  const events = [];
  const tankRef = (id) => {
    const i = findIndex(tanks, id);
    return i < tanks.length && tanks[i].id === id ? [quantPos(tanks[i].x), quantPos(tanks[i].y)] : [0, 0];
  };
  for (let n = r.count(); n > 0; n--) {
    const head = r.byte();
    const kind = EVENTS[head & EVENT_TYPE_MASK];
    const viaShell = (head & EVENT_VIA_SHELL) !== 0;
    const ricochet = (head & EVENT_RICOCHET) !== 0;
    if (!kind || (head & ~(EVENT_TYPE_MASK | EVENT_VIA_SHELL | EVENT_RICOCHET)) || (viaShell && !(kind.fields & EV_SHELL)) ||
        (ricochet && !(kind.fields & EV_VICTIM))) {
      throw new Error('snapshot: unknown event type');
    }
    const e = { type: kind.type };
    if (ricochet) e.ricochet = true;
    if ((kind.fields & EV_TANK) && !viaShell) e.tank = r.uv();
    if (kind.fields & EV_VICTIM) e.victim = r.uv();
    if (kind.fields & EV_SHELL) e.shell = prev += r.sv();
    if (kind.fields & EV_DAMAGE) e.damage = r.uv();
    let ref;
    if (viaShell) {
      const i = findIndex(shells, e.shell);
      if (i >= shells.length || shells[i].id !== e.shell) throw new Error('snapshot: event shell not in the snapshot');
      e.tank = shells[i].owner;
      ref = [quantPos(shells[i].x), quantPos(shells[i].y)];
    } else {
      ref = tankRef(kind.fields & EV_VICTIM ? e.victim : e.tank);
    }
    if (kind.fields & EV_POS) {
      e.x = (ref[0] + r.sv()) / POS;
      e.y = (ref[1] + r.sv()) / POS;
    }
    events.push(e);
  }
  if (r.i !== bytes.length) throw new Error('snapshot: trailing bytes');
  return { tick, tickRate, shellSpeed, delta, round, tanks, shells, scores, events };
}
