package backfill

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/stmotion/stmotion/decode"
)

// Key is the top-level key that marks a message made from REST state;
// its value is SourceJoin or SourceGap.
const Key = "stmotion_source"

// Values of Key: why a message was made from REST state.
const (
	// SourceJoin: the state of the event when the session joined it, fed
	// before the feed's first data message.
	SourceJoin = "rest_join"
	// SourceGap: what the server had and the client missed while it was
	// not connected (a reconnect, a handover whose old feed ended early),
	// fed at the first data message after the gap.
	SourceGap = "rest_gap"
)

var quotedKey = []byte(`"` + Key + `"`)

// Made reports whether line is a message made from REST state (it holds
// the key Key, as only such a message does), not one received: the
// quoted name followed by a colon, so that a string value that reads
// stmotion_source (followed by a comma or a brace) does not match, nor
// an escaped one inside another string.
func Made(line []byte) bool {
	for i := 0; ; {
		k := bytes.Index(line[i:], quotedKey)
		if k < 0 {
			return false
		}
		i += k + len(quotedKey)
		j := i
		for j < len(line) && (line[j] == ' ' || line[j] == '\t' || line[j] == '\r' || line[j] == '\n') {
			j++
		}
		if j < len(line) && line[j] == ':' {
			return true
		}
	}
}

// Seen is what a session already has, so that nothing is fed twice.
type Seen interface {
	// ShotSeen reports whether a shot of player at t_ms was received or
	// fed, whatever its other fields: a correction may have changed them
	// since, and the shot would then count twice.
	ShotSeen(player, t_ms int64) bool
	// StatVersion reports the newest stats version received or fed for
	// player.
	StatVersion(player int64) (version int64, ok bool)
}

// Emit takes one message a Filler made: its kind (decode.KindShot or
// decode.KindStats), its source (SourceJoin, SourceGap) and the line,
// valid only during the call. The receiver decodes and feeds it, and
// remembers it for Seen.
type Emit func(kind decode.Kind, source string, line []byte) error

// State is the REST state of an event fetched at a join, and where the
// session stood then.
type State struct {
	Stats   *decode.LiveStats        // /stats; nil: not fetched
	Details *decode.LiveStatsDetails // /stats/details; nil: not fetched
	Shots   *decode.LiveShots        // /shots; nil: not fetched
	// From_ms is the newest occurred_at the session had before the join
	// (a re-join of a recorded live id), or the previous live id's session
	// had (a live id followed from its PLAY_NEXT / DRILL_NEXT); 0 for a
	// session that starts with this join.
	From_ms int64
	// Followed: the live id was followed from the previous one, whose box
	// scores up to From_ms are.
	Followed bool
	// ShotsFrom_ms: the shots fed are those after it (0: all up to the
	// feed's first data message).
	ShotsFrom_ms int64
}

// Empty reports whether st holds nothing to feed: no shot, and no stat
// of any player.
func (st *State) Empty() bool {
	if st == nil {
		return true
	}
	if st.Shots != nil {
		for _, t := range st.Shots.Teams {
			for _, p := range t.PlayerShots {
				if len(p.Shots) > 0 {
					return false
				}
			}
		}
	}
	if st.Stats != nil {
		for _, t := range st.Stats.Teams {
			for _, p := range t.PlayerStats {
				if len(p.Stats) > 0 {
					return false
				}
			}
		}
	}
	return true
}

// ErrNoTime is returned by Filler.Join when the box scores could not be
// fed: no message came with a time to give them, and no stats details
// tell when they changed. The shots were fed.
var ErrNoTime = errors.New("backfill: the box scores are not fed: no time to give them (no message with a time and no stats details)")

// Filler makes the messages of REST state and hands them to Emit,
// skipping what Seen says the session has.
type Filler struct {
	Seen Seen
	Emit Emit
	buf  []byte
}

