// Wires the client together: the name screen, playing or watching (spectate.js), the network,
// the fixed-tick input loop with prediction, interpolation of everything else, effects, sound,
// HUD and the render loop. The game-agnostic parts (connection, input clock, snapshot buffer,
// frame loop, net graph, name cleaning) come from the kit, which the server serves at /kit/ for
// every game.

import { Connection } from '../kit/connection.js';
import { InputClock } from '../kit/inputclock.js';
import { SnapshotBuffer } from '../kit/interp.js';
import { runFrames } from '../kit/frames.js';
import { NetGraph } from '../kit/netgraph.js';
import { cleanName } from '../kit/name.js';
import { decodeSnapshot } from './snapshot.js';
import { Controls } from './input.js';
import { TouchSticks } from './touch.js';
import { Predictor } from './predict.js';
import { sampleWorld } from './interp.js';
import { OwnShots } from './shots.js';
import { Gun } from './gun.js';
import { Renderer } from './render.js';
import { Effects } from './effects.js';
import { Sound } from './audio.js';
import { Hud } from './hud.js';
import { Rounds } from './rounds.js';
import { KillCam } from './killcam.js';
import { clientConfig } from './config.js';
import { ServerBrowser } from './servers.js';
import { encodeInput, decodeInput } from './protocol.js';
import { FollowCamera, keyAction } from './spectate.js';

const INTERP_DELAY_MS = Number(new URLSearchParams(location.search).get('interp')) || 100;
const HEARING = 1400; // world units at which a sound fades out
const STALE_EVENT_MS = 300; // events further behind than this (a hidden tab catching up) play silently
const RESUME_MS = 10000; // the server's reconnect window (game.ReconnectWindow): a reload within it joins at once
const STICKS_PX = 170; // the phone's sticks cover this much of the screen's bottom (style.css)
const TOUCH = matchMedia('(pointer: coarse)').matches; // phones: tap to follow the next tank
const PICK_RADII = 2.5; // a click within this many tank radii of a tank follows it
const SPECTATE_LINE_PX = 56; // the spectator's line covers this much of the screen's bottom (spectate.css)

const $ = (sel) => document.querySelector(sel);
const canvas = $('#view');
const renderer = new Renderer(canvas);
const controls = new Controls(canvas);
const touch = new TouchSticks($('#touch'));
const effects = new Effects();
const sound = new Sound();
const hud = new Hud($('#hud'));
const rounds = new Rounds($('#hud'));
const netgraph = new NetGraph($('#netgraph'));
const killcam = new KillCam();
let killcamEffects = new Effects();
const camera = new FollowCamera(); // a spectator's: the tank followed, or the overview

const game = {
  me: null, room: null, map: null, config: null, tickRate: 60, snapshotRate: 30,
  predictor: null, buffer: null, shots: new OwnShots(), names: new Map(),
  now: 0, gun: null, deadSince: null,
  events: [], lastView: null, connState: 'connecting', death: null, ownScreen: null,
  watching: false, // a spectator: no tank, no inputs, the follow camera
};

// The reconnect token keeps its storage names from before the kit ('tankarena.token'), so a
// player's tank survives the upgrade too.
// ?map=name asks for a room on another of the server's maps (-map a,b,…).
const net = new Connection({ decode: decodeSnapshot, storageKey: 'tankarena', kind: new URLSearchParams(location.search).get('map') || '' });
// The room chosen last in the server browser ({room, node}): Watch watches it when it was full.
let picked = null;

// The server tick the others are drawn at now (frame() draws them at this render time): each
// input carries it, and the server resolves the input's shot against the tanks as they were then.
const viewTick = () => game.buffer.renderTime(game.now, INTERP_DELAY_MS) * game.tickRate / 1000;

// One input per server tick, predicted at once; a neutral one (stop, keep aiming) as the tab hides.
const inputs = new InputClock(net, {
  build(seq) {
    const pred = game.predictor;
    const pose = pred.pose(1);
    const raw = controls.sample(renderer.toScreen(pose.x, pose.y), pred.state.turret, touch);
    return tankInput(seq, { ...raw, view: viewTick() }, game.now);
  },
  idle(seq) {
    const state = game.predictor?.state;
    return state ? tankInput(seq, { throttle: 0, turn: 0, aim: state.turret, fire: false }, performance.now()) : null;
  },
});

