// Unit tests for the own gun's reload (run by web/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gun } from '../js/gun.js';

test('held fire shoots every reloadTicks inputs, however fast the inputs come', () => {
  const gun = new Gun(0.7, 60); // 42 ticks, as the server rounds it
  const shots = [];
  for (let seq = 100; seq < 200; seq++) if (gun.trigger(seq)) shots.push(seq);
  assert.deepEqual(shots, [100, 142, 184]);
});

test('a respawn reloads the gun at once', () => {
  const gun = new Gun(0.7, 60);
  assert.ok(gun.trigger(10));
  assert.ok(!gun.trigger(11));
  assert.equal(gun.ready(31), 0.5);
  gun.reload();
  assert.equal(gun.ready(12), 1);
  assert.ok(gun.trigger(12));
});