// Join feeds st, the REST state fetched at a join, before the feed's
// first data message, at occurred_at to (math.MaxInt64 when the feed
// ended before any data message: then everything is fed, at newest_ms,
// the newest time the session knows, or the newest change the stats
// details give):
//
//   - the shots with ShotsFrom_ms < occurred_at ≤ to not seen (the feed
//     delivers the later ones);
//   - each player's box score, at occurred_at to, unless a stats
//     message as new was seen. When the stats details say some of its
//     stats changed after to, the feed is behind the REST state (a
//     replay whose REST state is the end's) and will deliver those
//     changes itself: only the stats last changed at or before to are
//     fed, with version 0 so that any version the feed delivers
//     replaces them (a DIST of the game's end never lands at its
//     start). For a followed live id, the stats last changed at or
//     before From_ms (the previous live id's) are not fed either.
//     Without details of the player, his box score is fed with version
//     0 too when the session has no stats message of his (Seen): then
//     nothing tells whether the REST state is as of the join or later
//     (a bundle whose stats.json is the game's end: the documented
//     bundle format has no details), and a REST version newer than the
//     feed's would make every stats message the feed delivers stale
//     (its DIST checks all dropped). The feed delivers each stat's
//     changes in order from its start, so the last value it gives of a
//     stat it names is never older than the REST state's at the join
//     (one delivered late, from before the REST state was fetched, is
//     followed by the later changes the REST state holds), and version
//     0 lets each one replace the REST value, stat by stat (the box
//     score keeps per stat the value of the highest version: a
//     correction, DELETED_* or UPDATED_*, carries the corrected values
//     with a version of the feed's); the stats it never names keep the
//     REST values. A box score the details do not date every stat of
//     goes with version 0 too, unless the session has stats of the
//     player: an undated stat is not known to be as of the join (the
//     mock lists no change of 0: a bench player's DIST 0, first sent at
//     the feed's last tick, whose version fed at the join made the
//     feed's own message stale, and took his DIST check). Only a
//     player the session has stats of (a re-join, whose REST state is
//     fetched now and whose versions compare with the feed's) gets the
//     REST version, so that it replaces the older values the session
//     holds.
//
// Nothing is fed when the feed starts at or before From_ms (it replays
// what the session has). Without a time for the box scores (to is
// math.MaxInt64, newest_ms is 0 and no details give one), the shots are
// fed and Join returns ErrNoTime.
func (f *Filler) Join(st *State, to, newest_ms int64, source string) error {
	if st.From_ms > 0 && to <= st.From_ms {
		return nil
	}
	if err := f.Shots(st.Shots, st.ShotsFrom_ms, to, source); err != nil {
		return err
	}
	if st.Stats == nil {
		return nil
	}
	changed := map[int64]map[string]int64{} // player → stat → its last change, epoch ms
	at := to
	if to == math.MaxInt64 {
		at = newest_ms
	}
	if st.Details != nil {
		for _, t := range st.Details.Teams {
			for _, p := range t.PlayerStats {
				last := map[string]int64{}
				for k, ch := range p.Stats {
					for _, c := range ch {
						last[k] = max(last[k], c.OccurredAt_ms)
						if to == math.MaxInt64 {
							at = max(at, c.OccurredAt_ms)
						}
					}
				}
				changed[p.ID] = last
			}
		}
	}
	if at <= 0 {
		return ErrNoTime
	}
	for _, t := range st.Stats.Teams {
		for _, p := range t.PlayerStats {
			v, seen := f.Seen.StatVersion(p.ID)
			if seen && p.Version <= v {
				continue
			}
			vals, version := p.Stats, p.Version
			last, detailed := changed[p.ID]
			if !detailed && !seen {
				// Not known to be as of the join: the feed's
				// versions replace it (see above).
				version = 0
			}
			if detailed {
				var before map[string]float64
				undated := false
				for k, v := range p.Stats {
					if _, ok := last[k]; !ok {
						undated = true
					}
					if last[k] > to || st.Followed && last[k] <= st.From_ms {
						// The feed delivers it, or the previous live id
						// had it.
						continue
					}
					if before == nil {
						before = map[string]float64{}
					}
					before[k] = v
				}
				if len(before) < len(p.Stats) || undated && !seen {
					vals, version = before, 0
				}
			}
			if err := f.stats(t.ID, p.ID, vals, version, at, source); err != nil {
				return err
			}
		}
	}
	return nil
}

// NewerStats feeds, at occurred_at at_ms, the box score of each player
// of stats whose REST version is newer than the newest stats message
// seen of him (a gap's: the feed's stats changed while the client was
// away).
func (f *Filler) NewerStats(stats *decode.LiveStats, at_ms int64, source string) error {
	if stats == nil {
		return nil
	}
	for _, t := range stats.Teams {
		for _, p := range t.PlayerStats {
			if v, ok := f.Seen.StatVersion(p.ID); ok && p.Version <= v {
				continue
			}
			if err := f.stats(t.ID, p.ID, p.Stats, p.Version, at_ms, source); err != nil {
				return err
			}
		}
	}
	return nil
}

