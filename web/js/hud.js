// The HUD in the DOM above the canvas: health and reload bars, the scoreboard, the kill feed,
// the connection chip and the respawn countdown. Player names are set with textContent only.

const FEED_MS = 6000;
const FEED_MAX = 5;

export class Hud {
  constructor(root) {
    this.root = root;
    this.el = (sel) => root.querySelector(sel);
    this.conn = this.el('#conn');
    this.healthBar = this.el('#health span');
    this.reloadBar = this.el('#reload span');
    this.scores = this.el('#scores');
    this.board = this.el('#board');
    this.feed = this.el('#feed');
    this.respawn = this.el('#respawn');
    this.respawnHead = this.el('#respawn b');
    this.respawnTail = this.el('#respawn small');
    this.notice = this.el('#notice');
    this.scoreKey = '';
    this.feedItems = [];
  }

  show() { this.root.hidden = false; }

  /** state: 'connecting' | 'connected' | 'reconnecting' | 'offline'; ping in ms when known. */
  connection(state, ping) {
    const text = state === 'connected' ? (ping == null ? 'connected' : `${Math.round(ping)} ms`) : state === 'reconnecting' ? 'reconnecting…' : state === 'offline' ? 'offline' : 'connecting…';
    if (this.conn.textContent !== text) this.conn.textContent = text;
    this.conn.className = `chip ${state === 'connected' ? (ping > 150 ? 'warn' : 'ok') : state === 'offline' ? 'bad' : 'warn'}`;
  }

  bars(healthShare, reloadShare) {
    this.healthBar.style.transform = `scaleX(${clamp01(healthShare)})`;
    this.healthBar.style.background = healthShare > 0.35 ? '#7fd35b' : '#ff7b6b';
    this.reloadBar.style.transform = `scaleX(${clamp01(reloadShare)})`;
  }

  /** Shows who destroyed the player and "back in N" while dead (seconds not null), hides it otherwise. */
  countdown(seconds, killer) {
    const show = seconds !== null;
    this.respawn.hidden = !show;
    if (!show) return;
    const head = killer ? `Destroyed by ${killer}` : 'Destroyed';
    const tail = seconds > 0 ? `back in ${Math.ceil(seconds)}` : 'respawning…';
    if (this.respawnHead.textContent !== head) this.respawnHead.textContent = head; // textContent: names stay text
    if (this.respawnTail.textContent !== tail) this.respawnTail.textContent = tail;
  }

  message(text) { this.notice.hidden = !text; this.notice.textContent = text || ''; }

  /** Redraws the side list (top 5) and the Tab board when the scores change. */
  scoreboard(scores, nameOf, me) {
    const sorted = [...scores].sort((a, b) => b.kills - a.kills || a.deaths - b.deaths || a.id - b.id);
    const key = sorted.map((s) => `${s.id}:${s.kills}:${s.deaths}:${s.streak}:${nameOf(s.id)}`).join('|');
    if (key === this.scoreKey) return;
    this.scoreKey = key;
    const items = sorted.slice(0, 5).map((s) => {
      const li = document.createElement('li');
      li.textContent = `${nameOf(s.id)} — ${s.kills}`;
      if (s.id === me) li.className = 'me';
      return li;
    });
    this.scores.replaceChildren(...items);
    const rows = sorted.map((s) => {
      const tr = document.createElement('tr');
      if (s.id === me) tr.className = 'me';
      for (const v of [nameOf(s.id), s.kills, s.deaths, s.streak]) {
        const td = document.createElement('td'); td.textContent = String(v); tr.append(td);
      }
      return tr;
    });
    this.board.tBodies[0].replaceChildren(...rows);
  }

  showBoard(shown) { this.board.hidden = !shown; }

  /** Adds a kill to the feed; killer is '' for a self-kill (own shell after a ricochet). */
  kill(killer, victim, now) {
    const li = document.createElement('li');
    const a = document.createElement('span'); a.textContent = killer;
    const gun = document.createElement('span'); gun.className = 'gun'; gun.textContent = killer ? '▸' : '✹';
    const b = document.createElement('span'); b.textContent = victim;
    li.append(a, gun, b);
    this.feed.prepend(li);
    this.feedItems.unshift({ li, at: now });
    while (this.feedItems.length > FEED_MAX) this.feedItems.pop().li.remove();
  }

  tick(now) {
    while (this.feedItems.length && now - this.feedItems[this.feedItems.length - 1].at > FEED_MS) this.feedItems.pop().li.remove();
  }
}

const clamp01 = (v) => Math.max(0, Math.min(1, v || 0));
