// Unit tests for the net graph's text (run by web/kit/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetGraph, netGraphLines } from '../netgraph.js';

const conn = {
  ping: 42.4, pingHistory: [0, 30, 400], snapshotRate: 30, lag: { lag: '100', loss: '0.05' },
  rates: { bytes: 2048, snaps: 29, inputs: 60 }, stream: { baseAge: 3 },
};

test('the connection\'s numbers, then the game\'s lines, then the lag simulator', () => {
  assert.deepEqual(netGraphLines(conn, ['tick        7']), [
    'ping         42 ms   ▁█',
    'snapshots   29/s (server 30/s)  base 100 ms back',
    'down        2.0 KiB/s',
    'inputs      60/s  buffered -',
    'tick        7',
    'lag sim     lag=100 loss=0.05',
  ]);
  assert.equal(netGraphLines({ ...conn, ping: null, lag: {} })[0], 'ping          - ms   ▁█');
  assert.equal(netGraphLines({ ...conn, lag: {} }).length, 4);
  assert.equal(netGraphLines({ ...conn, stream: { baseAge: 0 } })[1], 'snapshots   29/s (server 30/s)  base keyframe');
});

test('draws only while shown, at most 4 times a second', () => {
  const el = { hidden: true, textContent: '' };
  const g = new NetGraph(el);
  g.update(1000, conn);
  assert.equal(el.textContent, '');
  g.toggle();
  assert.equal(el.hidden, false);
  g.update(1000, conn, ['x']);
  assert.match(el.textContent, /^ping.*\nx\nlag sim/s);
  el.textContent = '';
  g.update(1100, conn);
  assert.equal(el.textContent, '');
  g.update(1300, conn);
  assert.notEqual(el.textContent, '');
});
