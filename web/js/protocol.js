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

// Characters a name loses, as arena.CleanName on the server: controls, format characters, the
// other default-ignorable ones (the Hangul fillers render as nothing) except variation selectors,
// line and paragraph separators, U+FFFD.
const HIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\uFFFD]|(?!\p{Variation_Selector})\p{Default_Ignorable_Code_Point}/gu;
// A name must draw something: a letter, digit, punctuation mark or symbol (not the blank U+2800).
const DRAWS_IN_NAME = /(?!\u2800)[\p{L}\p{N}\p{P}\p{S}]/u;

/** Cleans a player name the same way the server does: invisible characters out, trimmed, at most 16 characters; '' when nothing visible is left. */
export function cleanName(raw) {
  const stripped = String(raw || '').trim().replace(HIDDEN_IN_NAME, '');
  const name = Array.from(stripped).slice(0, 16).join('').trim();
  return DRAWS_IN_NAME.test(name) ? name : '';
}

/** Pulls the lag simulator settings (?lag=100&jitter=20&loss=0.05) from the page address for the handshake. */
export function lagQuery(search) {
  const params = new URLSearchParams(search);
  const query = {};
  for (const key of ['lag', 'jitter', 'loss']) if (params.has(key)) query[key] = params.get(key);
  return query;
}
