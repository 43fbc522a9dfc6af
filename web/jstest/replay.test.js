// Unit tests for the replay file reader, the timeline, the follow camera and the kill-cam (run
// by web/js_test.go). Files are built here in the layout of game/tanks/REPLAY.md around empty
// tank snapshots (game/tanks/SNAPSHOT.md), all values below 128 so each is one byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReplay } from '../js/replayfile.js';
import { Timeline } from '../js/timeline.js';
import { KillCam } from '../js/killcam.js';
import { decodeSnapshot } from '../js/snapshot.js';

const RATE = 60;
const V = 4;
const enc = new TextEncoder();
// Snapshot frames numbered n, the game's tick 2n: a keyframe, or a delta on the frame before.
const keyBody = (tick) => [V, 6, tick, RATE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const deltaBody = () => [V, 1, 2, 0, 0, 0, 0, 0]; // 2 ticks after the frame before
const record = (kind, tick, data) => [kind, tick, data.length, ...data];
const json = (v) => [...enc.encode(JSON.stringify(v))];

function replayBytes(frames = 10, { keyEvery = 4, version = 1 } = {}) {
  const out = [...enc.encode('TAREPLAY'), version];
  out.push(...record(1, 0, json({ game: 'tankarena', kind: 'arena', round: 1, part: 1, tickRate: RATE, snapshotRate: 30 })));
  out.push(...record(2, 0, json({ map: { name: 'arena', width: 100, height: 100, walls: [] }, config: {} })));
  out.push(...record(3, 0, json([{ id: 1, name: 'Ann' }])));
  for (let n = 1; n <= frames; n++) {
    const key = (n - 1) % keyEvery === 0;
    out.push(...record(4, 2 * n, [n, key ? 0 : 1, ...(key ? keyBody(2 * n) : deltaBody())]));
  }
  return new Uint8Array(out);
}

test('a replay splits into its header, welcome, rosters and frames', () => {
  const r = parseReplay(replayBytes().buffer);
  assert.equal(r.header.kind, 'arena');
  assert.equal(r.welcome.map.name, 'arena');
  assert.deepEqual(r.rosters, [{ tick: 0, list: [{ id: 1, name: 'Ann' }] }]);
  assert.equal(r.frames.length, 10);
  assert.equal(r.truncated, false);
  assert.deepEqual(r.frames.map((f) => f.back), [0, 1, 1, 1, 0, 1, 1, 1, 0, 1]);
  assert.deepEqual(r.frames.map((f) => f.base), [-1, 0, 1, 2, -1, 4, 5, 6, -1, 8]);
});

// Version 2: a delta may be against any frame since the keyframe before it (the recording takes
// the delta some player was sent); the timeline decodes each on its own base.
test('a version 2 replay decodes deltas against any frame since the keyframe', () => {
  const out = [...replayBytes(0, { version: 2 })];
  const delta = (n, back, ticks) => record(4, 2 * n, [n, back, V, 1, ticks, 0, 0, 0, 0, 0]); // ticks after its base
  out.push(...record(4, 2, [1, 0, ...keyBody(2)]));
  out.push(...delta(2, 1, 2)); // on 1
  out.push(...delta(3, 2, 4)); // on 1 again
  out.push(...delta(4, 1, 2)); // on 3
  out.push(...delta(5, 3, 6)); // on 2
  const r = parseReplay(new Uint8Array(out).buffer);
  assert.deepEqual(r.frames.map((f) => f.base), [-1, 0, 0, 2, 1]);
  const bases = [];
  const tl = new Timeline(r.frames, RATE, (i, prev) => { bases.push([i, prev?.tick ?? null]); return decodeSnapshot(r.frames[i].bytes, prev); });
  assert.equal(tl.snapshot(4).tick, 10); // 5's base is 2, whose base is 1: three decodes, not five
  assert.deepEqual(bases, [[0, null], [1, 2], [4, 4]]);
  assert.equal(tl.snapshot(3).tick, 8);
  assert.deepEqual(bases.slice(3), [[2, 2], [3, 6]]);
  // A delta against a frame before the keyframe, or one never recorded, is damage.
  const before = [...replayBytes(0, { version: 2 }), ...record(4, 2, [1, 0, ...keyBody(2)]), ...record(4, 4, [2, 0, ...keyBody(4)]), ...delta(3, 2, 4)];
  assert.throws(() => parseReplay(new Uint8Array(before).buffer), /does not follow/);
});

test('a cut replay plays what came before; junk and damage throw with a message', () => {
  const full = replayBytes();
  const cut = parseReplay(full.slice(0, full.length - 3).buffer);
  assert.equal(cut.truncated, true);
  assert.equal(cut.frames.length, 9);
  assert.throws(() => parseReplay(enc.encode('hello').buffer), /not a replay/);
  assert.throws(() => parseReplay(new Uint8Array([...enc.encode('TAREPLAY'), 9]).buffer), /version 9/);
  assert.throws(() => parseReplay(new Uint8Array([...enc.encode('TAREPLAY'), 3]).buffer), /version 3/);
  assert.throws(() => parseReplay(full.slice(0, 40).buffer), /cut off|empty|no snapshot/);
  const bad = new Uint8Array([...replayBytes(0), ...record(4, 2, [1, 0, ...keyBody(2)]), ...record(4, 4, [3, 1, ...deltaBody()])]);
  assert.throws(() => parseReplay(bad.buffer), /does not follow/);
  // Every prefix and every single damaged byte either parses or throws an Error: never anything else.
  for (let i = 0; i < full.length; i++) {
    for (const data of [full.slice(0, i), Object.assign(full.slice(), { [i]: full[i] ^ 0xff })]) {
      try { parseReplay(data.buffer); } catch (err) { assert.ok(err instanceof Error); }
    }
  }
});

test('the timeline decodes frames as reached and seeks from the keyframe before', () => {
  const r = parseReplay(replayBytes(10).buffer);
  let decoded = 0;
  const tl = new Timeline(r.frames, RATE, (i, prev) => { decoded++; return decodeSnapshot(r.frames[i].bytes, prev); });
  assert.equal(tl.start, tl.time(0));
  assert.equal(tl.end, tl.time(9));
  assert.ok(Math.abs(tl.end - tl.start - (18 * 1000) / RATE) < 1e-9);
  // Index 7 decodes from the keyframe at index 4 (4 frames), and index 8 to blend towards.
  assert.equal(tl.at(tl.time(7)).snap.tick, 16);
  assert.equal(decoded, 5);
  assert.equal(tl.at(tl.time(7) + 1).index, 7);
  assert.equal(tl.snapshot(9).tick, 20); // the next one decodes on the cached one before
  assert.equal(decoded, 6);
});

test('a frame that does not decode ends the timeline there with the reason', () => {
  const r = parseReplay(replayBytes(10).buffer);
  const tl = new Timeline(r.frames, RATE, (i, prev) => { if (i === 6) throw new Error('bad tank'); return decodeSnapshot(r.frames[i].bytes, prev); });
  assert.equal(tl.at(tl.time(7)), null); // decoding from the keyframe at 4 meets frame 6
  assert.match(tl.error, /bad tank/);
  assert.equal(tl.brokenAt, 6);
  assert.equal(tl.end, tl.time(5)); // it plays up to the damage
  assert.equal(tl.at(tl.time(9)).index, 5);
  assert.equal(tl.at(tl.time(3)).index, 3);
});

test('the kill-cam plays the 5 s before the kill from the killer, from the kept snapshots', () => {
  const kc = new KillCam();
  kc.reset(RATE);
  const snap = (tick) => ({ tick, tanks: [{ id: 2, x: tick, y: 0, alive: true, hull: 0, turret: 0 }], shells: [], events: [] });
  for (let tick = 0; tick <= 900; tick += 2) kc.push(snap(tick));
  assert.ok(kc.snaps[0].tick >= 900 - 8 * RATE, 'only the last seconds are kept');
  assert.equal(kc.available(), false);
  kc.offerKill(2, 800);
  assert.equal(kc.available(), true);
  assert.equal(kc.start(), true);
  const first = kc.frame(0, { width: 1000, height: 1000 });
  assert.equal(first.killer, 2);
  assert.equal(first.snap.tick, 800 - 5 * RATE);
  assert.equal(first.focus.x, 500);
  let last = first;
  for (let f; (f = kc.frame(0.5, { width: 1000, height: 1000 })); ) last = f;
  assert.ok(last.snap.tick >= 800, 'it plays up to the kill');
  assert.equal(kc.playing, null);
  kc.clearOffer();
  assert.equal(kc.available(), false);
});
