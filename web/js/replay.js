// The replay viewer: fetches /replays/{id} (?id= in the page's address), splits it into frames
// (replayfile.js) and plays it in the game's renderer with play/pause, seek, speed and a follow
// camera (spectate.js). Frames decode as the playhead reaches them; a seek decodes from the
// keyframe before (timeline.js). A damaged or cut file shows what is wrong in the page.

import { runFrames } from '../kit/frames.js';
import { decodeSnapshot } from './snapshot.js';
import { parseReplay } from './replayfile.js';
import { Timeline, clock } from './timeline.js';
import { FollowCamera } from './spectate.js';
import { Renderer } from './render.js';
import { Effects } from './effects.js';
import { clientConfig } from './config.js';
import { Rounds, rank } from './rounds.js';

const $ = (sel) => document.querySelector(sel);
const id = new URLSearchParams(location.search).get('id') || '';
const renderer = new Renderer($('#view'));
const cam = new FollowCamera();
const rounds = new Rounds($('#replay-hud')); // the round clock and the end screen, as the players saw them
let effects = new Effects();

const view = {
  state: 'loading', error: '', warning: '', t: 0, playing: false, speed: 1, index: -1, drawn: 0, inView: 0, scoreKey: '',
  replay: null, timeline: null, config: null, world: null,
};

function fail(message) {
  view.state = 'error';
  view.error = message;
  view.playing = false;
  const box = $('#replay-error');
  box.textContent = message; // text only: messages may quote the file
  box.hidden = false;
  $('#replay-title').textContent = 'replay unavailable';
}

async function load() {
  $('#download').href = `/replays/${encodeURIComponent(id)}`;
  let buffer;
  try {
    const res = await fetch(`/replays/${encodeURIComponent(id)}`);
    if (res.status === 404) return fail(`There is no replay "${id}" on this server (it may have been removed to make room for newer ones).`);
    if (!res.ok) return fail(`The server could not send the replay (HTTP ${res.status}).`);
    buffer = await res.arrayBuffer();
  } catch (err) {
    return fail(`The replay could not be downloaded: ${err.message}`);
  }
  let replay;
  try {
    replay = parseReplay(buffer);
  } catch (err) {
    return fail(`This replay cannot be played: ${err.message}.`);
  }
  const h = replay.header;
  view.replay = replay;
  view.config = clientConfig(replay.welcome?.config, h.tickRate, h.snapshotRate);
  rounds.welcome(replay.welcome);
  view.timeline = new Timeline(replay.frames, h.tickRate, (i, prev) => decodeSnapshot(replay.frames[i].bytes, prev));
  view.t = view.timeline.start;
  view.state = 'ready';
  view.playing = true;
  const first = view.timeline.snapshot(0);
  if (!first) return fail(`This replay cannot be played: ${view.timeline.error}.`);
  cam.follow(first.tanks[0]?.id ?? null);
  $('#replay-title').textContent = `${h.kind || 'replay'} · round ${h.round}${h.part > 1 ? ` part ${h.part}` : ''} · ${new Date(h.started).toLocaleString()}`;
  if (replay.truncated) warn(`The replay is cut off after ${clock(view.timeline.end - view.timeline.start)} (the server stopped while recording it); playing what was saved.`);
}

function warn(message) {
  view.warning = message;
  const box = $('#replay-error');
  box.textContent = message;
  box.hidden = false;
  setTimeout(() => { if (view.state !== 'error') box.hidden = true; }, 6000);
}

/** Names as the roster last recorded before tick. */
function namesAt(tick) {
  let list = [];
  for (const r of view.replay.rosters) { if (r.tick <= tick) list = r.list; else break; }
  return new Map((list || []).map((p) => [p.id, String(p.name)]));
}

function seekTo(t) {
  const tl = view.timeline;
  view.t = Math.max(tl.start, Math.min(tl.end, t));
  view.index = -1; // a jump: events between are not replayed
  effects = new Effects();
}

