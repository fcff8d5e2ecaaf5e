package track

import (
	"cmp"
	"math"
	"slices"
)

// The times of stats, marker and shot messages. They widen the session's
// span (Summary.Start_ms, End_ms) as location samples do, with the same
// sanity: one with a wrong clock does not move it. A stats line at
// occurred_at 1000 had set a game's start to 1970 (and a warning said
// the feed was in seconds); one an hour ahead had made it last an hour.
// Such a message keeps its content (a box score update applies, a shot
// is emitted, a marker is applied: its content is the feed's, only its
// clock is off); its time is counted in Quality.BadTimes (and
// BadTimeMessages), left out of the span, and out of what it would
// corrupt (messageTime): a DIST in seconds is no DIST check, a shot or
// marker dated before the session takes the time it came at.

// MessagePast_ms is how far before the session's first location time a
// stats, marker or shot message may lie when the event's start is
// unknown (Meta.EventStart_ms 0): a game or practice lasts less than a
// day, and a message about its past is no wrong clock (a server resends
// the markers on connect, a correction comes late; after a join, hours
// after the event's start). With the event's start known, a message
// before it (by more than Session.TimeJump_ms) is a bad time.
const MessagePast_ms = 24 * 3_600_000

// maxEarlyTimes bounds the times of the stats, marker and shot messages
// kept, before the session's first location time is trusted, to be
// judged once it is (a feed's first lines are often markers). Beyond
// them (a feed of many messages before any location, or none at all),
// their times widen the span as they come.
const maxEarlyTimes = 32

// maxAheadTimes bounds the times of the stats, marker and shot messages
// kept while they are ahead of the location feed, to be judged once it
// reaches them or goes on without them. Beyond them (a feed of many
// messages far ahead of its locations within a reorder window), a
// message's time is a bad time at once.
const maxAheadTimes = 64

// msgTimes holds the message times not yet in the session's span: those
// that came before the first location time was trusted (early), and
// those ahead of the newest location time by more than TimeJump_ms
// (ahead, with aheadRef the newest location time when the first of them
// came).
type msgTimes struct {
	early    [maxEarlyTimes]int64
	nEarly   int
	ahead    [maxAheadTimes]int64
	nAhead   int
	aheadRef int64
}

// messageTime decides whether the time t of a stats, marker or shot
// message widens the session's span, and reports whether t may stand for
// the message's time (dated): false for a time counted bad at once (not
// PlausibleTime, or, once the session's location times are trusted,
// before the event or more than MessagePast_ms before the first location
// time: occurred_at in seconds falls in January 1970). Such a message
// keeps its content, not its time: a DIST update is no DIST check, a
// shot and a marker take the time the location feed had reached when it
// came (Session.arrival). A time not judged yet (before the location
// times are trusted, or ahead of them) stands until it is. made: the
// message was made of REST state (backfill.Made), whose times are the
// REST state's (a join's shots from the event's start): they widen the
// span as they come.
func (s *Session) messageTime(t int64, made bool) (dated bool) {
	switch {
	case !PlausibleTime(t):
		s.badMessageTimes(t)
		return false
	case made:
		s.seen(t)
	case !s.trusted:
		// Nothing to compare it with yet.
		if m := &s.msgT; m.nEarly < len(m.early) {
			m.early[m.nEarly] = t
			m.nEarly++
		} else {
			s.seen(t)
		}
	default:
		return s.judgeMessageTime(t)
	}
	return true
}

// judgeMessageTime places the plausible time t of a stats, marker or
// shot message once the session's location times are trusted: before the
// event (or more than MessagePast_ms before the first location time) it
// is a bad time (judgeMessageTime reports false); more than TimeJump_ms
// ahead of the newest location time
// it waits, as a location sample would, until the location feed reaches
// it (within TimeJump_ms: a feed that resumes after a silence, or whose
// clock jumped as a whole, the message on its new clock), goes on
// without it (a bad time then) or the session closes (the feed's last
// messages can come after its locations stop: taken then); otherwise it
// widens the span.
func (s *Session) judgeMessageTime(t int64) bool {
	m := &s.msgT
	switch {
	case t < s.messagePast():
		s.badMessageTimes(t)
		return false
	case t > max(s.maxT, s.locT0)+s.jump_ms: // (the first location sample may not be placed yet)
		if m.nAhead == len(m.ahead) {
			s.badMessageTimes(t)
			break
		}
		if m.nAhead == 0 {
			m.aheadRef = max(s.maxT, s.locT0)
		}
		m.ahead[m.nAhead] = t
		m.nAhead++
		s.setVetBounds() // the location samples go through vet, which settles it
	default:
		s.seen(t)
	}
	return true
}

