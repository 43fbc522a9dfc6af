// Unit tests for the camera (render.js): the map's edge stays clear of what covers the screen,
// such as the phone's sticks (run by web/js_test.go under Node, with a stand-in window).
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.matchMedia = () => ({ matches: true });
globalThis.addEventListener = () => {};
Object.assign(globalThis, { innerWidth: 390, innerHeight: 844, devicePixelRatio: 3 });
const { Renderer } = await import('../js/render.js');

const map = { width: 1600, height: 1200 };
const canvas = { getContext: () => ({}) };

function camera(width, height, bottom) {
  Object.assign(globalThis, { innerWidth: width, innerHeight: height });
  const r = new Renderer(canvas);
  r.insets.bottom = bottom;
  r.fit();
  return r;
}

test('in portrait the map\'s bottom edge stays above the sticks', () => {
  const r = camera(390, 844, 170);
  r.follow({ x: 800, y: map.height }, map); // the tank at the bottom edge
  assert.ok(r.toScreen(0, map.height).y <= 844 - 170, `edge drawn at ${r.toScreen(0, map.height).y}`);
  r.follow({ x: 800, y: 0 }, map); // and the top edge is still drawn at the top
  assert.ok(r.toScreen(0, 0).y >= 0);
});

test('in landscape too, and without sticks the usual margin holds', () => {
  const r = camera(844, 390, 170);
  r.follow({ x: 0, y: map.height }, map);
  assert.ok(r.toScreen(0, map.height).y <= 390 - 170 + 1e-6, `edge drawn at ${r.toScreen(0, map.height).y}`);
  const desk = camera(1000, 700, 0);
  desk.follow({ x: 800, y: map.height }, map);
  const gap = 700 - desk.toScreen(0, map.height).y;
  assert.ok(gap > 0 && gap <= 140 * desk.camera.zoom + 1e-9, `gap ${gap}`);
});

test('a map smaller than the view stays whole above the sticks', () => {
  const r = camera(1000, 2400, 170);
  const small = { width: 400, height: 300 };
  for (const y of [0, small.height]) {
    r.follow({ x: 0, y }, small);
    const top = r.toScreen(0, 0).y, bottom = r.toScreen(0, small.height).y;
    assert.ok(top >= 0 && bottom <= 2400 - 170, `map drawn from ${top} to ${bottom}`);
  }
});

test('the overview shows the whole map, and toWorld undoes toScreen', () => {
  const r = camera(1000, 700, 0);
  r.showAll(map);
  for (const [x, y] of [[0, 0], [map.width, map.height]]) {
    const p = r.toScreen(x, y);
    assert.ok(p.x >= 0 && p.x <= 1000 && p.y >= 0 && p.y <= 700, `map corner drawn at ${p.x},${p.y}`);
    const w = r.toWorld(p.x, p.y);
    assert.ok(Math.abs(w.x - x) < 1e-6 && Math.abs(w.y - y) < 1e-6);
  }
});
