// Unit tests for the snapshot buffer and entity interpolation (run by web/kit/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotBuffer, lerpEntities } from '../interp.js';

// A game's decoded snapshot: the buffer needs its tick; the rest is the game's.
const snap = (tick, x) => ({ tick, players: [{ id: 1, x, y: 0 }] });
const players = (a, b, t) => lerpEntities(a.players, b.players, t);

test('interpolates between the snapshots around the render time', () => {
  const b = new SnapshotBuffer(60); // tick = 16.67 ms
  b.push(snap(60, 0), 1000); // server time 1000 ms arrives at local 1000
  b.push(snap(66, 60), 1100);
  const x = b.sample(1050, players).get(1).x; // halfway between 1000 and 1100 in server time
  assert.ok(Math.abs(x - 30) < 1e-6, `x = ${x}`);
});

test('sample hands the game both snapshots and the fraction between them', () => {
  const b = new SnapshotBuffer(10); // tick = 100 ms
  b.push(snap(1, 0), 100);
  b.push(snap(2, 0), 200);
  b.push(snap(3, 0), 300);
  const [from, to, t] = b.sample(225, (a, c, f) => [a.tick, c.tick, f]);
  assert.deepEqual([from, to], [2, 3]);
  assert.ok(Math.abs(t - 0.25) < 1e-9, `t = ${t}`);
  assert.equal(new SnapshotBuffer(10).sample(0, players), null, 'nothing before the first snapshot');
});

test('render time runs the delay behind the fastest observed arrival', () => {
  const b = new SnapshotBuffer(60);
  b.push(snap(60, 0), 1030); // late arrival
  b.push(snap(66, 0), 1100); // on-time arrival defines the clock offset (0)
  assert.equal(b.renderTime(1200, 100), 1100);
});

test('late and duplicate snapshots are ignored', () => {
  const b = new SnapshotBuffer(60);
  assert.equal(b.push(snap(10, 0), 0), true);
  assert.equal(b.push(snap(10, 5), 1), false);
  assert.equal(b.push(snap(9, 5), 2), false);
  assert.equal(b.latest().tick, 10);
});

test('past the newest snapshot it holds position instead of running away', () => {
  const b = new SnapshotBuffer(60);
  b.push(snap(60, 0), 1000);
  b.push(snap(66, 60), 1100);
  const x = b.sample(5000, players).get(1).x;
  assert.ok(x >= 60 && x <= 120 + 1e-6, `x = ${x}`); // at most MAX_EXTRAPOLATE_MS ahead
});

test('lerpEntities: new entities and jumps are taken as they are, gone ones are gone', () => {
  const from = [{ id: 1, x: 0, y: 0 }, { id: 2, x: 0, y: 0 }, { id: 3, x: 0, y: 0, a: 0 }, { id: 4, x: 0, y: 0 }];
  const to = [{ id: 1, x: 10, y: 20 }, { id: 2, x: 500, y: 0 }, { id: 3, x: 10, y: 0, a: 1 }, { id: 5, x: 7, y: 7 }];
  const out = lerpEntities(from, to, 0.5, {
    teleport: 100,
    jump: (p, e) => e.id === 3 && e.a !== p.a,
  });
  assert.deepEqual(out.get(1), { id: 1, x: 5, y: 10 });
  assert.equal(out.get(2).x, 500, 'further than teleport: a jump');
  assert.equal(out.get(3).x, 10, 'the game said jump');
  assert.equal(out.get(5).x, 7, 'new');
  assert.equal(out.has(4), false, 'gone');
});

test('lerpEntities: mix blends the game\'s own fields', () => {
  const out = lerpEntities([{ id: 1, x: 0, y: 0, size: 2 }], [{ id: 1, x: 4, y: 0, size: 4 }], 0.25, {
    mix: (o, p, e, t) => { o.size = p.size + (e.size - p.size) * t; },
  });
  assert.deepEqual(out.get(1), { id: 1, x: 1, y: 0, size: 2.5 });
});
