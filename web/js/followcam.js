// The replay's and the kill-cam's camera: it follows one tank, or shows the overview (the map's
// middle). Cycling goes through the tanks in id order, then the overview, round and round.

export class FollowCam {
  constructor() {
    this.id = null; // the tank followed; null: the overview
    this.last = null; // where the followed tank was last seen, held while it is dead or gone
  }

  /** Follows tank id (null: the overview). */
  follow(id) { this.id = id; this.last = null; }

  /** Moves to the next (step 1) or previous (step -1) of the tanks in world, the overview between the last and the first. */
  cycle(world, step) {
    const slots = [...world.tanks.keys()].sort((a, b) => a - b);
    slots.push(null);
    const at = slots.indexOf(this.id);
    this.follow(slots[(Math.max(0, at) + step + slots.length) % slots.length]);
  }

  /** The point to centre: the followed tank (alive), where it was last, or the map's middle. */
  focus(world, map) {
    const t = this.id === null ? null : world.tanks.get(this.id);
    if (t && t.alive) this.last = { x: t.x, y: t.y };
    return this.id !== null && this.last ? this.last : { x: map.width / 2, y: map.height / 2 };
  }
}
