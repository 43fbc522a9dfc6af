// The reconnect token, kept across reloads and reopened tabs. The server's join ack hands out a
// token; joining again with it within the reconnect window gives back the same seat (player,
// score, room). Browser storage only: this module sends nothing.
//
// The token lives in sessionStorage (this tab; survives a reload) and in localStorage with a
// heartbeat, so a tab reopened within the reconnect window gets the seat back while a second tab
// open at the same time (fresh heartbeat) joins as a new player instead of stealing it. The tab
// also keeps when it last kept its token, so a reloaded page can tell whether its seat is still
// held (resumable) and join at once instead of asking for a name.

export const BEAT_EVERY_MS = 1000;
const STALE_BEATS = 2.5; // heartbeats missed before another tab may take the token over

export class TokenStore {
  /** key names the storage entries: key + '.token', key + '.tokenBeat' and key + '.tokenKept' (this tab's). */
  constructor(key) {
    this.tokenKey = `${key}.token`;
    this.beatKey = `${key}.tokenBeat`;
    this.keptKey = `${key}.tokenKept`;
    this.nodeKey = `${key}.node`;
  }

  /** The node the saved token's seat is on (a cluster's other node's URL), '' the page's own. */
  node() {
    return (sessionStorage.getItem(this.tokenKey) ? sessionStorage : localStorage).getItem(this.nodeKey) || '';
  }

  /** The token to join with: this tab's own, else one no other open tab keeps alive, else ''. */
  saved() {
    const own = sessionStorage.getItem(this.tokenKey);
    if (own) return own;
    const shared = localStorage.getItem(this.tokenKey);
    const beat = Number(localStorage.getItem(this.beatKey)) || 0;
    return shared && Date.now() - beat > STALE_BEATS * BEAT_EVERY_MS ? shared : '';
  }

  /**
   * Reports whether this tab played with its own token withinMs ago: a reload within the
   * server's reconnect window gets the seat back by joining with it. A new tab (even one
   * reopened after the playing tab closed) has no token of its own and asks the player first.
   */
  resumable(withinMs) {
    const own = sessionStorage.getItem(this.tokenKey);
    return !!own && Date.now() - (Number(sessionStorage.getItem(this.keptKey)) || 0) <= withinMs;
  }

  /**
   * Stores token as this tab's, with the node its seat is on ('' the page's own), and beats its
   * heartbeat; call every BEAT_EVERY_MS while playing.
   */
  keep(token, node = '') {
    const now = String(Date.now());
    sessionStorage.setItem(this.tokenKey, token);
    sessionStorage.setItem(this.keptKey, now);
    sessionStorage.setItem(this.nodeKey, node);
    localStorage.setItem(this.tokenKey, token);
    localStorage.setItem(this.beatKey, now);
    localStorage.setItem(this.nodeKey, node);
  }

  /**
   * This tab no longer plays with its token (another tab took the seat over): a reload of it
   * must not take the seat back by itself (resumable is false), only the player's choice.
   */
  yieldSeat() { sessionStorage.setItem(this.keptKey, '0'); }

  /** Stops the heartbeat at once (the tab closes or reloads), so the next tab may take the token. */
  release() { localStorage.setItem(this.beatKey, '0'); }
}
