// Rounds in the page: the clock, the end screen and the map rotation. Every snapshot carries
// the round (game/tanks/rounds.go: phase, number, the map's index in the welcome's rotation,
// the tick its phase ends at), so a tab that joins mid-round or mid-intermission shows the
// same as the others, and a new map needs no message of its own: the index changes and the
// page draws the rotation's next map, which the join answer already brought.

const MINUTE = 60;

const clock = (seconds) => {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / MINUTE)}:${String(s % MINUTE).padStart(2, '0')}`;
};

/** The ranking of a finished round: most kills, then fewest deaths (the server's order). */
export const rank = (scores) => [...scores].sort((a, b) => b.kills - a.kills || a.deaths - b.deaths || a.id - b.id);

/** Accuracy as the end screen shows it: hits per shell fired, or a dash without shots. */
export const accuracy = (s) => (s.shots > 0 ? `${Math.round((100 * s.hits) / s.shots)}%` : '–');

export class Rounds {
  /** root holds #round-clock and #round-end (index.html). */
  constructor(root) {
    this.clock = root.querySelector('#round-clock');
    this.end = root.querySelector('#round-end');
    this.title = this.end.querySelector('h2');
    this.rows = this.end.querySelector('tbody');
    this.next = this.end.querySelector('p');
    this.maps = [];
    this.mapIndex = -1;
    this.state = { phase: 'endless', number: 0, map: '', secondsLeft: 0, ranking: [] };
    this.endKey = '';
  }

  /** A (re)join: the rotation from the welcome; the round arrives with the first snapshot. */
  welcome(gameWelcome) {
    const { map, maps } = gameWelcome || {};
    this.maps = maps?.length ? maps : [map];
    this.mapIndex = Math.max(0, this.maps.findIndex((m) => m?.name === map?.name));
    this.endKey = '';
  }

  /** Whether shots count now: not during the end screen, when the server refuses them. */
  armed() { return this.state.phase !== 'over'; }

  /**
   * Shows one snapshot's round; returns the map to draw from now on when the rotation moved to
   * another one, else null.
   */
  update(snap, tickRate, nameOf, me) {
    const round = snap.round || { phase: 'endless', number: 0, map: 0, ends: 0 };
    let changed = null;
    if (round.map !== this.mapIndex && this.maps[round.map]) {
      this.mapIndex = round.map;
      changed = this.maps[round.map];
    }
    const secondsLeft = round.phase === 'endless' ? 0 : (round.ends - snap.tick) / tickRate;
    const over = round.phase === 'over';
    const ranking = over ? rank(snap.scores || []) : [];
    this.state = {
      phase: round.phase, number: round.number, map: this.maps[this.mapIndex]?.name || '', secondsLeft,
      ranking: ranking.map((s) => nameOf(s.id)),
    };

    this.clock.hidden = round.phase === 'endless';
    const text = over ? `next round in ${clock(secondsLeft)}` : `round ${round.number} · ${clock(secondsLeft)}`;
    if (this.clock.textContent !== text) this.clock.textContent = text;
    this.clock.classList.toggle('warn', round.phase === 'playing' && secondsLeft <= 10);

    this.end.hidden = !over;
    if (over) this.showEnd(round, ranking, secondsLeft, nameOf, me);
    return changed;
  }

  showEnd(round, ranking, secondsLeft, nameOf, me) {
    const nextMap = this.maps[(this.mapIndex + 1) % this.maps.length]?.name || '';
    const streaker = ranking.reduce((a, s) => (s.best > (a?.best ?? 0) ? s : a), null);
    const best = streaker ? `Best streak: ${nameOf(streaker.id)} (${streaker.best}) · ` : '';
    this.next.textContent = `${best}Next: ${nextMap} in ${Math.max(0, Math.ceil(secondsLeft))} s`;
    const key = `${round.number}|` + ranking.map((s) => `${s.id}:${s.kills}:${s.deaths}:${s.best}:${s.shots}:${s.hits}:${nameOf(s.id)}`).join('|');
    if (key === this.endKey) return;
    this.endKey = key;
    const winner = ranking[0]?.kills > 0 ? ranking[0] : null; // nobody wins a round without a kill
    this.title.textContent = winner ? `Round ${round.number} over: ${nameOf(winner.id)} wins` : `Round ${round.number} over`;
    this.rows.replaceChildren(...ranking.map((s, i) => {
      const tr = document.createElement('tr');
      if (s.id === me) tr.className = 'me';
      for (const v of [i + 1, nameOf(s.id), s.kills, s.deaths, s.best, accuracy(s)]) {
        const td = document.createElement('td');
        td.textContent = String(v); // names stay text
        tr.append(td);
      }
      return tr;
    }));
  }
}
