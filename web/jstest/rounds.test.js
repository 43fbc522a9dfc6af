// Unit tests for the end screen's ranking and accuracy (web/js/rounds.js; run by web/js_test.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rank, accuracy } from '../js/rounds.js';

test('the ranking puts most kills first and breaks ties by fewer deaths, then id', () => {
  const s = (id, kills, deaths) => ({ id, kills, deaths });
  const order = rank([s(1, 2, 3), s(2, 2, 1), s(3, 5, 9), s(4, 2, 1)]).map((x) => x.id);
  assert.deepEqual(order, [3, 2, 4, 1]);
});

test('accuracy is hits per shell fired, a dash without shots', () => {
  assert.equal(accuracy({ shots: 3, hits: 1 }), '33%');
  assert.equal(accuracy({ shots: 0, hits: 0 }), '–');
});
