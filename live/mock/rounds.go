package mock

import (
	"encoding/binary"
	"slices"
	"strconv"
	"time"

	"github.com/stmotion/stmotion/decode"
)

// Rounds and passes. The feed is cut into rounds at its PLAY_NEXT /
// DRILL_NEXT markers (bundle.rounds), each served under its own live id
// as the API serves the rounds of an event: the second half of a game
// under the id the half-time PLAY_NEXT names. With Loop every pass of the
// feed is a new stretch of time: pass p is the feed with p·period_ms
// added to every occurred_at, p·maxVersion to every stats version, and
// live ids of its own (UUIDs that carry p and the round, see roundID); a
// PLAY_NEXT (DRILL_NEXT in a practice) after its last line names the
// first live id of pass p+1. At Speed 0 there is no clock: a connection
// replays its live id's pass from its round's first line on, and the
// next passes after it, as fast as the client reads.

// roundRef names one round of one pass.
type roundRef struct {
	pass  int64
	round int
}

// Round is a round of the feed (a game half, a drill) as the replay clock
// starts it (Options.OnRound).
type Round struct {
	Pass         int64  // 0 for the feed as recorded; with Loop, 1, 2, ... for each later pass
	Index        int    // the round within the feed, from 0
	LiveID       string // its live id in this pass
	StartedAt_ms int64  // when it started, in feed time (occurred_at, shifted for the pass); 0 if unknown
}

// announceRounds calls Options.OnRound and, with AutoNotify, the
// notifies as the replay clock reaches each round's start and end, until
// Close (or the end of the feed without Loop).
func (s *Server) announceRounds() {
	defer s.wg.Done()
	var cur *Round // the round the clock is in
	for p, k := s.clockRound(); ; {
		if !s.sleepUntil(s.due(p, s.b.rounds[k].start_ms)) {
			return
		}
		if cur != nil {
			s.roundEnded(*cur)
		}
		r := Round{Pass: p, Index: k, LiveID: s.roundID(p, k), StartedAt_ms: s.b.rounds[k].startedAt_ms}
		if r.StartedAt_ms != 0 {
			r.StartedAt_ms += s.shiftOf(p).t_ms
		}
		s.roundStarted(r)
		cur = &r
		if k++; k < len(s.b.rounds) {
			continue
		}
		// The pass ends at its last line.
		if !s.sleepUntil(s.due(p, s.b.span_ms)) {
			return
		}
		s.roundEnded(r)
		cur = nil
		if !s.opts.Loop {
			return
		}
		p, k = p+1, 0
	}
}

// clockRound returns the round the replay clock is in now, to start the
// announcements there (at Start: the first round of the first pass).
func (s *Server) clockRound() (pass int64, round int) {
	p, off := s.position(time.Now())
	return p, s.b.roundOf(max(s.b.countAt(off)-1, 0))
}

// sleepUntil waits until t, and reports false if the Server closed first.
func (s *Server) sleepUntil(t time.Time) bool {
	tm := time.NewTimer(time.Until(t))
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-s.closed:
		return false
	}
}

func (s *Server) roundStarted(r Round) {
	s.log.Info("mock: round started", "pass", r.Pass, "round", r.Index, "live_id", r.LiveID)
	if s.opts.OnRound != nil {
		s.opts.OnRound(r)
	}
	if s.opts.AutoNotify {
		s.notifyAll("START", r.LiveID)
	}
}

func (s *Server) roundEnded(r Round) {
	s.log.Info("mock: round ended", "pass", r.Pass, "round", r.Index, "live_id", r.LiveID)
	if s.opts.AutoNotify {
		s.notifyAll("END", r.LiveID)
	}
}

// currentLiveID is the live id of the round the replay clock is in (the
// bundle's at Speed 0, where there is no clock), which the simulated
// notifications name.
func (s *Server) currentLiveID() string {
	if s.opts.Speed == 0 {
		return s.b.liveID
	}
	return s.roundID(s.clockRound())
}

// newPasses reports whether each loop is a new pass in time (see above):
// with Loop, at every speed. (At Speed 0 the loops were once the bundle's
// lines verbatim, under the same live ids: a client that followed the
// half-time PLAY_NEXT got, after the second half, the first half again at
// its old times, and then the second half again, forever, all of it
// replays it drops as duplicates. `stmotion live --demo --demo-speed 0`
// wrote 2 GB of them in 5 minutes, and its overlay stalled.)
func (s *Server) newPasses() bool { return s.opts.Loop }

// roundID returns the live id of round k in pass p: the bundle's in the
// first pass; in later passes, the Server's random idBase with p and k in
// its last 6 bytes (p < 2³², k < 2¹⁶), so that lookup reads them back and
// no id is stored (a mock that loops for days keeps no state per pass).
func (s *Server) roundID(p int64, k int) string {
	if p == 0 {
		return s.b.rounds[k].id
	}
	u := s.idBase
	binary.BigEndian.PutUint32(u[10:], uint32(p))
	binary.BigEndian.PutUint16(u[14:], uint16(k))
	return formatUUID(u)
}

