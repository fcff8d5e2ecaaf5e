package track

import "github.com/stmotion/stmotion/decode"

// EventKind is the kind of event a session is a round of (Meta.Event), as
// live.json says it: a game (is_game_event) or a practice
// (is_practice_event); EventUnknown without live info (a bare recording)
// or when it says neither, or both.
type EventKind uint8

const (
	EventUnknown EventKind = iota
	EventGame
	EventPractice
)

// EventKindOf returns the kind of event info (live.json, nil: none)
// describes: EventPractice when a team's live info says is_practice_event
// and none says is_game_event, EventGame the other way round, else
// EventUnknown.
func EventKindOf(info *decode.LiveInfo) EventKind {
	if info == nil {
		return EventUnknown
	}
	practice, game := false, false
	for _, t := range info.Teams {
		practice = practice || t.Live.IsPracticeEvent
		game = game || t.Live.IsGameEvent
	}
	switch {
	case practice && !game:
		return EventPractice
	case game && !practice:
		return EventGame
	}
	return EventUnknown
}

// sides follows whether a session's events can tell its two sides apart.
// Possession knows a player's side by his roster team only, so they
// cannot when
//
//   - the session is a round of a practice (Meta.Event EventPractice)
//     with a one-team roster (OneTeamRoster): both sides of its
//     scrimmage are that team, whoever else is tracked; or
//   - the tracked players that are on the roster are all on one team and
//     no player the roster does not name is tracked: the other side is
//     either that team too (a practice without live info) or not tracked
//     at all (a game in which only one team's players wear sensors, with
//     both teams on the roster or only the tracked one). A game whose
//     roster lists one team but whose other team is tracked can tell
//     them: the other team's players are unrostered (team 0), and the
//     events they take part in are unverified by that rule already.
//
// The second holds or not as of the players seen so far: it is decided
// per event, from the players of the frames before it (a pass in a
// game's first frames, before any player of the other team is seen,
// is unverified), and at the end of the session from every player
// tracked (verdict). It goes from true to false only.
type sides struct {
	teamOf        func(id int64) int64 // a player's roster team, 0 when the roster does not name him
	scrimmage     bool                 // a practice event with a one-team roster
	oneTeamRoster bool
	game          bool  // Meta.Event is EventGame
	team          int64 // the roster team of the first rostered player seen; 0: none yet
	// told: players of two roster teams, or one the roster does not name
	// (any player without a roster), have been seen.
	told bool
}

func newSides(roster []decode.RosterTeam, teamOf func(id int64) int64, event EventKind) sides {
	one := OneTeamRoster(roster)
	return sides{teamOf: teamOf, oneTeamRoster: one, scrimmage: one && event == EventPractice, game: event == EventGame}
}

// see notes that player id is tracked.
func (s *sides) see(id int64) {
	if s.told {
		return
	}
	switch t := s.teamOf(id); {
	case t == 0:
		s.told = true // unrostered: the other side may be his
	case s.team == 0:
		s.team = t
	case t != s.team:
		s.told = true
	}
}

// oneSide reports whether, as of the players seen so far, the events
// cannot tell the sides apart.
func (s *sides) oneSide() bool { return s.scrimmage || !s.told && s.team != 0 }

// verdict says, at the end of the session, why its sides were not told
// apart (Summary.OneTeam, Summary.OneTeamTracked; both false when they
// were): a one-team roster outside a game (a practice, said or taken
// for one) is a scrimmage of that team, and anything else is a session
// in which only one team's players were tracked.
func (s *sides) verdict() (oneTeam, oneTeamTracked bool) {
	if !s.oneSide() {
		return false, false
	}
	if s.oneTeamRoster && !s.game {
		return true, false
	}
	return false, true
}