net.on('joined', (ack) => {
  const rules = enter(ack, false);
  // (The input clock numbers on from the ack's seq by itself.)
  game.predictor = new Predictor(rules, game.map);
  game.gun = new Gun(game.config.reloadTime, game.tickRate);
  touch.setPlaying(true);
});
net.on('watching', (ack) => {
  enter(ack, true);
  game.predictor = null;
  touch.setPlaying(false);
});

/**
 * Starts the view of a room afresh, to play (a join's ack) or to watch (a spectate's); returns
 * the room's rules as the welcome carries them.
 */
function enter(ack, watching) {
  const { map, config } = ack.game || {};
  Object.assign(game, { me: watching ? null : ack.id, room: ack.room, map, tickRate: ack.tickRate || 60, snapshotRate: ack.snapshotRate || 30, watching });
  game.config = clientConfig(config, game.tickRate, game.snapshotRate);
  // Every (re)join starts the view afresh: a restarted server or another arena counts ticks
  // from its own start (the buffer would wait for a tick it already holds, forever), and inputs
  // lost with the old connection will never be acknowledged.
  game.buffer = new SnapshotBuffer(game.tickRate);
  game.shots = new OwnShots();
  game.events = []; game.deadSince = null; game.death = null;
  killcam.reset(game.tickRate);
  rounds.welcome(ack.game);
  $('#join').hidden = true;
  hud.show(); hud.message('');
  hud.scoreKey = ''; // the own line changes
  hud.root.classList.toggle('watching', watching);
  $('#spectate').hidden = !watching;
  return config;
}
net.on('snapshot', (snap) => {
  if (!game.buffer || !game.buffer.push(snap, performance.now())) return;
  const mine = snap.tanks.find((t) => t.id === game.me);
  if (mine && game.predictor) game.predictor.reconcile(mine);
  const time = snap.tick * 1000 / game.tickRate;
  killcam.push(snap);
  for (const e of snap.events || []) {
    feedback(e);
    game.events.push({ time, e });
    if (e.type === 'kill' && e.victim === game.me && e.tank !== game.me) killcam.offerKill(e.tank, snap.tick);
  }
  hud.scoreboard(snap.scores || [], nameOf, game.me);
  const next = rounds.update(snap, game.tickRate, nameOf, game.me);
  if (next) { // a new round on the rotation's next map
    game.map = next;
    if (game.predictor) game.predictor.map = next;
  }
});
net.on('roster', (list) => {
  game.names = new Map(list.map((p) => [p.id, String(p.name)]));
  hud.scoreKey = ''; // names changed: redraw the scoreboard on the next snapshot
});
net.on('state', (name) => { game.connState = name; });
net.on('shutdown', (message) => hud.message(message));
net.on('failed', (error) => {
  // A refused re-join (say, the arena filled up while this tab was away) needs the form back.
  // A full or busy server still lets everyone watch. A refusal also ends a watch: the server
  // ends it before a join, and a refused spectate (the room closed, none left) starts none.
  if (game.watching) {
    game.watching = false;
    $('#spectate').hidden = true;
    hud.root.classList.remove('watching');
  }
  $('#join').hidden = false;
  touch.setPlaying(false);
  const offer = /full|busy/.test(String(error)) && !net.watching ? ' Press Watch to look on meanwhile.' : '';
  if (!/full/.test(String(error))) picked = null; // Watch then watches the full room picked, else any
  $('#join-status').textContent = String(error) + offer;
  for (const b of $('#join').querySelectorAll('button')) b.disabled = false;
});
net.on('unwatched', (message) => hud.message(message)); // it asks for another room by itself
net.on('replaced', (message) => {
  // Another tab plays this tank now. Play here takes it back, by the player's choice only.
  $('#join').hidden = false;
  touch.setPlaying(false);
  $('#join-status').textContent = `${message} Press Play to play here instead.`;
  for (const b of $('#join').querySelectorAll('button')) b.disabled = false;
});

