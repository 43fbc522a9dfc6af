// The tank game's input payload. The server's protocol reference documents the whole protocol
// (events, payloads, acks); the kit (../kit/connection.js) speaks its game-agnostic part, and this
// file only builds and reads the tank's "input" payload.

// Quantisation keeps each input message tiny and, more importantly, makes the client predict
// with exactly the numbers the server will apply (both sides see the rounded values).
import { normaliseAngle } from './angle.js';

const round = (v, places) => { const k = 10 ** places; return Math.round(v * k) / k; };
const clamp1 = (v) => Math.max(-1, Math.min(1, v || 0));

/**
 * Builds the `input` payload: [seq, throttle, turn, aim, fire, view]. view is the server tick the
 * other tanks are drawn at (fractions rounded); the server resolves this input's shot against
 * the tanks as they were then (lag compensation, game/tanks/lagcomp.go). Without a view (before
 * the first snapshot) the payload has five elements and the shot is resolved in the present.
 */
export function encodeInput(seq, { throttle, turn, aim, fire, view }) {
  const payload = [seq, round(clamp1(throttle), 2), round(clamp1(turn), 2), round(normaliseAngle(aim || 0), 3), fire ? 1 : 0];
  const tick = Math.round(view);
  if (tick >= 1 && tick <= Number.MAX_SAFE_INTEGER) payload.push(tick);
  return payload;
}

/** Reads an `input` payload back into the object movement.js takes; used so prediction matches the server. */
export function decodeInput(payload) {
  return { seq: payload[0], throttle: payload[1], turn: payload[2], aim: payload[3], fire: payload[4] === 1, view: payload[5] ?? 0 };
}