// Shots feeds the shots of shots with from < occurred_at ≤ to that are
// not seen, as shot messages (status RECORDED when the REST body has
// none).
func (f *Filler) Shots(shots *decode.LiveShots, from, to int64, source string) error {
	if shots == nil {
		return nil
	}
	for _, t := range shots.Teams {
		for _, p := range t.PlayerShots {
			for _, sh := range p.Shots {
				if sh.OccurredAt_ms <= from || sh.OccurredAt_ms > to || f.Seen.ShotSeen(p.ID, sh.OccurredAt_ms) {
					continue
				}
				b := f.buf[:0]
				b = append(b, `{"type":"shot","`+Key+`":`...)
				b = appendString(b, source)
				b = append(b, `,"data":{"occurred_at":`...)
				b = strconv.AppendInt(b, sh.OccurredAt_ms, 10)
				b = append(b, `,"team_id":`...)
				b = strconv.AppendInt(b, t.ID, 10)
				b = append(b, `,"player_id":`...)
				b = strconv.AppendInt(b, p.ID, 10)
				b = append(b, `,"is_make":`...)
				b = strconv.AppendBool(b, sh.IsMake)
				b = append(b, `,"is_3point":`...)
				b = strconv.AppendBool(b, sh.Is3Point)
				b = append(b, `,"zone":`...)
				b = strconv.AppendInt(b, int64(sh.Zone), 10)
				b = append(b, `,"hoop_player_x":`...)
				b = strconv.AppendInt(b, int64(sh.HoopPlayerX_mm), 10)
				b = append(b, `,"hoop_player_y":`...)
				b = strconv.AppendInt(b, int64(sh.HoopPlayerY_mm), 10)
				b = append(b, `,"status":`...)
				status := sh.Status
				if status == "" {
					status = "RECORDED"
				}
				b = appendString(b, status)
				b = append(b, "}}"...)
				f.buf = b
				if err := f.Emit(decode.KindShot, source, b); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// stats feeds player's stats vals (of team) as one stats message at
// occurred_at t_ms with the given version. Nothing is fed for no stats.
// The message has no classification: it is no event of the game, only
// the values as they stand.
func (f *Filler) stats(team, player int64, vals map[string]float64, version, t_ms int64, source string) error {
	if len(vals) == 0 {
		return nil
	}
	b := f.buf[:0]
	b = append(b, `{"type":"stats","`+Key+`":`...)
	b = appendString(b, source)
	b = append(b, `,"data":{"occurred_at":`...)
	b = strconv.AppendInt(b, t_ms, 10)
	b = append(b, `,"team_id":`...)
	b = strconv.AppendInt(b, team, 10)
	b = append(b, `,"player_id":`...)
	b = strconv.AppendInt(b, player, 10)
	b = append(b, `,"stats":{`...)
	for i, k := range slices.Sorted(maps.Keys(vals)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = strconv.AppendFloat(b, vals[k], 'f', -1, 64)
	}
	b = append(b, `},"version":`...)
	b = strconv.AppendInt(b, version, 10)
	b = append(b, "}}"...)
	f.buf = b
	return f.Emit(decode.KindStats, source, b)
}

// appendString appends s as a JSON string. The stat names and shot
// statuses of the API need no escapes and are appended as they are;
// anything else is escaped by encoding/json (HTML characters kept).
func appendString(dst []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return append(dst, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})...)
}

// Memo is a Seen for a session that has no duplicate filter of its own
// (analyze's: the engine drops repeated shots and stale stats versions
// itself): the shots and stats versions noted with Note.
type Memo struct {
	shots    map[[2]int64]struct{}
	versions map[int64]int64
}

// Note remembers m when it is a shot or a stats message with a version.
func (s *Memo) Note(m *decode.Message) {
	switch m.Kind {
	case decode.KindShot:
		if s.shots == nil {
			s.shots = map[[2]int64]struct{}{}
		}
		s.shots[[2]int64{m.Shot.PlayerID, m.Shot.OccurredAt_ms}] = struct{}{}
	case decode.KindStats:
		st := &m.Stats
		if st.Present&decode.HasVersion == 0 {
			return
		}
		if s.versions == nil {
			s.versions = map[int64]int64{}
		}
		if v, ok := s.versions[st.PlayerID]; !ok || st.Version > v {
			s.versions[st.PlayerID] = st.Version
		}
	}
}

// ShotSeen implements Seen.
func (s *Memo) ShotSeen(player, t_ms int64) bool {
	_, ok := s.shots[[2]int64{player, t_ms}]
	return ok
}

// StatVersion implements Seen.
func (s *Memo) StatVersion(player int64) (int64, bool) {
	v, ok := s.versions[player]
	return v, ok
}
