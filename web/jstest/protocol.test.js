// Unit tests for the input payload and name cleaning (run by web/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeInput, decodeInput, cleanName, lagQuery } from '../js/protocol.js';
import { normaliseAngle } from '../js/angle.js';

test('input payload is [seq, throttle, turn, aim, fire], quantised and clamped', () => {
  const p = encodeInput(7, { throttle: 1.5, turn: -0.333333, aim: 1.23456, fire: true });
  assert.deepEqual(p, [7, 1, -0.33, 1.235, 1]);
  assert.deepEqual(decodeInput(p), { seq: 7, throttle: 1, turn: -0.33, aim: 1.235, fire: true });
});

test('aim is wrapped into (-pi, pi]', () => {
  assert.ok(Math.abs(normaliseAngle(3 * Math.PI) - Math.PI) < 1e-9 || Math.abs(normaliseAngle(3 * Math.PI) + Math.PI) < 1e-9);
  assert.ok(Math.abs(normaliseAngle(-0.5 - 2 * Math.PI) + 0.5) < 1e-9);
  const [, , , aim] = encodeInput(1, { throttle: 0, turn: 0, aim: 7, fire: false });
  assert.ok(aim > -Math.PI && aim <= Math.PI);
});

test('names are trimmed, stripped of control characters and cut to 16', () => {
  assert.equal(cleanName('  Ann  '), 'Ann');
  assert.equal(cleanName('a\u0000b\u001bc'), 'abc');
  assert.equal(cleanName('abcdefghijklmnopqrstuvwxyz'), 'abcdefghijklmnop');
  assert.equal(cleanName('\t'), '');
  assert.equal(cleanName('\u3164Ann\u200b'), 'Ann');
  assert.equal(cleanName('e\u0301ve'), 'e\u0301ve');
  assert.equal(cleanName('I \u2764\ufe0f Go'), 'I \u2764\ufe0f Go');
});

test('names with nothing visible are no names, as on the server', () => {
  for (const raw of ['\u200b', '\u3164\u3164', '\u115f', '\u1160\uffa0', '\ufeff', '\u0301', '\u20dd', '\u034f', '\u2800', ' \u200b\u0301\u3164 ', '\ufe0f']) {
    assert.equal(cleanName(raw), '', JSON.stringify(raw));
  }
});

test('lag simulator settings are read from the page address', () => {
  assert.deepEqual(lagQuery('?lag=100&jitter=20&loss=0.05&x=1'), { lag: '100', jitter: '20', loss: '0.05' });
  assert.deepEqual(lagQuery(''), {});
});