// messagePast is the earliest time a stats, marker or shot message may
// have once the session's location times are trusted: the event's
// start, or MessagePast_ms before the first location time when the
// event's start is unknown (see MessagePast_ms).
func (s *Session) messagePast() int64 {
	if e := s.meta.EventStart_ms; e > 0 {
		return min(s.locT0, e) - s.jump_ms
	}
	return s.locT0 - MessagePast_ms
}

// arrival is the time a message whose own time is bad (messageTime)
// takes: the newest location time when it came, or noTime before the
// first location sample (a marker then takes the first location time,
// Session.redateEarly).
func (s *Session) arrival() int64 {
	if s.haveLocT {
		return s.maxT
	}
	return noTime
}

// noTime is a marker's time while it waits for the first location time
// (arrival).
const noTime = math.MinInt64

// redateEarly, once the first location time is trusted, moves what the
// messages that came before it left with a bad time (judged now,
// trustEarly) out of what that time would corrupt: a marker waiting with
// such a time (or with noTime) takes the first location time, and a DIST
// check of such a time is dropped (its box score value stays). The
// markers keep their order in the queue: those re-dated were all
// before the others.
func (s *Session) redateEarly() {
	past := s.messagePast()
	tl := &s.timeline
	for i := range tl.pending {
		if p := &tl.pending[i]; p.t < past || !PlausibleTime(p.t) {
			p.t = s.locT0
		}
	}
	slices.SortStableFunc(tl.pending, func(a, b pendingMarker) int { return cmp.Compare(a.t, b.t) })
	for !s.checks.empty() && s.checks.peek().t < past {
		s.checks.pop()
	}
}

// trustEarly judges the times of the messages that came before the
// session's first location time was trusted (trust).
func (s *Session) trustEarly() {
	m := &s.msgT
	for _, t := range m.early[:m.nEarly] {
		s.judgeMessageTime(t)
	}
	m.nEarly = 0
}

// refuteMessages judges the times of the messages ahead of the location
// feed: those it has reached (within TimeJump_ms of the newest location
// time) widen the span; the others are dropped as bad times once it has
// gone on without them (the newest location time moved more than the
// reorder window past where it stood when the first came), as refute
// does the location samples'.
func (s *Session) refuteMessages() {
	m := &s.msgT
	if m.nAhead == 0 {
		return
	}
	reach := s.maxT + s.jump_ms
	gone := s.maxT-m.aheadRef > s.Window_ms()
	k := 0
	for _, t := range m.ahead[:m.nAhead] {
		switch {
		case t <= reach:
			s.seen(t)
		case gone:
			s.badMessageTimes(t)
		default:
			m.ahead[k] = t
			k++
		}
	}
	m.nAhead = k
}

// settleMessages widens the span, at Close, by the message times still
// waiting: those ahead of the location feed, which it did not go on
// without, and those of a session that never trusted a location time.
func (s *Session) settleMessages() {
	m := &s.msgT
	for _, t := range m.ahead[:m.nAhead] {
		s.seen(t)
	}
	m.nAhead = 0
	for _, t := range m.early[:m.nEarly] {
		s.seen(t)
	}
	m.nEarly = 0
}

// badMessageTimes counts the message time t as bad, and keeps the first
// such time for Summary.FirstBadMessage_ms.
func (s *Session) badMessageTimes(t int64) {
	if s.q.BadTimeMessages == 0 {
		s.firstBadMsg = t
	}
	s.q.BadTimes++
	s.q.BadTimeMessages++
}
