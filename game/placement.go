package game

import (
	"context"
	"errors"
	"slices"
	"time"
)

// claimTimeout bounds what a join waits for the directory (a seat reservation made or claimed
// in Redis); past it the player plays on this node.
const claimTimeout = 2 * time.Second

// joinPlaced seats a connection as join does, but in a cluster (UseDirectory) a new player is
// placed in a room with space wherever it runs: a room of this node first, then one of another
// node (the fullest, so players meet), then a new room here, then a new room on another node
// that seats new players. Sent elsewhere, the player gets a JoinRedirect with a seat
// reservation, which the other node honours without placing it again. A player back with the
// token of a seat held here, or with a reservation, plays here. The answer is a JoinAck or a
// JoinRedirect.
func (l *Lobby[In]) joinPlaced(c *connection, req JoinRequest) (*Seat[In], any, error) {
	dir := l.directory()
	if dir == nil || dir.Self() == "" {
		return l.join(c, req) // alone: nowhere else to go
	}
	ctx, cancel := context.WithTimeout(l.ctx, claimTimeout)
	defer cancel()
	// arrived is set for a player another node sent here: it is seated here whenever this node
	// can seat it, never sent on again, or two nodes whose views of each other are a second
	// old could pass it back and forth (a burst of 100 joins on two nodes: 16 were sent on
	// more than three times).
	arrived := false
	if req.Seat != "" {
		if !l.cluster.mayClaim(c.id) {
			l.opts.Metrics.refusedRate.Add(1)
			return nil, nil, ErrJoinRate
		}
		res, err := dir.Claim(ctx, req.Seat)
		if err == nil {
			arrived = true
			if req.Kind == "" {
				req.Kind = res.Kind
			}
			req.Room = res.Room // the room the other node placed the player in ("" a new one)
			seat, ack, err := l.joinHere(dir, c, req)
			if !errors.Is(err, ErrServerBusy) && !errors.Is(err, ErrServerFull) && !errors.Is(err, ErrRoomFull) {
				return seat, ack, err
			}
			// This node, or the room, filled up or turned busy since the other node read its
			// registration (a second old, and other nodes place players too): the player is
			// placed again, here in another room if this node can, else elsewhere.
		} else if !errors.Is(err, ErrNoReservation) {
			l.opts.Logger.Warn("cluster: claiming a seat reservation", "err", err)
		}
		// Expired or unknown: the player is placed afresh, perhaps here.
		req.Room = ""
	}
	kind := req.Kind
	if kind == "" {
		kind = l.opts.Kinds[0]
	}
	held, fits, mayOpen := l.fit(req.Token, kind)
	if held {
		return l.joinHere(dir, c, req)
	}
	if req.Room != "" && !l.runs(req.Room) {
		// A room of another node, picked in the server browser: the player is sent there,
		// unless the directory already lists it full.
		if to, ok := roomOn(dir.Nodes(), dir.Self(), req.Room); ok {
			if to.Players >= to.Capacity {
				return nil, nil, l.refuseRoom(errRoomFull)
			}
			if redirect, sent, err := l.sendTo(ctx, dir, c, to); sent || err != nil {
				return nil, redirect, err
			}
		}
		req.Room = "" // closed meanwhile, or not reserved: placed as any new player
	}
	if req.Room != "" || fits || (arrived && mayOpen) {
		return l.joinHere(dir, c, req)
	}
	if to, ok := elsewhere(dir.Nodes(), dir.Self(), kind, mayOpen); ok {
		if redirect, sent, err := l.sendTo(ctx, dir, c, to); sent || err != nil {
			return nil, redirect, err
		}
	}
	return l.joinHere(dir, c, req)
}