const nameOf = (id) => game.names.get(id) || `tank ${id}`;

/**
 * What the player must feel at once, as a snapshot arrives rather than when the delayed view
 * reaches it: the own tank's damage (its health bar shows the newest snapshot), hits by the own
 * shells (drawn in the present) and the cause of the own death. "You destroyed" waits for the
 * view, with the explosion (playEvents).
 */
function feedback(e) {
  const me = game.me;
  if (e.type === 'hit') {
    if (e.victim === me && e.damage > 0) hud.damage();
    if (e.tank === me && e.victim !== me) effects.hitMarker(e.x, e.y, false);
  }
  if (e.type !== 'kill') return;
  if (e.tank === me && e.victim !== me) effects.hitMarker(e.x, e.y, true);
  if (e.victim === me) game.death = { killer: e.tank === me ? '' : nameOf(e.tank) };
}

/** Joins as name, from the form or at once after a reload; room: the room picked in the server browser. */
function play(name, room = '') {
  for (const b of $('#join').querySelectorAll('button')) b.disabled = true;
  $('#join-status').textContent = 'Connecting…';
  localStorage.setItem('tankarena.name', name);
  sound.start();
  net.join(name, room);
}

$('#join').addEventListener('submit', (e) => {
  e.preventDefault();
  const name = cleanName($('#name').value);
  if (!name) { $('#join-status').textContent = 'Pick a name first.'; return; }
  play(name);
});
// The rooms of the server (or cluster), while the join form shows. A row plays in its room
// (on whichever node runs it), or watches it when it is full; a room found full on joining
// is the one Watch then watches.
new ServerBrowser($('#servers'), net, (pick) => {
  picked = { room: pick.room, node: pick.node };
  if (pick.full) { watch(); return; }
  const name = cleanName($('#name').value);
  if (!name) { $('#join-status').textContent = 'Pick a name first.'; $('#name').focus(); return; }
  play(name, pick.room);
}).start(() => !$('#join').hidden);
/** Watches instead of playing: no name needed. The room picked in the server browser, if any. */
function watch() {
  const pick = picked;
  picked = null;
  if (game.watching && !pick) { $('#join').hidden = true; return; } // already watching: back to it
  for (const b of $('#join').querySelectorAll('button')) b.disabled = true;
  $('#join-status').textContent = 'Connecting…';
  sound.start();
  net.watch(pick?.room ?? '', pick?.node ?? '');
}
$('#watch').addEventListener('click', () => watch());

/** From watching to playing: the name form over the match being watched. */
function offerPlay() {
  $('#join').hidden = false;
  $('#join-status').textContent = '';
  for (const b of $('#join').querySelectorAll('button')) b.disabled = false;
  $('#name').focus();
}
$('#spectate button').addEventListener('click', offerPlay);

// The follow camera: keys (spectate.js keyAction), a click or a tap on a tank follows it, a
// click or a tap anywhere else the next one.
addEventListener('keydown', (e) => {
  if (!game.watching || !$('#join').hidden || e.target instanceof HTMLInputElement) return;
  const action = keyAction(e.code);
  if (!action) return;
  e.preventDefault();
  const tanks = game.lastView?.tanks || [];
  if (action === 'play') offerPlay();
  else if (action === 'overview') camera.toggleOverview(tanks);
  else camera.cycle(tanks, action === 'next' ? 1 : -1);
});
canvas.addEventListener('click', (e) => {
  if (!game.watching || !game.lastView) return;
  const tanks = game.lastView.tanks, p = renderer.toWorld(e.clientX, e.clientY);
  if (!camera.pick(tanks, p.x, p.y, game.config.tankRadius * PICK_RADII)) camera.cycle(tanks, 1);
});

$('#name').value = localStorage.getItem('tankarena.name') || '';
$('#name').addEventListener('change', () => localStorage.setItem('tankarena.name', cleanName($('#name').value)));
// A reload within the reconnect window goes straight back into the game with
// the saved name and token; sound waits for the first touch or key, as browsers require.
if (cleanName($('#name').value) && net.canResume(RESUME_MS)) {
  $('#join').hidden = true;
  play(cleanName($('#name').value));
  for (const type of ['pointerdown', 'keydown']) addEventListener(type, () => sound.start(), { once: true });
}

