// Unit tests for the follow camera (spectate.js): cycling through the living tanks in id order,
// keeping a tank through its death, handing over when it leaves, clicking a tank, the overview.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FollowCamera, pickTarget, tankAt, keyAction } from '../js/spectate.js';

const tank = (id, x = id * 100, alive = true) => ({ id, x, y: 50, alive });
const three = [tank(7), tank(2), tank(4)];

test('pickTarget steps through the living tanks in id order, both ways, round the end', () => {
  assert.equal(pickTarget(three, null, 0), 2);
  assert.equal(pickTarget(three, 2, 1), 4);
  assert.equal(pickTarget(three, 7, 1), 2);
  assert.equal(pickTarget(three, 2, -1), 7);
  assert.equal(pickTarget(three, null, -1), 7);
  assert.equal(pickTarget([], 3, 1), null);
});

test('a followed tank that dies is kept; a dead one is skipped when cycling; one that left hands over', () => {
  const tanks = [tank(2), tank(4, 400, false), tank(7)];
  assert.equal(pickTarget(tanks, 4, 0), 4, 'kept through its respawn');
  assert.equal(pickTarget(tanks, 2, 1), 7, 'the dead one skipped');
  assert.equal(pickTarget([tank(2), tank(7)], 4, 0), 7, 'left: the next id after it');
  assert.equal(pickTarget([tank(2), tank(7)], 4, 1), 7);
  assert.equal(pickTarget([tank(2), tank(7)], 4, -1), 2);
  assert.equal(pickTarget([tank(2), tank(7)], 9, 0), 2, 'past the last: round to the first');
});

test('tankAt finds the nearest living tank within the radius', () => {
  assert.equal(tankAt(three, 410, 60, 40), 4);
  assert.equal(tankAt(three, 300, 50, 40), null);
  assert.equal(tankAt([tank(4, 400, false)], 400, 50, 40), null);
});

test('the camera starts on the overview, follows on a key or a click, and goes back', () => {
  const cam = new FollowCamera();
  assert.equal(cam.focus(three), null, 'overview');
  cam.cycle(three, 1);
  assert.deepEqual(cam.focus(three), { x: 200, y: 50 });
  cam.cycle(three, 1);
  assert.equal(cam.target, 4);
  assert.ok(cam.pick(three, 705, 50, 40));
  assert.equal(cam.target, 7);
  assert.ok(!cam.pick(three, 1500, 50, 40), 'a click on nothing keeps the target');
  cam.toggleOverview(three);
  assert.equal(cam.focus(three), null);
  cam.toggleOverview(three);
  assert.equal(cam.target, 7, 'back to the tank followed before');
  assert.match(cam.label((id) => `P${id}`, false), /Watching P7 .*←\/→/);
  assert.match(cam.label((id) => `P${id}`, true), /tap/);
  const left = [tank(2), tank(4)];
  assert.deepEqual(cam.focus(left), { x: 200, y: 50 }, 'the followed tank left: the next one (round to the first)');
});

test('keys', () => {
  assert.equal(keyAction('ArrowRight'), 'next');
  assert.equal(keyAction('ArrowLeft'), 'prev');
  assert.equal(keyAction('KeyO'), 'overview');
  assert.equal(keyAction('Enter'), 'play');
  assert.equal(keyAction('KeyW'), null);
});

test('the camera holds a dead tank\'s last living place, and follow() picks a tank or the overview', () => {
  const tanks = [{ id: 3, x: 10, y: 20, alive: true }, { id: 1, x: 5, y: 5, alive: true }];
  const cam = new FollowCamera();
  assert.equal(cam.following, null);
  assert.equal(cam.focus(tanks), null);
  cam.follow(3);
  assert.equal(cam.following, 3);
  assert.deepEqual(cam.focus(tanks), { x: 10, y: 20 });
  tanks[0].alive = false;
  tanks[0].x = 0; // a dead tank's place in a snapshot says nothing
  assert.deepEqual(cam.focus(tanks), { x: 10, y: 20 });
  assert.equal(cam.following, 3, 'a dead tank is still followed, through its respawn');
  tanks[0].alive = true;
  tanks[0].x = 70;
  assert.deepEqual(cam.focus(tanks), { x: 70, y: 20 });
  cam.follow(null);
  assert.equal(cam.focus(tanks), null);
});
