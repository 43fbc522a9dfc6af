// The client's half of the arena wire protocol. arena/doc.go documents the whole protocol
// (events, payloads, acks) and is the one reference; this file only builds and reads the payloads.

// Quantisation keeps each input message tiny and, more importantly, makes the client predict
// with exactly the numbers the server will apply (both sides see the rounded values).
import { normaliseAngle } from './angle.js';

const round = (v, places) => { const k = 10 ** places; return Math.round(v * k) / k; };
const clamp1 = (v) => Math.max(-1, Math.min(1, v || 0));

/** Builds the `input` payload: [seq, throttle, turn, aim, fire]. */
export function encodeInput(seq, { throttle, turn, aim, fire }) {
  return [seq, round(clamp1(throttle), 2), round(clamp1(turn), 2), round(normaliseAngle(aim || 0), 3), fire ? 1 : 0];
}

/** Reads an `input` payload back into the object movement.js takes; used so prediction matches the server. */
export function decodeInput(payload) {
  return { seq: payload[0], throttle: payload[1], turn: payload[2], aim: payload[3], fire: payload[4] === 1 };
}

/** Cleans a player name the same way the server does: control characters out, trimmed, at most 16 characters. */
export function cleanName(raw) {
  // eslint-disable-next-line no-control-regex
  const stripped = String(raw || '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  return Array.from(stripped).slice(0, 16).join('').trim();
}

/** Pulls the lag simulator settings (?lag=100&jitter=20&loss=0.05) from the page address for the handshake. */
export function lagQuery(search) {
  const params = new URLSearchParams(search);
  const query = {};
  for (const key of ['lag', 'jitter', 'loss']) if (params.has(key)) query[key] = params.get(key);
  return query;
}
