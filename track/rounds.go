package track

import (
	"slices"
	"strings"

	"github.com/stmotion/stmotion/decode"
)

// Round is one round of an event, the part of it one live id covers (a
// drill of a practice, a game's half), as the API's live information
// names it (live.json, and rounds.json for the later live ids a
// recording of several holds: RoundOf), with the period it starts in
// (Summary.Round, Summary.Rounds).
type Round struct {
	LiveID string
	Name   string // "Shooting drill (drill 2)"; "" when not known
	Type   string // the API's type: SCRIMMAGE, SHOOTING, ...; "" when not known
	// Period is the first period the session numbered in the round: the
	// one open when it began (a followed live id whose period a *_NEXT
	// marker opened, Meta.Periods) or else the first its markers opened
	// (its first DRILL_START); for a later round, the period the *_NEXT
	// marker naming it opened (inside a period), or else the next start
	// marker. 0: the session numbered none (the recording ends at the
	// *_NEXT marker that names it, as a live id's bundle does; a round of
	// rounds.json whose *_NEXT marker the feed does not hold; a feed
	// without period markers). Not read from Meta.
	Period int32
}

// RoundScrimmage is the type of a scrimmage round (Round.Type): one team
// split into two sides playing each other.
const RoundScrimmage = "SCRIMMAGE"

// Scrimmage reports whether the round is known to be a scrimmage (its
// type is RoundScrimmage, in any case).
func (r Round) Scrimmage() bool { return strings.EqualFold(r.Type, RoundScrimmage) }

// Known reports whether anything names the round (a live id, a name or
// a type).
func (r Round) Known() bool { return r.LiveID != "" || r.Name != "" || r.Type != "" }

// RoundOf returns the round info (live.json, or an entry of rounds.json)
// describes: the live id, name and type of its first team that has any
// (the teams of one live id share them); zero for nil.
func RoundOf(info *decode.LiveInfo) Round {
	if info == nil {
		return Round{}
	}
	for _, t := range info.Teams {
		if l := t.Live; l.ID != "" || l.Name != "" || l.Type != "" {
			return Round{LiveID: l.ID, Name: l.Name, Type: l.Type}
		}
	}
	return Round{}
}

// MaxRounds bounds Summary.Rounds: the later live ids a session records
// from its *_NEXT markers (a practice has a few dozen drills at most; a
// broken or hostile feed naming more is not followed beyond it), and
// those Meta.Rounds adds.
const MaxRounds = 1024

// roundLog follows, as the markers are applied, which period each round
// of the feed starts in (Round.Period).
type roundLog struct {
	own   int32   // the first period numbered in the session's own round; 0: none yet
	next  []Round // the live ids the *_NEXT markers named, in order, each with its first period
	named bool    // a *_NEXT marker came: the periods opened since are the later rounds'
	// waiting: the last of next has no period yet; the next start marker
	// opens it.
	waiting bool
}

func (rl *roundLog) init(p Periods) {
	if p.Open {
		rl.own = p.Period
	}
}

// note records what a marker of type typ, naming live id next (*_NEXT),
// did: opened is whether it opened period (the timeline's period after
// it).
func (rl *roundLog) note(typ decode.MarkerType, next string, opened bool, period int32) {
	switch {
	case typ == decode.MarkerPlayNext || typ == decode.MarkerDrillNext:
		rl.named, rl.waiting = true, false
		if next == "" || len(rl.next) >= MaxRounds || slices.ContainsFunc(rl.next, func(r Round) bool { return r.LiveID == next }) {
			return
		}
		r := Round{LiveID: next}
		if opened {
			r.Period = period
		} else {
			rl.waiting = true
		}
		rl.next = append(rl.next, r)
	case opened && rl.waiting:
		rl.next[len(rl.next)-1].Period = period
		rl.waiting = false
	case opened && !rl.named && rl.own == 0:
		rl.own = period
	}
}

// summarise returns the session's own round (meta's, with its period) and
// its later rounds: the live ids the *_NEXT markers named, in order, with
// the names and types meta.Rounds gives them, then those of meta.Rounds
// no marker named (period 0), at most MaxRounds.
func (rl *roundLog) summarise(meta *Meta) (own Round, later []Round) {
	own = meta.Round
	own.Period = rl.own
	for _, r := range rl.next {
		if k := slices.IndexFunc(meta.Rounds, func(m Round) bool { return m.LiveID == r.LiveID }); k >= 0 {
			r.Name, r.Type = meta.Rounds[k].Name, meta.Rounds[k].Type
		}
		later = append(later, r)
	}
	for _, m := range meta.Rounds {
		if len(later) >= MaxRounds {
			break
		}
		if m.Known() && !slices.ContainsFunc(later, func(r Round) bool { return r.LiveID == m.LiveID }) {
			m.Period = 0
			later = append(later, m)
		}
	}
	return own, later
}
