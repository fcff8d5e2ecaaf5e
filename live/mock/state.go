package mock

import (
	"slices"
	"sort"

	"github.com/stmotion/stmotion/decode"
)

// The REST state of a live session is computed from the bundle: the join
// time bodies (stats.json, shots.json) as a baseline, then every stats and
// shot message replayed so far, and those stmotion live made of REST
// state where it recorded them (not replayed: see bundle.lines). A stats
// message carries the newest cumulative value of each stat it names, so
// merging them in order gives the box score at that point.

type playerKey struct{ team, player int64 }

// teamOrder returns the team ids in roster order, then any other team seen
// in keys by id.
func (b *bundle) teamOrder(seen map[int64]bool) []int64 {
	var out []int64
	done := map[int64]bool{}
	for _, t := range b.sub.Teams {
		if seen[t.ID] && !done[t.ID] {
			out = append(out, t.ID)
			done[t.ID] = true
		}
	}
	var rest []int64
	for id := range seen {
		if !done[id] {
			rest = append(rest, id)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i] < rest[j] })
	return append(out, rest...)
}

// playerOrder sorts players of a team by roster position, then by id.
func (b *bundle) playerOrder(team int64, ids []int64) {
	rank := map[int64]int{}
	for _, t := range b.sub.Teams {
		if t.ID == team {
			for i, p := range t.Players {
				rank[p.ID] = i + 1
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		ri, rj := rank[ids[i]], rank[ids[j]]
		if (ri == 0) != (rj == 0) {
			return ri != 0
		}
		if ri != rj {
			return ri < rj
		}
		return ids[i] < ids[j]
	})
}

func (b *bundle) details(id int64, fallback decode.PlayerDetails) decode.PlayerDetails {
	if p, ok := b.players[id]; ok {
		return decode.PlayerDetails{ID: id, FirstName: p.FirstName, LastName: p.LastName, ProfileImageLink: p.ProfileImageLink}
	}
	if fallback.ID == 0 {
		fallback.ID = id
	}
	return fallback
}

// statsAt is /stats of the lines lo..n-1 (a round's: see
// Server.restState), with stats.json's baseline when lo is 0; team limits
// it to one team when not 0; sh is the pass's shift of versions.
func (b *bundle) statsAt(lo, n int, team int64, sh shift) []decode.TeamPlayerStats {
	cur := map[playerKey]*decode.PlayerStats{}
	seen := map[int64]bool{}
	get := func(k playerKey, pd decode.PlayerDetails) *decode.PlayerStats {
		ps := cur[k]
		if ps == nil {
			ps = &decode.PlayerStats{ID: k.player, PlayerDetails: b.details(k.player, pd), Stats: map[string]float64{}}
			cur[k] = ps
			seen[k.team] = true
		}
		return ps
	}
	if b.baseStats != nil && lo == 0 {
		for _, t := range b.baseStats.Teams {
			for _, p := range t.PlayerStats {
				ps := get(playerKey{t.ID, p.ID}, p.PlayerDetails)
				ps.Version = shiftVersion(p.Version, sh)
				for k, v := range p.Stats {
					ps.Stats[k] = v
				}
			}
		}
	}
	for _, e := range b.stats {
		if e.idx >= n {
			break
		}
		if e.idx < lo {
			continue
		}
		ps := get(playerKey{e.team, e.player}, decode.PlayerDetails{})
		if e.version != 0 {
			ps.Version = e.version + sh.version
		}
		for k, v := range e.stats {
			ps.Stats[k] = v
		}
	}
	out := []decode.TeamPlayerStats{}
	for _, g := range byTeam(b, seen, team, cur) {
		out = append(out, decode.TeamPlayerStats{ID: g.team, PlayerStats: g.players})
	}
	return out
}

// detailsAt is /stats/details of the lines lo..n-1: one entry per change
// of each stat, in order, whose value is the change (the API's example
// pairs FGA [1, 1] with a /stats FGA of 2: the first round's entries add
// up to the total statsAt gives, and a later round's to what its lines
// added to the event's running totals; a correction is a negative
// change). Baseline values
// (stats.json, when lo is 0) are stamped with the session's start time,
// since the bundle does not say when they changed. sh is the pass's shift
// of times.
func (b *bundle) detailsAt(lo, n int, sh shift) []decode.TeamPlayerStatsDetails {
	cur := map[playerKey]*decode.PlayerStatsDetails{}
	total := map[playerKey]map[string]float64{} // each stat's value so far
	seen := map[int64]bool{}
	change := func(k playerKey, ps *decode.PlayerStatsDetails, stat string, t_ms int64, v float64) {
		tot := total[k]
		if tot == nil {
			tot = map[string]float64{}
			total[k] = tot
		}
		if d := v - tot[stat]; d != 0 {
			ps.Stats[stat] = append(ps.Stats[stat], decode.StatChange{OccurredAt_ms: t_ms, Value: d})
		}
		tot[stat] = v
	}
	get := func(k playerKey, pd decode.PlayerDetails) *decode.PlayerStatsDetails {
		ps := cur[k]
		if ps == nil {
			ps = &decode.PlayerStatsDetails{ID: k.player, PlayerDetails: b.details(k.player, pd), Stats: map[string][]decode.StatChange{}}
			cur[k] = ps
			seen[k.team] = true
		}
		return ps
	}
	if lo > 0 {
		// A later round's stats lines carry the event's running totals
		// (as statsAt gives them): its changes count from the totals at
		// its start, stats.json's and its earlier lines', so that the
		// changes of all the rounds add up to the event's totals once.
		set := func(k playerKey, stat string, v float64) {
			if total[k] == nil {
				total[k] = map[string]float64{}
			}
			total[k][stat] = v
		}
		if b.baseStats != nil {
			for _, t := range b.baseStats.Teams {
				for _, p := range t.PlayerStats {
					for stat, v := range p.Stats {
						set(playerKey{t.ID, p.ID}, stat, v)
					}
				}
			}
		}
		for _, e := range b.stats {
			if e.idx >= lo {
				break
			}
			for stat, v := range e.stats {
				set(playerKey{e.team, e.player}, stat, v)
			}
		}
	}
	if b.baseStats != nil && lo == 0 {
		// The base values stand from the session's start: the same start
		// as the range endpoints use (never after the first message).
		start_ms, _ := b.sessionSpan_ms()
		start_ms += sh.t_ms
		for _, t := range b.baseStats.Teams {
			for _, p := range t.PlayerStats {
				k := playerKey{t.ID, p.ID}
				ps := get(k, p.PlayerDetails)
				for stat, v := range p.Stats {
					change(k, ps, stat, start_ms, v)
				}
			}
		}
	}
	for _, e := range b.stats {
		if e.idx >= n {
			break
		}
		if e.idx < lo {
			continue
		}
		k := playerKey{e.team, e.player}
		ps := get(k, decode.PlayerDetails{})
		for stat, v := range e.stats {
			change(k, ps, stat, shiftTime(e.occurredAt_ms, sh), v)
		}
	}
	out := []decode.TeamPlayerStatsDetails{}
	for _, g := range byTeam(b, seen, 0, cur) {
		out = append(out, decode.TeamPlayerStatsDetails{ID: g.team, PlayerStats: g.players})
	}
	return out
}

// shotsAt is /shots of the lines lo..n-1, with shots.json's when lo is
// 0; team limits it to one team when not 0; sh is the pass's shift of
// times.
func (b *bundle) shotsAt(lo, n int, team int64, sh shift) []decode.TeamPlayerShots {
	return b.shotsIn([][2]int{{lo, n}}, team, sh)
}

// shotsIn is shotsAt of the lines of each range [lo, hi) of ranges
// (ascending, as activityLines gives them: the team history's shots of
// some of the rounds), with shots.json's when one starts at 0. Each shot
// (a player's at one occurred_at) is listed once, as the server lists
// it, where it first comes, with the fields of its last copy (a
// correction's): shots.json's shots are in the recording too when
// stmotion live recorded it (the lines it made of them at the join,
// and a shot the feed delivered after the join though it happened
// before), and a recording may hold a message the server sent twice.
func (b *bundle) shotsIn(ranges [][2]int, team int64, sh shift) []decode.TeamPlayerShots {
	cur := map[playerKey]*decode.PlayerShots{}
	seen := map[int64]bool{}
	type shotKey struct {
		playerKey
		t_ms int64
	}
	at := map[shotKey]int{} // a shot's index in its player's Shots
	add := func(k playerKey, pd decode.PlayerDetails, rec decode.ShotRecord) {
		ps := cur[k]
		if ps == nil {
			ps = &decode.PlayerShots{ID: k.player, PlayerDetails: b.details(k.player, pd), Shots: []decode.ShotRecord{}}
			cur[k] = ps
			seen[k.team] = true
		}
		rec.OccurredAt_ms = shiftTime(rec.OccurredAt_ms, sh)
		if i, ok := at[shotKey{k, rec.OccurredAt_ms}]; ok {
			ps.Shots[i] = rec
			return
		}
		at[shotKey{k, rec.OccurredAt_ms}] = len(ps.Shots)
		ps.Shots = append(ps.Shots, rec)
	}
	if b.baseShots != nil && len(ranges) > 0 && ranges[0][0] == 0 {
		for _, t := range b.baseShots.Teams {
			for _, p := range t.PlayerShots {
				for _, rec := range p.Shots {
					add(playerKey{t.ID, p.ID}, p.PlayerDetails, rec)
				}
			}
		}
	}
	r := 0
	for _, e := range b.shots {
		for r < len(ranges) && e.idx >= ranges[r][1] {
			r++
		}
		if r == len(ranges) {
			break
		}
		if e.idx < ranges[r][0] {
			continue
		}
		add(playerKey{e.team, e.player}, decode.PlayerDetails{}, e.rec)
	}
	out := []decode.TeamPlayerShots{}
	for _, g := range byTeam(b, seen, team, cur) {
		out = append(out, decode.TeamPlayerShots{ID: g.team, PlayerShots: g.players})
	}
	return out
}

// shiftTime and shiftVersion apply a pass's shift to a value the feed
// has (0, none, stays 0).
func shiftTime(t_ms int64, sh shift) int64 {
	if t_ms == 0 {
		return 0
	}
	return t_ms + sh.t_ms
}

func shiftVersion(v int64, sh shift) int64 {
	if v == 0 {
		return 0
	}
	return v + sh.version
}

// teams returns every team the bundle names, live.json first.
func (b *bundle) teams() []decode.TeamRef {
	out := []decode.TeamRef{}
	done := map[int64]bool{}
	add := func(id int64) {
		if !done[id] {
			done[id] = true
			out = append(out, decode.TeamRef{ID: id, Name: b.teamNames[id]})
		}
	}
	for _, t := range b.info.Teams {
		add(t.ID)
	}
	for _, t := range b.sub.Teams {
		add(t.ID)
	}
	return out
}

func (b *bundle) hasTeam(id int64) bool {
	_, ok := b.teamNames[id]
	return ok
}

// sessionSpan_ms is when the bundle's session started and ended (epoch ms).
func (b *bundle) sessionSpan_ms() (start, end int64) {
	start = b.meta.StartedAt_ms
	if start == 0 || (b.first_ms != 0 && b.first_ms < start) {
		start = b.first_ms
	}
	return start, b.last_ms
}

// teamGroup is one team's players, in roster order.
type teamGroup[T any] struct {
	team    int64
	players []T
}

// byTeam groups the per-player values of cur by team, teams in the order
// of teamOrder and players in roster order (playerOrder); team limits it to
// one team when not 0. The stats, stats details and shots bodies share it.
func byTeam[T any](b *bundle, seen map[int64]bool, team int64, cur map[playerKey]*T) []teamGroup[T] {
	out := []teamGroup[T]{}
	for _, tid := range b.teamOrder(seen) {
		if team != 0 && tid != team {
			continue
		}
		var ids []int64
		for k := range cur {
			if k.team == tid {
				ids = append(ids, k.player)
			}
		}
		b.playerOrder(tid, ids)
		g := teamGroup[T]{team: tid, players: []T{}}
		for _, id := range ids {
			g.players = append(g.players, *cur[playerKey{tid, id}])
		}
		out = append(out, g)
	}
	return out
}

// statsIn is the team history's stats of the line ranges [lo, hi) of
// ranges (activityLines: whole rounds): the sum of each selected round's
// share (roundShares), with stats.json's baseline in the first round's.
// team limits it to one team when not 0. The rounds' shares add up to the
// practice's box score, so a practice's scrimmages and its shooting drills
// add up to the practice, and no share is negative. Only players with a
// share are listed, and only their stats with one; versions are the
// newest of the selected rounds' stats lines. The whole feed (one range)
// is statsAt's box score, as it was.
func (b *bundle) statsIn(ranges [][2]int, team int64) []decode.TeamPlayerStats {
	if len(ranges) == 1 && ranges[0] == [2]int{0, len(b.lines)} {
		return b.statsAt(0, len(b.lines), team, shift{})
	}
	var picked []int // the rounds that start in one of ranges
	for k, r := range b.rounds {
		if slices.ContainsFunc(ranges, func(rg [2]int) bool { return rg[0] <= r.first && r.first < rg[1] }) {
			picked = append(picked, k)
		}
	}
	cur := map[playerKey]*decode.PlayerStats{}
	seen := map[int64]bool{}
	for key, sh := range b.roundShares() {
		var ps *decode.PlayerStats
		for stat, byRound := range sh.stats {
			sum := 0.0
			for _, k := range picked {
				sum += byRound[k]
			}
			if sum == 0 {
				continue
			}
			if ps == nil {
				ps = &decode.PlayerStats{ID: key.player, PlayerDetails: sh.details, Stats: map[string]float64{}}
				for _, k := range picked {
					ps.Version = max(ps.Version, sh.version[k])
				}
				cur[key] = ps
				seen[key.team] = true
			}
			ps.Stats[stat] = sum
		}
	}
	out := []decode.TeamPlayerStats{}
	for _, g := range byTeam(b, seen, team, cur) {
		out = append(out, decode.TeamPlayerStats{ID: g.team, PlayerStats: g.players})
	}
	return out
}

// playerShares is one player's stats split by round (roundShares).
type playerShares struct {
	details decode.PlayerDetails
	version []int64              // per round: the newest version of its stats lines (the first round: or stats.json's)
	stats   map[string][]float64 // per stat, per round: the round's share
	total   map[string]float64   // per stat: its value so far in the feed
}

// roundShares splits each player's stats among the rounds of the feed.
// A stats message carries each stat's cumulative value, and the stats
// are counts (the feed's makes, attempts, points, rebounds, distance), so
// a change is attributed as follows:
//
//   - an increase goes to the round whose line carries it (stats.json's
//     baseline to the first round);
//   - a decrease is a correction of something counted before (a make
//     turned into a miss, a rebound taken away), which may arrive in a
//     later round than the stat it corrects (a correction sent during
//     drill 2 of a make in drill 1). It is taken from the most recent
//     rounds, this one first, where the player's stat increased: each
//     round's share down to zero at most, then the round before. The
//     feed does not say which increase a correction undoes, and the
//     most recent one is the likeliest: corrections come within minutes.
//   - what no earlier increase covers (a value below the baseline, which
//     a count never is) goes to the round whose line carries it, so that
//     the shares always add up to the stat's value.
//
// So no round's share of a count is negative, and the rounds' shares of
// each stat add up to its value at the feed's end (statsAt's box score).
// (Differences of the cumulative values at the rounds' bounds gave drill
// 2 of a practice FG -1, PTS -2 for such a correction, and drill 1 the
// make it no longer had.)
func (b *bundle) roundShares() map[playerKey]*playerShares {
	n := len(b.rounds)
	out := map[playerKey]*playerShares{}
	get := func(k playerKey, pd decode.PlayerDetails) *playerShares {
		ps := out[k]
		if ps == nil {
			ps = &playerShares{details: b.details(k.player, pd), version: make([]int64, n),
				stats: map[string][]float64{}, total: map[string]float64{}}
			out[k] = ps
		}
		return ps
	}
	set := func(ps *playerShares, round int, stat string, v float64) {
		byRound := ps.stats[stat]
		if byRound == nil {
			byRound = make([]float64, n)
			ps.stats[stat] = byRound
		}
		d := v - ps.total[stat]
		ps.total[stat] = v
		for j := round; d < 0 && j >= 0; j-- {
			if take := min(-d, byRound[j]); take > 0 {
				byRound[j] -= take
				d += take
			}
		}
		byRound[round] += d
	}
	if b.baseStats != nil {
		for _, t := range b.baseStats.Teams {
			for _, p := range t.PlayerStats {
				ps := get(playerKey{t.ID, p.ID}, p.PlayerDetails)
				ps.version[0] = max(ps.version[0], p.Version)
				for stat, v := range p.Stats {
					set(ps, 0, stat, v)
				}
			}
		}
	}
	for _, e := range b.stats {
		k := b.roundOf(e.idx)
		ps := get(playerKey{e.team, e.player}, decode.PlayerDetails{})
		ps.version[k] = max(ps.version[k], e.version)
		for stat, v := range e.stats {
			set(ps, k, stat, v)
		}
	}
	return out
}
