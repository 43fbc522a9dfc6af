// The HUD in the DOM above the canvas: health and reload bars, the scoreboard, the kill feed,
// the connection chip, the respawn countdown, the damage flash and short messages ("You
// destroyed Bob"). Player names are set with textContent only.

const FEED_MS = 6000;
const FEED_MAX = 5;
const TOP = 5; // the side list shows the top 5, and the own line below them when not among them
const TOAST_MS = 2200;

// Kill feed icons: a direct hit, a kill by a shell that bounced off a wall, and a tank destroyed
// by its own shell bouncing back.
const ICON_HIT = '▸', ICON_RICOCHET = '⤳', ICON_SELF = '↩';

export class Hud {
  constructor(root) {
    this.root = root;
    this.el = (sel) => root.querySelector(sel);
    this.conn = this.el('#conn');
    this.healthBar = this.el('#health span');
    this.healthNum = this.el('#health .num');
    this.reloadBar = this.el('#reload span');
    this.rank = this.el('#rank');
    this.flash = this.el('#flash');
    this.toast = this.el('#toast');
    this.toastUntil = 0;
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

  /** The health bar with its number (health of maxHealth) and the reload bar (0..1). */
  bars(health, maxHealth, reloadShare) {
    const share = health / maxHealth;
    this.healthBar.style.transform = `scaleX(${clamp01(share)})`;
    this.healthBar.style.background = share > 0.35 ? '#7fd35b' : '#ff7b6b';
    const num = String(Math.max(0, Math.round(health)));
    if (this.healthNum.textContent !== num) this.healthNum.textContent = num;
    this.reloadBar.style.transform = `scaleX(${clamp01(reloadShare)})`;
  }

  /** Flashes the screen's edges red: the own tank took damage. */
  damage() {
    this.flash.getAnimations().forEach((a) => a.cancel());
    this.flash.animate([{ opacity: 0.85 }, { opacity: 0 }], { duration: 450, easing: 'ease-out' });
  }

  /** Shows a short message in the middle of the screen for a moment ("You destroyed Bob"). */
  say(text, now) {
    this.toast.textContent = text; // names stay text
    this.toast.hidden = false;
    this.toastUntil = now + TOAST_MS;
  }

  /**
   * Shows the cause of death and "back in N" while dead (seconds not null), hides it otherwise.
   * cause: {killer (a name, '' for a self-kill)}, or null when not known.
   */
  countdown(seconds, cause) {
    const show = seconds !== null;
    this.respawn.hidden = !show;
    if (!show) return;
    const head = !cause ? 'Destroyed' : cause.killer ? `Destroyed by ${cause.killer}` : 'Your own shell bounced back';
    const tail = seconds > 0 ? `back in ${Math.ceil(seconds)}` : 'respawning…';
    if (this.respawnHead.textContent !== head) this.respawnHead.textContent = head; // textContent: names stay text
    if (this.respawnTail.textContent !== tail) this.respawnTail.textContent = tail;
  }

  message(text) { this.notice.hidden = !text; this.notice.textContent = text || ''; }

  /**
   * Redraws the side list (the top 5, plus the own rank below them when it is not among them),
   * the rank chip and the Tab board when the scores change.
   */
  scoreboard(scores, nameOf, me) {
    const sorted = [...scores].sort((a, b) => b.kills - a.kills || a.deaths - b.deaths || a.id - b.id);
    const key = `${me}|` + sorted.map((s) => `${s.id}:${s.kills}:${s.deaths}:${s.streak}:${nameOf(s.id)}`).join('|');
    if (key === this.scoreKey) return;
    this.scoreKey = key;
    const line = (s, rank) => {
      const li = document.createElement('li');
      li.value = rank; // the list numbers it: the own line keeps its true rank below the top 5
      li.textContent = `${nameOf(s.id)} — ${s.kills}`;
      if (s.id === me) li.className = 'me';
      return li;
    };
    const items = sorted.slice(0, TOP).map((s, i) => line(s, i + 1));
    const mine = sorted.findIndex((s) => s.id === me);
    if (mine >= TOP) {
      const gap = document.createElement('li');
      gap.className = 'gap';
      items.push(gap, line(sorted[mine], mine + 1));
    }
    this.scores.replaceChildren(...items);
    this.rank.textContent = mine < 0 ? '' : `#${mine + 1} of ${sorted.length} · ${sorted[mine].kills} kills`;
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

  /**
   * Adds a kill to the feed; killer is '' for a self-kill (always the tank's own shell bouncing
   * back), ricochet says the shell had bounced off a wall.
   */
  kill(killer, victim, ricochet, now) {
    const li = document.createElement('li');
    const a = document.createElement('span'); a.textContent = killer;
    const gun = document.createElement('span');
    gun.className = killer ? 'gun' : 'gun self';
    gun.textContent = !killer ? ICON_SELF : ricochet ? ICON_RICOCHET : ICON_HIT;
    gun.title = !killer ? 'own shell bounced back' : ricochet ? 'off a wall' : '';
    const b = document.createElement('span'); b.textContent = victim;
    li.append(a, gun, b);
    this.feed.prepend(li);
    this.feedItems.unshift({ li, at: now });
    while (this.feedItems.length > FEED_MAX) this.feedItems.pop().li.remove();
  }

  tick(now) {
    if (!this.toast.hidden && now > this.toastUntil) this.toast.hidden = true;
    while (this.feedItems.length && now - this.feedItems[this.feedItems.length - 1].at > FEED_MS) this.feedItems.pop().li.remove();
  }
}

const clamp01 = (v) => Math.max(0, Math.min(1, v || 0));
