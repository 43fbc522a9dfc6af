// Run by TestJSMatchesGo: node parity.mjs <repo>/web/js <case.json>
// Replays Go's movement script and snapshot stream through the browser modules and fails
// (exit 1) on the first difference; prints the input payloads the browser builds from the
// case's inputs, for the Go side to parse.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [jsDir, casePath] = process.argv.slice(2);
const { stepTank } = await import(pathToFileURL(path.join(jsDir, 'movement.js')).href);
const { decodeSnapshot } = await import(pathToFileURL(path.join(jsDir, 'snapshot.js')).href);
const { encodeInput } = await import(pathToFileURL(path.join(jsDir, 'protocol.js')).href);
const c = JSON.parse(readFileSync(casePath, 'utf8'));

function fail(msg) {
  console.error(msg);
  process.exit(1);
}

function same(what, got, want, tol) {
  if (typeof want === 'number') {
    if (typeof got !== 'number' || !(Math.abs(got - want) <= tol)) fail(`${what}: got ${got}, want ${want}`);
    return;
  }
  if (typeof want === 'boolean' || typeof want === 'string') {
    if (got !== want) fail(`${what}: got ${got}, want ${want}`);
    return;
  }
  for (const k of Object.keys(want)) same(`${what}.${k}`, got[k], want[k], tol);
}

// Movement: the same start, inputs and dt must give the same path.
const tank = { ...c.movement.start };
c.movement.inputs.forEach((input, i) => {
  stepTank(tank, input, c.config, c.map, 1 / c.config.tickRate);
  same(`movement tick ${i + 1}`, tank, c.movement.want[i], 1e-6);
});

// Snapshots: each frame decoded on top of the previous one, as a client does.
let base = null;
let deltas = 0;
c.snapshots.forEach((frame, i) => {
  const got = decodeSnapshot(Buffer.from(frame.bytes, 'base64'), base);
  if (!got) fail(`snapshot ${i}: decoder asked for a keyframe`);
  if (got.delta) deltas++;
  for (const key of ['tanks', 'shells', 'scores', 'events']) {
    if (got[key].length !== frame.want[key].length) fail(`snapshot ${i}: ${got[key].length} ${key}, want ${frame.want[key].length}`);
  }
  same(`snapshot ${i}`, got, frame.want, 1e-9);
  base = got;
});
const stale = decodeSnapshot(Buffer.from(c.snapshots[c.snapshots.length - 1].bytes, 'base64'), null);
if (c.snapshots[c.snapshots.length - 1].delta && stale !== null) fail('a delta without its base must decode to null');
console.log(`ok: ${c.movement.inputs.length} movement ticks, ${c.snapshots.length} snapshots (${deltas} deltas)`);
console.log(`payloads ${JSON.stringify(c.payloads.map((p) => encodeInput(p.seq, p)))}`);