controls.onToggle = (what) => {
  if (what === 'netgraph') netgraph.toggle();
  if (what === 'mute') {
    hud.message(sound.toggleMute() ? 'Sound off (M)' : 'Sound on');
    setTimeout(() => hud.message(''), 1500);
  }
};
controls.onBoard = (shown) => hud.showBoard(shown);

/** Starts the kill-cam on offer, or leaves the one playing. */
function toggleKillcam() {
  if (killcam.playing) { killcam.stop(); return; }
  if (killcam.start()) killcamEffects = new Effects();
}
$('#killcam').addEventListener('click', toggleKillcam);
addEventListener('keydown', (e) => { if (e.code === 'KeyK' && !e.repeat && game.predictor) toggleKillcam(); });

/** Builds one tick's input payload and applies it to the own tank at once; the input clock sends it. */
function tankInput(seq, raw, now) {
  const payload = encodeInput(seq, raw);
  const input = decodeInput(payload);
  game.predictor.apply(input.seq, input, game.config.dt);
  const me = ownServerTank();
  if (input.fire && me?.alive && rounds.armed() && game.gun.trigger(input.seq)) {
    const s = game.predictor.state, c = game.config;
    const mx = s.x + Math.cos(s.turret) * c.barrelLength, my = s.y + Math.sin(s.turret) * c.barrelLength;
    game.shots.fire(mx, my, s.turret, c.shellSpeed, now);
    effects.muzzle(mx, my, s.turret);
    sound.fire(0.8);
  }
  return payload;
}

const ownServerTank = () => game.buffer?.latest()?.tanks.find((t) => t.id === game.me);

function insideWall(x, y) {
  const m = game.map;
  if (x < 0 || y < 0 || x > m.width || y > m.height) return true;
  return (m.walls || []).some((w) => x >= w.x && x <= w.x + w.w && y >= w.y && y <= w.y + w.h);
}

function frame(now, frameDt) {
  game.now = now;
  hud.connection(game.connState, net.ping);
  if (game.watching) { if (game.buffer?.latest()) watchFrame(now, frameDt); return; }
  if (!game.predictor?.state || !game.buffer?.latest()) return;
  const c = game.config, pred = game.predictor;

  // Fixed-tick input: one input per server tick, predicted at once.
  inputs.advance(frameDt);
  pred.smooth(frameDt);

  // Everyone else, drawn INTERP_DELAY_MS in the past.
  const renderTime = game.buffer.renderTime(now, INTERP_DELAY_MS);
  const world = sampleWorld(game.buffer, renderTime);
  const server = ownServerTank();
  const own = pred.pose(inputs.fraction);
  const tanks = [];
  for (const t of world.tanks.values()) {
    if (t.id === game.me) continue;
    t.name = nameOf(t.id);
    tanks.push(t);
  }
  if (server) tanks.push({ ...server, ...own, name: nameOf(game.me) });

  // The server caught each own shell up to the present from the view its shot was aimed in (lag
  // compensation), so the newest snapshot's shells are where the player sees its own at that
  // snapshot's tick: draw them as far ahead as the render time is past it, plus whatever lag the
  // server's bound did not cover.
  const latest = game.buffer.latest();
  const uncovered = Math.max(0, (net.ping ?? 0) + INTERP_DELAY_MS - c.maxRewindMs);
  const aheadMs = renderTime - latest.tick * 1000 / game.tickRate + uncovered;
  const ownShells = new Map(latest.shells.filter((s) => s.owner === game.me).map((s) => [s.id, s]));
  game.shots.update(frameDt, now, ownShells, aheadMs, net.ping ?? 0, insideWall);
  const shells = [...world.shells.values()].filter((s) => s.owner !== game.me).concat(game.shots.list);

  playEvents(renderTime, world, pred.state);
  for (const t of tanks) if (t.alive) effects.tracks(t, c.tankRadius, Math.hypot(t.vx || 0, t.vy || 0), frameDt);
  effects.update(frameDt);

  renderer.insets.bottom = touch.root.hidden ? 0 : STICKS_PX; // the map's edge stays above the sticks
  if (!drawKillcam(frameDt)) renderer.draw({ map: game.map, me: game.me, focus: own, tanks, shells, effects, config: c });
  game.ownScreen = renderer.toScreen(own.x, own.y);

  // HUD
  const alive = server?.alive ?? false;
  if (!alive && game.deadSince === null) game.deadSince = now;
  if (alive && game.deadSince !== null) { game.deadSince = null; game.gun.reload(); game.death = null; killcam.clearOffer(); }
  $('#killcam').hidden = alive || !killcam.available();
  hud.countdown(alive ? null : c.respawnTime - (now - game.deadSince) / 1000, game.death);
  if (killcam.playing) $('#respawn').hidden = true; // the kill-cam's view stays clear
  hud.bars(server?.health ?? 0, c.maxHealth, game.gun.ready(inputs.seq));
  hud.tick(now);
  netgraph.update(now, net, [
    `interp      ${Math.round(INTERP_DELAY_MS)} ms  buffer ${game.buffer.snaps.length}`,
    `unacked     ${pred.pending.length}`,
    `correction  ${pred.lastError.toFixed(1)} units`,
    `tick        ${game.buffer.latest().tick}  arena ${game.room ? game.room.slice(0, 8) : '-'}`,
  ]);
  game.lastView = { tanks, shells };
}

