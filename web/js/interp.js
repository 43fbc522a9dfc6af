// What the tank world looks like between two snapshots: the kit's buffer (../kit/interp.js)
// picks the snapshots around the moment drawn; this blends tanks (positions, hull and turret
// angles) and shells between them.

import { lerpEntities } from '../kit/interp.js';
import { lerpAngle } from './angle.js';

const TELEPORT = 120; // world units between snapshots: a respawn, not movement

const TANKS = {
  teleport: TELEPORT,
  jump: (prev, next) => !(prev.alive && next.alive), // dying and respawning are not movement
  mix: (o, p, e, t) => { o.hull = lerpAngle(p.hull, e.hull, t); o.turret = lerpAngle(p.turret, e.turret, t); },
};
const SHELLS = { teleport: TELEPORT };

/** Returns the world at renderTime: {tanks: Map(id → tank), shells: Map(id → shell)}, or null before the first snapshot. */
export function sampleWorld(buffer, renderTime) {
  return buffer.sample(renderTime, (a, b, t) => ({
    tanks: lerpEntities(a.tanks, b.tanks, t, TANKS),
    shells: lerpEntities(a.shells, b.shells, t, SHELLS),
  }));
}
