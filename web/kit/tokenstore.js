// The reconnect token, kept across reloads and reopened tabs. The server's join ack hands out a
// token; joining again with it within the reconnect window gives back the same seat (player,
// score, room). Browser storage only: this module sends nothing.
//
// The token lives in sessionStorage (this tab; survives a reload) and in localStorage with a
// heartbeat, so a tab reopened within the reconnect window gets the seat back while a second tab
// open at the same time (fresh heartbeat) joins as a new player instead of stealing it.

export const BEAT_EVERY_MS = 1000;
const STALE_BEATS = 2.5; // heartbeats missed before another tab may take the token over

export class TokenStore {
  /** key names the storage entries: key + '.token' and key + '.tokenBeat'. */
  constructor(key) {
    this.tokenKey = `${key}.token`;
    this.beatKey = `${key}.tokenBeat`;
  }

  /** The token to join with: this tab's own, else one no other open tab keeps alive, else ''. */
  saved() {
    const own = sessionStorage.getItem(this.tokenKey);
    if (own) return own;
    const shared = localStorage.getItem(this.tokenKey);
    const beat = Number(localStorage.getItem(this.beatKey)) || 0;
    return shared && Date.now() - beat > STALE_BEATS * BEAT_EVERY_MS ? shared : '';
  }

  /** Stores token as this tab's and beats its heartbeat; call every BEAT_EVERY_MS while playing. */
  keep(token) {
    sessionStorage.setItem(this.tokenKey, token);
    localStorage.setItem(this.tokenKey, token);
    localStorage.setItem(this.beatKey, String(Date.now()));
  }

  /** Stops the heartbeat at once (the tab closes or reloads), so the next tab may take the token. */
  release() { localStorage.setItem(this.beatKey, '0'); }
}
