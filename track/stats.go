package track

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/stmotion/stmotion/decode"
)

// boxScore keeps the newest value of every stat of every player. A stats
// message carries the current cumulative values of the stats it names
// (corrections, DELETED_* and UPDATED_*, carry the corrected values), so a
// value is replaced only by a message with a higher version than the one
// that set it: duplicates and stale versions change nothing.
type boxScore struct {
	players map[int64]*boxEntry
	order   []int64
}

type boxEntry struct {
	team    int64
	version int64 // newest version applied
	vals    [decode.NumStats]float64
	ver     [decode.NumStats]int64
	has     decode.StatSet

	// The last DIST check: the feed's DIST and the engine's distances
	// (total, live, on court, live on court, raw) at its timestamp, and
	// the chords across the gaps it did not bridge.
	checked                  bool
	checkT                   int64
	feed_m                   float64
	eng, live, crt, lc, rawm float64
	unseen                   float64

	// The baseline of a session that starts mid-event (Session.MidEvent):
	// the player's first DIST at or after the session's first location
	// sample, and the engine's figures at its time. Later checks compare
	// what each counted since.
	based       bool
	base        distFigures
	baseFeed_cm float64
}

// distFigures is what a DIST check compares: the feed's DIST and the
// engine's distances by each definition (m).
type distFigures struct {
	feed_m                   float64
	eng, live, crt, lc, rawm float64
	unseen                   float64
}

func (d *distFigures) sub(b *distFigures) {
	d.feed_m -= b.feed_m
	d.eng -= b.eng
	d.live -= b.live
	d.crt -= b.crt
	d.lc -= b.lc
	d.rawm -= b.rawm
	d.unseen -= b.unseen
}

func (b *boxScore) init() { b.players = make(map[int64]*boxEntry) }

func (b *boxScore) entry(id int64) *boxEntry {
	e := b.players[id]
	if e == nil {
		e = &boxEntry{}
		b.players[id] = e
		b.order = append(b.order, id)
	}
	return e
}

// stats applies a stats message to the box score and queues a DIST check.
// It fails only when a sink fails on a check resolved early (overflow).
func (s *Session) stats(st *decode.Stats) error {
	if st.NumUnknown > 0 || (st.Present&decode.HasClassification != 0 && st.Classification == decode.ClassUnknown) {
		s.q.Unknown++
	}
	if st.Present&decode.HasPlayerID == 0 {
		s.q.Unknown++
		return nil
	}
	if s.box.players[st.PlayerID] == nil && len(s.box.players) >= s.cfg.MaxSensors {
		// Memory stays bounded whatever ids a feed invents.
		s.q.Unknown++
		return nil
	}
	e := s.box.entry(st.PlayerID)
	if st.Present&decode.HasTeamID != 0 {
		e.team = st.TeamID
	}
	// Without a version the message can only be taken as the newest.
	v := int64(math.MaxInt64)
	if st.Present&decode.HasVersion != 0 {
		v = st.Version
	}
	applied := false
	distNew := false
	for k := decode.Stat(0); int(k) < decode.NumStats; k++ {
		if !st.Has.Has(k) {
			continue
		}
		if e.has.Has(k) && v <= e.ver[k] {
			continue
		}
		e.vals[k] = st.Values[k]
		e.ver[k] = v
		e.has.Add(k)
		applied = true
		if k == decode.StatDIST {
			distNew = true
		}
	}
	if !applied {
		s.q.StaleStats++
		return nil
	}
	if v > e.version && v != math.MaxInt64 {
		e.version = v
	}
	if distNew {
		s.checks.push(distCheck{t: st.OccurredAt_ms, player: st.PlayerID, feed_cm: st.Values[decode.StatDIST]})
		if s.checks.overflow() {
			// Too many checks waiting for the (lagged) emission: resolve the
			// oldest now, against the distance reached so far.
			c := s.checks.pop()
			var a accum
			if sn := s.ids.get(c.player); sn != nil {
				a = sn.acc
			}
			return s.resolveCheck(c, &a)
		}
	}
	return nil
}

// distQueue holds DIST checks until the emission reaches their time.
type distQueue struct {
	q    []distCheck
	head int
}

type distCheck struct {
	t       int64
	player  int64
	feed_cm float64
}

const maxPendingChecks = 1024

// push queues c in time order (after the checks of the same time): DIST
// updates may arrive out of time order, and resolveChecks stops at the
// first check that is not due, so one arriving behind a later one would
// otherwise wait for it and read a later distance.
func (d *distQueue) push(c distCheck) {
	if d.head > 0 && d.head == len(d.q) {
		d.q, d.head = d.q[:0], 0
	}
	i := len(d.q)
	for i > d.head && d.q[i-1].t > c.t {
		i--
	}
	d.q = slices.Insert(d.q, i, c)
}

func (d *distQueue) overflow() bool { return len(d.q)-d.head > maxPendingChecks }
func (d *distQueue) empty() bool    { return d.head == len(d.q) }
func (d *distQueue) peek() distCheck {
	return d.q[d.head]
}
func (d *distQueue) pop() distCheck {
	c := d.q[d.head]
	d.head++
	if d.head == len(d.q) {
		d.q, d.head = d.q[:0], 0
	}
	return c
}

