// Unit tests for the HUD's side list and kill feed (hud.js), on a stand-in DOM just big enough
// for them (run by web/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';

class El {
  constructor(tag = 'div') { this.tag = tag; this.children = []; this.textContent = ''; this.className = ''; this.hidden = false; this.style = {}; }
  append(...kids) { this.children.push(...kids); }
  prepend(kid) { this.children.unshift(kid); }
  replaceChildren(...kids) { this.children = kids; }
  remove() {}
  get tBodies() { return [this.body ||= new El('tbody')]; }
  get text() { return this.textContent + this.children.map((c) => c.text).join(''); }
}
globalThis.document = { createElement: (tag) => new El(tag) };
const { Hud } = await import('../js/hud.js');

function hud() {
  const els = new Map();
  const root = new El();
  root.querySelector = (sel) => { if (!els.has(sel)) els.set(sel, new El()); return els.get(sel); };
  return [new Hud(root), (sel) => root.querySelector(sel)];
}
const nameOf = (id) => `P${id}`;
const scores = (n) => Array.from({ length: n }, (_, i) => ({ id: i + 1, kills: n - i, deaths: 0, streak: 0 }));

test('the side list shows the top 5 and the own rank below them', () => {
  const [h, $] = hud();
  h.scoreboard(scores(8), nameOf, 7);
  const items = $('#scores').children;
  assert.deepEqual(items.map((li) => li.className), ['', '', '', '', '', 'gap', 'me']);
  assert.equal(items[6].value, 7);
  assert.equal(items[6].textContent, 'P7 — 2');
  assert.equal($('#rank').textContent, '#7 of 8 · 2 kills');

  h.scoreboard(scores(8), nameOf, 2); // among the top 5: no extra line
  assert.deepEqual($('#scores').children.map((li) => li.className), ['', 'me', '', '', '']);
});

test('the feed tells a ricochet and a self-kill apart from a direct hit', () => {
  const [h, $] = hud();
  h.kill('Ann', 'Bob', false, 0);
  h.kill('Ann', 'Bob', true, 1);
  h.kill('', 'Ann', true, 2);
  assert.deepEqual($('#feed').children.map((li) => li.text), ['↩Ann', 'Ann⤳Bob', 'Ann▸Bob']);
});
