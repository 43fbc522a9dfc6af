// The own tank's shells, shown in the player's own time rather than the server's: a shell
// appears the moment the player fires (predicted), is matched to the server's shell when that
// arrives, and then follows it, drawn as far ahead of the server's as the caller says (aheadMs):
// with lag compensation the server's shell is already where the player sees its own at the
// server shell's tick, so that is the render time past that tick, plus any lag beyond the
// server's bound.

const UNCONFIRMED_GRACE_MS = 350; // beyond the round trip, an unconfirmed shot was refused by the server
const FOLLOW = 0.25; // share of the gap to the server's shell closed per frame

export class OwnShots {
  constructor() { this.list = []; }

  /** Adds a predicted shell at the muzzle. */
  fire(x, y, angle, speed, now) {
    this.list.push({ id: null, x, y, vx: Math.cos(angle) * speed, vy: Math.sin(angle) * speed, born: now });
  }

  /**
   * Moves the shells one frame and lines them up with the server's own shells in the newest
   * snapshot (shells: Map id → shell, owner already filtered), drawn aheadMs further along their
   * flight (negative: behind).
   */
  update(frameDt, now, serverShells, aheadMs, rttMs, isInsideWall) {
    const ahead = aheadMs / 1000;
    const claimed = new Set(this.list.filter((s) => s.id !== null).map((s) => s.id));
    for (const s of [...serverShells.values()].sort((a, b) => a.id - b.id)) {
      if (claimed.has(s.id)) continue;
      const free = this.list.find((p) => p.id === null);
      if (free) free.id = s.id;
      else this.list.push({ id: s.id, x: s.x + s.vx * ahead, y: s.y + s.vy * ahead, vx: s.vx, vy: s.vy, born: now });
    }
    this.list = this.list.filter((p) => {
      if (p.id === null) {
        if (now - p.born > rttMs + UNCONFIRMED_GRACE_MS) return false;
        p.x += p.vx * frameDt; p.y += p.vy * frameDt;
        return !isInsideWall(p.x, p.y);
      }
      const s = serverShells.get(p.id);
      if (!s) return false;
      p.vx = s.vx; p.vy = s.vy;
      p.x += p.vx * frameDt; p.y += p.vy * frameDt;
      p.x += (s.x + s.vx * ahead - p.x) * FOLLOW;
      p.y += (s.y + s.vy * ahead - p.y) * FOLLOW;
      return true;
    });
  }
}
