package tanks

import "slices"

// Score is one tank's tally in the current match.
type Score struct {
	ID     PlayerID `json:"id"`
	Kills  int      `json:"kills"`
	Deaths int      `json:"deaths"`
	Streak int      `json:"streak"` // kills since this tank last died
	Best   int      `json:"best"`   // the longest streak of the round
	Shots  int      `json:"shots"`  // shells fired this round
	Hits   int      `json:"hits"`   // of those, the ones that hit another tank (accuracy: hits/shots)
}

// Leaderboard appends every tank's score to dst, best first: most kills, then fewest deaths,
// then lowest ID.
func (w *World) Leaderboard(dst []Score) []Score {
	start := len(dst)
	for i := range w.tanks {
		t := &w.tanks[i]
		dst = append(dst, t.score())
	}
	SortLeaderboard(dst[start:])
	return dst
}

// SortLeaderboard orders scores best first (most kills, fewest deaths, lowest ID); clients that
// decoded a snapshot's scores use it to rank them.
func SortLeaderboard(s []Score) {
	slices.SortFunc(s, func(a, b Score) int {
		if a.Kills != b.Kills {
			return b.Kills - a.Kills
		}
		if a.Deaths != b.Deaths {
			return a.Deaths - b.Deaths
		}
		return int(a.ID) - int(b.ID)
	})
}

func (t *tank) score() Score {
	return Score{ID: t.id, Kills: t.kills, Deaths: t.deaths, Streak: t.streak, Best: t.best, Shots: t.shots, Hits: t.hits}
}
