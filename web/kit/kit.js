// The whole kit in one import, for a small page:
//   import { Connection, InputClock, runFrames } from '/kit/kit.js';
// Each module's header says what it does and which events it uses.

export { Connection } from './connection.js';
export { InputClock } from './inputclock.js';
export { SnapshotStream, decodeJSON, readFrame } from './snapstream.js';
export { SnapshotBuffer, lerpEntities } from './interp.js';
export { FrameClock, MAX_FRAME_S, runFrames } from './frames.js';
export { NetGraph, netGraphLines } from './netgraph.js';
export { cleanName } from './name.js';
export { lagQuery } from './lagquery.js';
export { TokenStore, BEAT_EVERY_MS } from './tokenstore.js';
