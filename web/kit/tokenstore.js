// The reconnect token, kept across reloads and reopened tabs. The server's join ack hands out a
// token; joining again with it within the reconnect window gives back the same seat (player,
// score, room). Browser storage only: this module sends nothing.
//
// The token lives in sessionStorage (this tab; survives a reload) and in localStorage with a
// heartbeat, so a tab reopened within the reconnect window gets the seat back while a second tab
// open at the same time (fresh heartbeat) joins as a new player instead of stealing it. Both
// also keep when the token was last kept, so a page can tell whether its seat is still held
// (resumable) and join at once instead of asking for a name.

export const BEAT_EVERY_MS = 1000;
const STALE_BEATS = 2.5; // heartbeats missed before another tab may take the token over

export class TokenStore {
  /** key names the storage entries: key + '.token', key + '.tokenBeat' and key + '.tokenKept'. */
  constructor(key) {
    this.tokenKey = `${key}.token`;
    this.beatKey = `${key}.tokenBeat`;
    this.keptKey = `${key}.tokenKept`;
  }

  /** The token to join with: this tab's own, else one no other open tab keeps alive, else ''. */
  saved() { return this.find().token; }

  /**
   * Reports whether saved() has a token that was still in use withinMs ago: within the server's
   * reconnect window, joining with it gives the seat back.
   */
  resumable(withinMs) {
    const { token, kept } = this.find();
    return token !== '' && Date.now() - kept <= withinMs;
  }

  /** The token saved() returns and when it was last kept (0: unknown). */
  find() {
    const own = sessionStorage.getItem(this.tokenKey);
    if (own) return { token: own, kept: Number(sessionStorage.getItem(this.keptKey)) || 0 };
    const shared = localStorage.getItem(this.tokenKey);
    const beat = Number(localStorage.getItem(this.beatKey)) || 0;
    if (!shared || Date.now() - beat <= STALE_BEATS * BEAT_EVERY_MS) return { token: '', kept: 0 };
    return { token: shared, kept: Number(localStorage.getItem(this.keptKey)) || 0 };
  }

  /** Stores token as this tab's and beats its heartbeat; call every BEAT_EVERY_MS while playing. */
  keep(token) {
    const now = String(Date.now());
    sessionStorage.setItem(this.tokenKey, token);
    sessionStorage.setItem(this.keptKey, now);
    localStorage.setItem(this.tokenKey, token);
    localStorage.setItem(this.beatKey, now);
    localStorage.setItem(this.keptKey, now);
  }

  /**
   * This tab no longer plays with its token (another tab took the seat over): a reload of it
   * must not take the seat back by itself (resumable is false), only the player's choice.
   */
  yieldSeat() { sessionStorage.setItem(this.keptKey, '0'); }

  /** Stops the heartbeat at once (the tab closes or reloads), so the next tab may take the token. */
  release() { localStorage.setItem(this.beatKey, '0'); }
}