/**
 * Draws the kill-cam instead of the live view while it plays: the killer's view of the 5 s
 * before the kill (killcam.js), the same renderer and effects. Returns whether it drew.
 */
function drawKillcam(frameDt) {
  const kc = killcam.frame(frameDt, game.map);
  $('#killcam-label').hidden = !kc;
  if (!kc) return false;
  for (const e of kc.events) {
    const x = e.x ?? 0, y = e.y ?? 0;
    if (e.type === 'fire') killcamEffects.muzzle(x, y, kc.world.tanks.get(e.tank)?.turret ?? 0);
    if (e.type === 'hit') { killcamEffects.spark(x, y); killcamEffects.explosion(x, y, false); }
    if (e.type === 'kill') killcamEffects.explosion(x, y, true);
  }
  killcamEffects.update(frameDt);
  const tanks = [...kc.world.tanks.values()].map((t) => ({ ...t, name: nameOf(t.id) }));
  renderer.draw({ map: game.map, me: kc.killer, focus: kc.focus, tanks, shells: [...kc.world.shells.values()], effects: killcamEffects, config: game.config });
  const label = `KILL-CAM · ${nameOf(kc.killer)} · ${Math.max(0, Math.ceil(5 - kc.seconds))} · K to leave`;
  if ($('#killcam-label').textContent !== label) $('#killcam-label').textContent = label; // names stay text
  return true;
}

/**
 * A spectator's frame: everyone interpolated, the camera on the tank followed or on the whole
 * map, sounds heard from where the camera looks.
 */
function watchFrame(now, frameDt) {
  const c = game.config;
  const renderTime = game.buffer.renderTime(now, INTERP_DELAY_MS);
  const world = sampleWorld(game.buffer, renderTime);
  const tanks = [...world.tanks.values()];
  for (const t of tanks) t.name = nameOf(t.id);
  const shells = [...world.shells.values()];
  const focus = camera.focus(tanks);
  playEvents(renderTime, world, focus || { x: game.map.width / 2, y: game.map.height / 2 });
  for (const t of tanks) if (t.alive) effects.tracks(t, c.tankRadius, Math.hypot(t.vx || 0, t.vy || 0), frameDt);
  effects.update(frameDt);
  renderer.insets.bottom = SPECTATE_LINE_PX; // the map's edge stays above the line
  renderer.draw({ map: game.map, me: null, focus, overview: !focus, followed: focus && camera.target, tanks, shells, effects, config: c });
  const line = camera.label(nameOf, TOUCH);
  if ($('#spectate span').textContent !== line) $('#spectate span').textContent = line;
  hud.tick(now);
  netgraph.update(now, net, [
    `interp      ${Math.round(INTERP_DELAY_MS)} ms  buffer ${game.buffer.snaps.length}`,
    `tick        ${game.buffer.latest().tick}  arena ${game.room ? game.room.slice(0, 8) : '-'}  watching`,
  ]);
  game.lastView = { tanks, shells };
}