// sendTo reserves a seat in room to (on another node; to.ID "" a new room there) and answers
// the join with a redirect there. Not sent (a store that failed, logged) the player stays.
func (l *Lobby[In]) sendTo(ctx context.Context, dir Directory, c *connection, to RoomInfo) (JoinRedirect, bool, error) {
	// Sent away, the player joins nowhere here: the redirect takes the join's rate tokens,
	// and bounds the reservations a client can make.
	if !l.takeJoin(c) {
		return JoinRedirect{}, false, ErrJoinRate
	}
	token, err := dir.Reserve(ctx, Reservation{Node: to.Node, Room: to.ID, Kind: to.Kind})
	if err != nil {
		l.opts.Logger.Warn("cluster: reserving a seat on another node; the player stays here", "node", to.Node, "err", err)
		return JoinRedirect{}, false, nil
	}
	l.opts.Logger.Debug("cluster: player sent to another node", "node", to.Node, l.opts.RoomName, to.ID)
	return JoinRedirect{Redirect{URL: to.Node, Seat: token, Room: to.ID}}, true, nil
}

// runs reports whether the room with the id runs on this node.
func (l *Lobby[In]) runs(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.roomByID(id) != nil
}

// roomOn finds the room with the id on another node than self.
func roomOn(nodes []NodeInfo, self, id string) (RoomInfo, bool) {
	for _, n := range nodes {
		if n.URL == self || n.URL == "" {
			continue
		}
		for _, r := range n.Rooms {
			if r.ID == id {
				r.Node = n.URL
				return r, true
			}
		}
	}
	return RoomInfo{}, false
}

// joinHere seats the player on this node; the answer names the node, where its token works.
func (l *Lobby[In]) joinHere(dir Directory, c *connection, req JoinRequest) (*Seat[In], any, error) {
	seat, ack, err := l.join(c, req)
	if err != nil {
		return nil, nil, err
	}
	ack.Node = dir.Self()
	return seat, ack, nil
}

// takeJoin spends a join of the connection's and its address's rates, as join does, and
// reports whether both had one (a refusal is counted).
func (l *Lobby[In]) takeJoin(c *connection) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if !l.joinsByConn.take(c.id, now) || !l.joinsByAddr.take(c.addr, now) {
		l.opts.Metrics.refusedRate.Add(1)
		return false
	}
	return true
}

// fit reports whether the token holds a seat here, whether a room of the kind here has a
// free seat, and whether this node may open a new room for a new player (not busy, below
// MaxRooms).
func (l *Lobby[In]) fit(token, kind string) (held, fits, mayOpen bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.seats[token]; ok && token != "" {
		return true, false, false
	}
	if busy, _ := l.load(l.clock()).Busy(); busy && !l.opts.AdmitWhenBusy {
		return false, false, false // not even a free seat: the node takes no new player
	}
	fits = slices.ContainsFunc(l.rooms, func(r *room[In]) bool { return r.kind == kind && r.humans() < l.opts.MaxPlayers })
	return false, fits, len(l.rooms) < l.opts.MaxRooms
}

// elsewhere picks where on another node a new player of the kind goes: the fullest room of
// the kind with a free seat on an open node; or, when this node may not open a room itself, a
// new room on the open node with the fewest players (RoomInfo.ID "").
func elsewhere(nodes []NodeInfo, self, kind string, mayOpen bool) (RoomInfo, bool) {
	var best RoomInfo
	found := false
	for _, n := range nodes {
		if n.URL == self || n.URL == "" || !n.Open {
			continue
		}
		for _, r := range n.Rooms {
			if r.Kind == kind && r.Players < r.Capacity && (!found || r.Players > best.Players) {
				best, found = RoomInfo{ID: r.ID, Node: n.URL, Kind: kind, Players: r.Players, Capacity: r.Capacity}, true
			}
		}
	}
	if found || mayOpen {
		return best, found
	}
	fewest := -1
	for _, n := range nodes {
		if n.URL == self || n.URL == "" || !n.Open {
			continue
		}
		players := 0
		for _, r := range n.Rooms {
			players += r.Players
		}
		if fewest < 0 || players < fewest {
			best, fewest = RoomInfo{Node: n.URL, Kind: kind}, players
		}
	}
	return best, fewest >= 0
}
