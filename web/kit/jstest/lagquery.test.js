// Unit tests for the lag simulator's query (run by web/kit/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lagQuery } from '../lagquery.js';

test('lag simulator settings are read from the page address', () => {
  assert.deepEqual(lagQuery('?lag=100&jitter=20&loss=0.05&x=1'), { lag: '100', jitter: '20', loss: '0.05' });
  assert.deepEqual(lagQuery(''), {});
});