/**
 * Plays snapshot events once the interpolated view reaches them, so effects line up with what
 * is drawn; sounds fade with the distance from ear (the own tank, or where a spectator looks).
 */
function playEvents(renderTime, world, ear) {
  const volumeAt = (x, y) => Math.max(0, 1 - Math.hypot(x - ear.x, y - ear.y) / HEARING);
  while (game.events.length && game.events[0].time <= renderTime) {
    const { time, e } = game.events.shift();
    if (e.type === 'kill') {
      hud.kill(e.tank === e.victim ? '' : nameOf(e.tank), nameOf(e.victim), !!e.ricochet, performance.now());
      if (e.tank === game.me && e.victim !== game.me) hud.say(`You destroyed ${nameOf(e.victim)}`, performance.now());
    }
    // A burst of old events (a hidden tab, a stall) would boom all at once: show only what is current.
    if (document.hidden || time < renderTime - STALE_EVENT_MS) continue;
    const x = e.x ?? ear.x, y = e.y ?? ear.y; // game events (game/events.go): type, tank, victim, shell, x, y
    switch (e.type) {
      case 'fire': {
        if (e.tank === game.me) break; // already shown when the player fired
        effects.muzzle(x, y, world.tanks.get(e.tank)?.turret ?? 0);
        sound.fire(volumeAt(x, y));
        break;
      }
      case 'hit':
        effects.spark(x, y); effects.explosion(x, y, false);
        sound.hit(e.victim === game.me ? 1 : volumeAt(x, y));
        if (e.victim === game.me) effects.shake = Math.max(effects.shake, 4);
        break;
      case 'bounce': effects.spark(x, y); sound.bounce(volumeAt(x, y)); break;
      case 'kill': {
        const hull = e.victim === game.me ? ear.hull : world.tanks.get(e.victim)?.hull ?? 0;
        effects.explosion(x, y, true); sound.explode(volumeAt(x, y));
        effects.wreck(x, y, hull, game.config.tankRadius);
        break;
      }
      case 'respawn': effects.explosion(x, y, false); break;
      default: break;
    }
  }
}

// Animation frames drive everything; a slow timer keeps inputs flowing if frames stall (e.g. a
// background tab in some browsers), and the input clock's catch-up limit keeps that from bursting.
runFrames(frame);

// Read-only view for the end-to-end test and for debugging from the console.
globalThis.tankArena = {
  view: () => ({
    me: game.me, arena: game.room, seq: inputs.seq, watching: game.watching,
    follow: game.watching && !camera.overview ? camera.target : null, spectateLine: $('#spectate span').textContent, conn: game.connState, screen: game.ownScreen, round: rounds.state, map: game.map?.name,
    killcam: { offered: killcam.available(), playing: !!killcam.playing, killer: killcam.playing?.killer ?? killcam.offer?.killer ?? null },
    correction: game.predictor?.lastError ?? 0, ping: net.ping, snapshotRate: net.rates.snaps,
    snapshots: net.totals.snaps, resyncs: net.totals.resyncs, acked: net.stream.acked, now: performance.now(),
    corrections: game.predictor?.errors.length ?? 0,
    tanks: (game.lastView?.tanks || []).map((t) => ({ id: t.id, x: t.x, y: t.y, alive: t.alive, offline: t.offline, health: t.health, name: t.name })),
    shells: (game.lastView?.shells || []).map((s) => ({ id: s.id, x: s.x, y: s.y, owner: s.owner ?? game.me })), // own shots carry no owner
  }),
  /** Where the world point (x, y) is drawn now, in CSS pixels: a test clicks on a tank there. */
  toScreen: (x, y) => renderer.toScreen(x, y),
  /** The own tank's prediction corrections (units) from the index'th on (view().corrections counts them). */
  correctionsSince: (i) => game.predictor?.errors.slice(i) ?? [],
};
