// Angle helpers shared by prediction, interpolation and the input payload. Angles are radians,
// 0 along +x, positive clockwise on screen (the game's convention).

/** Wraps an angle into (-π, π]. */
export function normaliseAngle(a) {
  a = (a + Math.PI) % (2 * Math.PI);
  if (a < 0) a += 2 * Math.PI;
  return a - Math.PI;
}

/** Interpolates between two angles the short way round. */
export function lerpAngle(a, b, t) {
  let d = (b - a) % (2 * Math.PI);
  if (d > Math.PI) d -= 2 * Math.PI;
  if (d < -Math.PI) d += 2 * Math.PI;
  return a + d * t;
}
