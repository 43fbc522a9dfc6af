// Unit tests for name cleaning, which must match the server's (run by web/kit/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanName } from '../name.js';

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
