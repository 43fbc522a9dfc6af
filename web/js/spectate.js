// The follow camera of a spectator, a replay and the kill-cam (anything that watches a match
// without a tank of its own): which tank the view follows, chosen among a snapshot's tanks, or
// the free overview of the whole map. It knows no DOM and no network: the page feeds it the
// tanks it draws ({id, x, y, alive}) and asks where to look.

/** What a key does while watching: 'next', 'prev', 'overview', 'play', or null. */
export function keyAction(code) {
  switch (code) {
    case 'ArrowRight': case 'KeyD': case 'KeyE': return 'next';
    case 'ArrowLeft': case 'KeyA': case 'KeyQ': return 'prev';
    case 'KeyO': case 'Space': case 'ArrowUp': return 'overview';
    case 'Enter': case 'KeyP': return 'play';
    default: return null;
  }
}

/**
 * The id to follow after stepping step places (+1 the next, -1 the previous, 0 stay) from
 * current through the tanks in id order, living ones only (a dead tank shows nothing to
 * follow); the current one stays a candidate while it is dead, so 0 keeps following a tank
 * through its respawn. A current id that is gone (left) is replaced by the next id after it.
 * Returns null when there is no tank to follow.
 */
export function pickTarget(tanks, current, step = 0) {
  const ids = tanks.filter((t) => t.alive || t.id === current).map((t) => t.id).sort((a, b) => a - b);
  if (ids.length === 0) return null;
  let i = ids.indexOf(current);
  if (i < 0) {
    // Gone, or none yet: the first id after it stands in (step 0), or the start (step ±1).
    const after = ids.findIndex((id) => current !== null && id > current);
    i = after < 0 ? 0 : after;
    if (step > 0) step--; // stepping on from a gap lands on the id after it
    if (step === 0) return ids[i];
  }
  return ids[(((i + step) % ids.length) + ids.length) % ids.length];
}

/** The id of the living tank nearest to the world point (x, y) within radius, or null. */
export function tankAt(tanks, x, y, radius) {
  let best = null, bestD = radius;
  for (const t of tanks) {
    const d = Math.hypot(t.x - x, t.y - y);
    if (t.alive && d <= bestD) { best = t.id; bestD = d; }
  }
  return best;
}

/**
 * A watcher's camera: follows one tank (target, its id) or shows the whole map (overview). It
 * starts on the overview until asked to follow. While the tank followed is dead it stays where
 * the tank was last seen alive.
 */
export class FollowCamera {
  constructor() {
    this.target = null;
    this.overview = true;
    this.last = null; // {x, y} of the target when last seen alive
  }

  /** The id followed, or null on the overview. */
  get following() { return this.overview ? null : this.target; }

  /** Follows tank id (null: the overview). */
  follow(id) {
    this.target = id;
    this.overview = id === null;
    this.last = null;
  }

  /** Follows the next (step +1) or previous (-1) tank; from the overview the first or the last. */
  cycle(tanks, step) {
    const id = this.overview || this.target === null
      ? pickTarget(tanks, null, step < 0 ? -1 : 0)
      : pickTarget(tanks, this.target, step);
    if (id === null) return;
    this.follow(id);
  }

  /** Follows the tank at the world point (a click or a tap on it); reports whether there was one. */
  pick(tanks, x, y, radius) {
    const id = tankAt(tanks, x, y, radius);
    if (id === null) return false;
    this.follow(id);
    return true;
  }

  /** Switches between the overview and following (the tank followed last, else the first). */
  toggleOverview(tanks) {
    if (!this.overview) { this.overview = true; return; }
    const id = pickTarget(tanks, this.target, 0);
    if (id !== null) this.follow(id);
  }

  /**
   * Where to look this frame: {x, y} of the followed tank (where it was last seen alive while
   * it is dead), or null for the overview (also when nothing is left to follow). A followed
   * tank that left hands over to the next one.
   */
  focus(tanks) {
    if (this.overview) return null;
    const id = pickTarget(tanks, this.target, 0);
    if (id === null) return null;
    if (id !== this.target) this.follow(id);
    const t = tanks.find((x) => x.id === id);
    if (t.alive || !this.last) this.last = { x: t.x, y: t.y };
    return this.last;
  }

  /** The on-screen line: who is followed, then the keys. */
  label(nameOf, touch) {
    const who = this.overview || this.target === null ? 'Watching: overview' : `Watching ${nameOf(this.target)}`;
    return touch
      ? `${who} · tap: next tank`
      : `${who} · ←/→ or click: next tank · O: overview · Tab: scores · Enter: play`;
  }
}
