package tanks

// Leaders is the room's best n human players of the current round, by the scoreboard's order
// (most kills, fewest deaths), with their kills as the score: the leaderboard across the nodes
// of a cluster lists them (the runtime's game.Leaderboard). Bots are left out: they are every
// room's furniture, not players to rank.
func (r *Room) Leaders(n int) (names []string, scores []int) {
	byID := make(map[PlayerID]PlayerInfo, len(r.World.tanks))
	for _, p := range r.World.Players(nil) {
		byID[p.ID] = p
	}
	for _, s := range r.World.Leaderboard(nil) {
		if len(names) == n {
			break
		}
		if p, ok := byID[s.ID]; ok && !p.Bot {
			names = append(names, p.Name)
			scores = append(scores, s.Kills)
		}
	}
	return names, scores
}