function frame(now, dt) {
  if (view.state !== 'ready') return;
  const tl = view.timeline;
  if (view.playing) {
    view.t += dt * 1000 * view.speed;
    if (view.t >= tl.end) { view.t = tl.end; view.playing = false; }
  }
  const at = tl.at(view.t);
  if (!at) return fail(`This replay cannot be played further: ${tl.error}.`);
  if (tl.error && tl.brokenAt < tl.frames.length && !view.warning) warn(`This replay is ${tl.error}; it plays up to there.`);
  const { world, snap, index } = at;
  const map = view.replay.welcome.maps?.[snap.round?.map] || view.replay.welcome.map;
  const names = namesAt(view.replay.frames[index].tick);
  const nameOf = (tid) => names.get(tid) || `tank ${tid}`;
  if (view.index >= 0 && index > view.index && index - view.index < 30) {
    for (let i = view.index + 1; i <= index; i++) play(tl.snapshot(i)?.events || [], world, nameOf, now);
  }
  if (`${index}|${cam.following}` !== view.scoreKey) {
    view.scoreKey = `${index}|${cam.following}`;
    scores(snap, nameOf);
    rounds.update(snap, snap.tickRate || view.replay.header.tickRate, nameOf, cam.following);
  }
  view.index = index;

  const tanks = [...world.tanks.values()];
  for (const t of tanks) {
    t.name = nameOf(t.id);
    if (t.alive) effects.tracks(t, view.config.tankRadius, Math.hypot(t.vx || 0, t.vy || 0), dt);
  }
  effects.update(dt);
  const focus = cam.focus(tanks);
  renderer.draw({ map, me: cam.following ?? -1, focus, overview: !focus, tanks, shells: [...world.shells.values()], effects, config: view.config });
  view.world = world;
  view.drawn = tanks.filter((t) => t.alive).length;
  const c = renderer.camera, halfW = renderer.width / 2 / c.zoom, halfH = renderer.height / 2 / c.zoom;
  view.inView = tanks.filter((t) => t.alive && Math.abs(t.x - c.x) < halfW && Math.abs(t.y - c.y) < halfH).length;
  feedTick(now);

  $('#play').textContent = view.playing ? '❚❚' : '▶';
  const span = tl.end - tl.start;
  if (document.activeElement !== $('#seek')) $('#seek').value = String(span > 0 ? Math.round(((view.t - tl.start) / span) * 1000) : 0);
  $('#time').textContent = `${clock(view.t - tl.start)} / ${clock(span)}`;
  $('#following').textContent = cam.following === null ? 'overview' : nameOf(cam.following);
}

/** The events of one frame: explosions, sparks and the kill feed. */
function play(events, world, nameOf, now) {
  for (const e of events) {
    const x = e.x ?? 0, y = e.y ?? 0;
    if (e.type === 'fire') effects.muzzle(x, y, world.tanks.get(e.tank)?.turret ?? 0);
    else if (e.type === 'hit') { effects.spark(x, y); effects.explosion(x, y, false); }
    else if (e.type === 'bounce') effects.spark(x, y);
    else if (e.type === 'kill') {
      effects.explosion(x, y, true);
      effects.wreck(x, y, world.tanks.get(e.victim)?.hull ?? 0, view.config.tankRadius);
      feed(e.tank === e.victim ? `${nameOf(e.victim)} ↩ own shell` : `${nameOf(e.tank)} ▸ ${nameOf(e.victim)}`, now);
    }
  }
}

const feedItems = [];
function feed(text, now) {
  const li = document.createElement('li');
  li.textContent = text;
  $('#feed').prepend(li);
  feedItems.unshift({ li, at: now });
  while (feedItems.length > 5) feedItems.pop().li.remove();
}
function feedTick(now) {
  while (feedItems.length && now - feedItems[feedItems.length - 1].at > 6000) feedItems.pop().li.remove();
}

function scores(snap, nameOf) {
  const rows = rank(snap.scores || []).slice(0, 8).map((s) => {
    const li = document.createElement('li');
    li.textContent = `${nameOf(s.id)} — ${s.kills}`;
    if (s.id === cam.following) li.className = 'me';
    return li;
  });
  $('#scores').replaceChildren(...rows);
}

$('#play').addEventListener('click', () => {
  if (view.state !== 'ready') return;
  if (!view.playing && view.t >= view.timeline.end) seekTo(view.timeline.start);
  view.playing = !view.playing;
});
$('#seek').addEventListener('input', () => {
  if (view.state !== 'ready') return;
  const tl = view.timeline;
  seekTo(tl.start + (Number($('#seek').value) / 1000) * (tl.end - tl.start));
});
$('#speed').addEventListener('change', () => { view.speed = Number($('#speed').value) || 1; });
$('#prev').addEventListener('click', () => { if (view.world) cam.cycle([...view.world.tanks.values()], -1); });
$('#next').addEventListener('click', () => { if (view.world) cam.cycle([...view.world.tanks.values()], 1); });
addEventListener('keydown', (e) => {
  if (view.state !== 'ready' || e.target instanceof HTMLInputElement && e.target.type !== 'range') return;
  if (e.key === ' ') { e.preventDefault(); $('#play').click(); }
  if (e.key === '[' || e.key === 'ArrowUp') $('#prev').click();
  if (e.key === ']' || e.key === 'ArrowDown') $('#next').click();
  if (e.code === 'KeyO' && view.world) cam.toggleOverview([...view.world.tanks.values()]);
  if (e.key === 'ArrowLeft' && e.target === document.body) seekTo(view.t - 5000);
  if (e.key === 'ArrowRight' && e.target === document.body) seekTo(view.t + 5000);
});

runFrames(frame);
load();

// Read-only view for the browser test and the console; seek(seconds) jumps there.
globalThis.tankReplay = {
  view: () => ({
    state: view.state, error: view.error, warning: view.warning, playing: view.playing, speed: view.speed,
    seconds: view.timeline ? (view.t - view.timeline.start) / 1000 : 0,
    length: view.timeline ? (view.timeline.end - view.timeline.start) / 1000 : 0,
    frames: view.replay?.frames.length ?? 0, index: view.index, following: cam.following, tanksDrawn: view.drawn, tanksInView: view.inView,
  }),
  seek: (seconds) => { if (view.timeline) seekTo(view.timeline.start + seconds * 1000); },
};