// lookup returns the round a live id names.
func (s *Server) lookup(id string) (roundRef, bool) {
	for k, r := range s.b.rounds {
		if r.id == id {
			return roundRef{0, k}, true
		}
	}
	u, ok := parseUUID(id)
	if !ok || [10]byte(u[:10]) != [10]byte(s.idBase[:10]) {
		return roundRef{}, false
	}
	p := int64(binary.BigEndian.Uint32(u[10:]))
	k := int(binary.BigEndian.Uint16(u[14:]))
	if p == 0 || k >= len(s.b.rounds) || formatUUID(u) != id {
		return roundRef{}, false
	}
	return roundRef{p, k}, true
}

// shift is what pass p adds to times and stats versions.
type shift struct{ t_ms, version int64 }

func (s *Server) shiftOf(p int64) shift {
	if p == 0 {
		return shift{}
	}
	return shift{p * s.period_ms(), p * s.b.maxVersion}
}

// appendLine appends line i as pass p sends it: the bundle's bytes in the
// first pass, with the pass's times, versions and live ids in later ones.
func (s *Server) appendLine(dst []byte, i int, p int64) []byte {
	l := s.b.line(i)
	ln := &s.b.lines[i]
	if p == 0 || ln.e0 == ln.e1 {
		return append(dst, l...)
	}
	sh := s.shiftOf(p)
	at := int32(0)
	for _, e := range s.b.edits[ln.e0:ln.e1] {
		dst = append(dst, l[at:e.off]...)
		switch e.kind {
		case editTime, editVersion:
			d := sh.t_ms
			if e.kind == editVersion {
				d = sh.version
			}
			var v int64 // the span is digits only (appendEdits)
			for _, c := range l[e.off:e.end] {
				v = v*10 + int64(c-'0')
			}
			dst = strconv.AppendInt(dst, v+d, 10)
		case editLiveID:
			if e.round < 0 {
				dst = append(dst, l[e.off:e.end]...)
			} else {
				dst = append(dst, s.roundID(p, int(e.round))...)
			}
		}
		at = e.end
	}
	return append(dst, l[at:]...)
}

// appendPassEnd appends the marker that ends pass p: PLAY_NEXT (DRILL_NEXT
// in a practice) at the pass's last time, naming pass p+1's first live id.
func (s *Server) appendPassEnd(dst []byte, p int64) []byte {
	typ := "PLAY_NEXT"
	if s.b.meta.IsPracticeEvent {
		typ = "DRILL_NEXT"
	}
	dst = append(dst, `{"type":"marker","data":{"occurred_at":`...)
	dst = strconv.AppendInt(dst, s.b.last_ms+s.shiftOf(p).t_ms, 10)
	dst = append(dst, `,"live_id":"`...)
	dst = append(dst, s.roundID(p+1, 0)...)
	dst = append(dst, `","type":"`...)
	dst = append(dst, typ...)
	return append(dst, `"}}`...)
}

// restState is what the REST state (/stats, /stats/details, /shots) of
// live id ref includes: the pass and the lines lo..n-1, those of its
// round the clock has passed (none before the round starts; the whole
// round at Speed 0). Each live id has its own state, as each round of the
// API's events has its own _stats and _shots (the spec's /teams/{id}/events
// lists a game's rounds, each with its links): the second half's /shots
// are the second half's shots, not the game's. (Serving the game's made a
// client that followed PLAY_NEXT feed the first half's shots and box
// scores again into the second half's bundle.) The first round's state
// starts with the bundle's stats.json and shots.json. Once pass ref.pass
// is over it is the pass the clock is in, as a websocket connection to
// that live id joins the clock there (session.replay): the client's
// baseline and gap recovery then match what its feed sends.
func (s *Server) restState(ref roundRef) (pass int64, lo, n int) {
	lo = s.b.rounds[ref.round].first
	end := len(s.b.lines)
	if ref.round+1 < len(s.b.rounds) {
		end = s.b.rounds[ref.round+1].first
	}
	if s.opts.Speed == 0 {
		return ref.pass, lo, end
	}
	cp, off := s.position(time.Now())
	if cp < ref.pass {
		return ref.pass, lo, lo
	}
	return cp, lo, max(lo, min(end, s.b.countAt(off)))
}

// liveInfo is GET /v1/data/live/{id} for round ref: the round's own live
// information (rounds.json: a practice's drill, its type) or else
// live.json's, with the round's id and start.
func (s *Server) liveInfo(ref roundRef, id string) decode.LiveInfo {
	if ref == (roundRef{}) {
		return s.b.info
	}
	sh := s.shiftOf(ref.pass)
	info, own := s.b.info, s.b.liveID
	if r := s.b.rounds[ref.round]; r.info != nil {
		// The round's own (rounds.json: a drill's type).
		info, own = *r.info, r.id
	}
	info.Teams = slices.Clone(info.Teams)
	for i := range info.Teams {
		t := &info.Teams[i]
		if t.Live.ID != own {
			continue
		}
		t.Live.ID = id
		if ref.round > 0 {
			t.Live.StartedAt_ms = s.b.rounds[ref.round].startedAt_ms
		}
		if t.Live.StartedAt_ms != 0 {
			t.Live.StartedAt_ms += sh.t_ms
		}
		if t.Live.Event != nil && sh.t_ms != 0 {
			ev := *t.Live.Event
			ev.StartedAt_ms += sh.t_ms
			t.Live.Event = &ev
		}
	}
	return info
}
