// The server browser on the start page: every room of the server, or of the whole cluster
// when it runs on several nodes (GET /rooms), with its map, its players and the ping to its
// node as this browser measures it; and the best players of the current rounds everywhere
// (GET /leaderboard). A row joins its room (Play), or watches it when it is full (Watch),
// wherever it runs: the page's server sends the join on to the room's node. It also tells the
// connection the cluster's nodes, to join through one of them when its own node is gone. Names
// come from other players: only ever set as text.

const REFRESH_MS = 3000;
const PING_TIMEOUT_MS = 2000;

export class ServerBrowser {
  /**
   * root: the element to fill (#servers); net: the Connection (knownNodes); onPick({room,
   * node, full}): a row was chosen, to play in that room or, full, to watch it.
   */
  constructor(root, net, onPick = () => {}) {
    this.root = root;
    this.net = net;
    this.onPick = onPick;
    this.pings = new Map(); // node URL ('' this server) → ms
    this.timer = null;
  }

  /** Refreshes now and every few seconds while visible() holds. */
  start(visible) {
    const tick = async () => {
      if (visible()) await this.refresh().catch(() => {});
      this.timer = setTimeout(tick, REFRESH_MS);
    };
    tick();
  }

  async refresh() {
    const [rooms, board] = await Promise.all([getJSON('/rooms'), getJSON('/leaderboard')]);
    const nodes = Array.isArray(rooms?.nodes) ? rooms.nodes.filter((n) => typeof n === 'string') : [];
    this.net.knownNodes(nodes.filter((n) => n && n !== location.origin));
    await Promise.all(nodes.map((n) => this.ping(n)));
    this.draw(Array.isArray(rooms?.rooms) ? rooms.rooms : [], Array.isArray(board?.leaders) ? board.leaders : []);
  }

  /** Measures the round trip to a node: a request its /healthz answers at once. */
  async ping(node) {
    const base = node === location.origin ? '' : node;
    const start = performance.now();
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), PING_TIMEOUT_MS);
    try {
      // no-cors: another node's answer stays opaque to this page, but arrives, and that is the ping.
      await fetch(`${base}/healthz`, { mode: base ? 'no-cors' : 'same-origin', cache: 'no-store', signal: abort.signal });
      this.pings.set(node, Math.round(performance.now() - start));
    } catch {
      this.pings.delete(node);
    } finally {
      clearTimeout(timeout);
    }
  }

  draw(rooms, leaders) {
    const rows = rooms.filter((r) => typeof r.id === 'string' && r.id).map((r) => {
      const players = Number(r.players) || 0, capacity = Number(r.capacity) || 0;
      const pick = { room: r.id, node: typeof r.node === 'string' ? r.node : '', full: capacity > 0 && players >= capacity };
      const cells = [
        r.id.slice(0, 8),
        String(r.kind ?? ''),
        `${players}/${capacity}`,
        this.pings.has(r.node ?? '') ? `${this.pings.get(r.node ?? '')} ms` : '–',
        hostOf(r.node),
      ];
      return row(cells, pick, () => this.onPick(pick));
    });
    const table = this.root.querySelector('#rooms tbody');
    table.replaceChildren(...rows);
    this.root.querySelector('#rooms-empty').hidden = rows.length > 0;
    const list = this.root.querySelector('#leaders');
    list.replaceChildren(...leaders.slice(0, 10).map((l) => {
      const li = document.createElement('li');
      li.textContent = `${String(l.name ?? '')} — ${Number(l.score) || 0}`;
      return li;
    }));
    this.root.hidden = false;
  }
}

const getJSON = async (path) => {
  const res = await fetch(path, { cache: 'no-store' });
  return res.ok ? res.json() : null;
};

const hostOf = (node) => {
  try { return node ? new URL(node).host : location.host; } catch { return ''; }
};

/** A room's row: its cells, and a button (Play, or Watch when full); a click anywhere on it picks it. */
const row = (cells, pick, choose) => {
  const tr = document.createElement('tr');
  tr.dataset.room = pick.room;
  tr.title = pick.full ? 'Full: watch this room' : 'Play in this room';
  for (const text of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  const td = document.createElement('td');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary';
  button.textContent = pick.full ? 'Watch' : 'Play';
  td.append(button);
  tr.append(td);
  tr.addEventListener('click', (e) => { e.preventDefault(); choose(); });
  return tr;
};