// resolveChecks compares every DIST update at or before T with the
// engine's distance of that player so far.
// While smoothAndEmit emits a block, the figures are those copied at the
// check's tick (s.snaps, planChecks); otherwise the current ones.
func (s *Session) resolveChecks(T int64) error {
	for !s.checks.empty() && s.checks.peek().t <= T {
		c := s.checks.pop()
		var a accum
		if s.snapNext < len(s.snaps) {
			a = s.snaps[s.snapNext].acc
			s.snapNext++
		} else if sn := s.ids.get(c.player); sn != nil {
			a = sn.acc
		}
		if err := s.resolveCheck(c, &a); err != nil {
			return err
		}
	}
	return nil
}

// checkSnap is a player's figures (acc) as of tick n, for a DIST check
// resolved after that tick (sn nil: the id has no sensor).
type checkSnap struct {
	n   int64
	sn  *sensor
	acc accum
}

// resolveCheck records DIST check c against the engine's figures a.
//
// In a session that starts mid-event (MidEvent) the feed's DIST counts
// the event from its start and the engine only from the session's first
// location sample: the second half of a followed game read 2.5–2.8 times
// the engine's distance for every player of the first. There the
// player's first check at or after that sample is the baseline, and this
// one and every later one compare what each counted since (the baseline's
// own segment has both 0). A check before that sample (a join's box score
// from the REST state, older than the feed) is the event's count so far,
// with nothing of the engine's to compare: its segment is as the feed
// gives it, and it is not the player's verdict.
func (s *Session) resolveCheck(c distCheck, a *accum) error {
	e := s.box.entry(c.player)
	feed_cm := c.feed_cm
	f := distFigures{feed_m: feed_cm / 100, eng: a.dist, live: a.distLive, crt: a.distCourt, lc: a.distLiveCourt, rawm: a.raw, unseen: a.unseen}
	judged := true
	if s.midEvent {
		switch {
		case c.t < s.locT0:
			judged = false
		case !e.based:
			e.based, e.base, e.baseFeed_cm = true, f, feed_cm
			fallthrough
		default:
			f.sub(&e.base)
			feed_cm -= e.baseFeed_cm
		}
	}
	if judged {
		e.checked = true
		e.checkT = c.t
		e.feed_m = f.feed_m
		e.eng, e.live, e.crt, e.lc, e.rawm = f.eng, f.live, f.crt, f.lc, f.rawm
		e.unseen = f.unseen
	}
	g := &s.seg
	*g = Segment{
		Type: SegDistCheck, Start_ms: c.t, End_ms: c.t, PlayerID: c.player, TeamID: e.team,
		Period: s.timeline.samplePeriod(), FeedDist_cm: feed_cm, EngineDist_cm: f.eng * 100,
	}
	return s.emitSegment(g)
}

// distVerdict returns the final ratio of a player's feed DIST to the
// engine's distance at the same timestamp, and, when it is outside the
// band (for a player who moved at least DistFlagMin_m by either count),
// which of the engine's other definitions would explain it.
func (s *Session) distVerdict(e *boxEntry) (ratio float64, flag string) {
	if !e.checked {
		return 0, ""
	}
	if e.eng <= 0 {
		if e.feed_m > 0 {
			return 0, "no location data for this player"
		}
		return 0, ""
	}
	ratio = e.feed_m / e.eng
	lo, hi := s.cfg.DistRatioLo, s.cfg.DistRatioHi
	if ratio >= lo && ratio <= hi || max(e.feed_m, e.eng) < s.cfg.DistFlagMin_m {
		return ratio, ""
	}
	var b strings.Builder
	// The band as given, and the ratio one digit finer than the band's
	// finest (at least 3 decimals): "ratio 1.0004 outside 1..1.0002",
	// not "ratio 1.000 outside 1.00..1.00".
	los, his := strconv.FormatFloat(lo, 'f', -1, 64), strconv.FormatFloat(hi, 'f', -1, 64)
	prec := max(3, decimals(los)+1, decimals(his)+1)
	fmt.Fprintf(&b, "ratio %.*f outside %s..%s", prec, ratio, los, his)
	alts := []struct {
		name string
		d    float64
	}{
		{"live time only", e.live},
		{"on court only", e.crt},
		{"live time on court only", e.lc},
		{"unfiltered (raw step sum)", e.rawm},
		{"distance plus straight lines across gaps in the feed", e.eng + e.unseen},
	}
	matched := false
	for _, a := range alts {
		if a.d <= 0 {
			continue
		}
		r := e.feed_m / a.d
		if r >= lo && r <= hi {
			if !matched {
				b.WriteString("; matches ")
			} else {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s (ratio %.3f)", a.name, r)
			matched = true
		}
	}
	if !matched {
		switch {
		case ratio < lo:
			b.WriteString("; feed counts less than any engine definition (less filtering of noise on our side, or the feed skips slow movement)")
		case e.unseen > 0:
			fmt.Fprintf(&b, "; feed counts more than any engine definition (the player moved %.0f m in straight lines across gaps in the feed: the feed may count movement the engine did not see)", e.unseen)
		default:
			b.WriteString("; feed counts more than any engine definition (the feed may count noise: compare the raw step sum)")
		}
	}
	return ratio, b.String()
}

// decimals is the number of digits after the point in a number formatted
// with strconv.FormatFloat(v, 'f', -1, 64).
func decimals(f string) int {
	if i := strings.IndexByte(f, '.'); i >= 0 {
		return len(f) - i - 1
	}
	return 0
}
