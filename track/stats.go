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
	// the player's first DIST of the feed's own at or after the
	// session's first location sample, and the engine's figures at its
	// time. Later checks compare what each counted since.
	based       bool
	base        distFigures
	baseFeed_cm float64
	// distMade: the DIST value was set by a message made of REST state
	// (backfill.Made), which is no DIST check (see Session.stats).
	distMade bool
}

// distFigures is what a DIST check compares: the feed's DIST and the
// engine's distances by each definition (m).
type distFigures struct {
	feed_m                   float64
	eng, live, crt, lc, rawm float64
	unseen                   float64
}

// figures are a player's running figures as a DIST check compares them.
func (a *accum) figures() distFigures {
	return distFigures{eng: a.dist, live: a.distLive, crt: a.distCourt, lc: a.distLiveCourt, rawm: a.raw, unseen: a.unseen}
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
//
// A message made of REST state (made: backfill.Made, a join's or a
// gap's box score, "stmotion_source") updates the box score, its DIST
// too, but queues no check: its DIST is not the feed's at its
// occurred_at, which is when it was fed (the feed's first data message
// after a join), but as of some earlier time /stats does not give (the
// last 5-s DIST before the join, or the game's end in a bundle whose
// stats.json was fetched then). Checked, it was a point of the series
// at the wrong time, and mid-event the baseline every later check is
// counted from: ratios 1.10–1.20 for every player of a join 20 s into a
// game, against 1.00 from the feed's own first DIST.
//
// dated: the message's time stands for its time (messageTime). One whose
// time is bad (occurred_at in seconds, far before the event) updates the
// box score and queues no check either: checked at that time, a DIST in
// seconds was a point of 1970 against the engine's distance before its
// first tick, and flagged players with the wrong cause.
func (s *Session) stats(st *decode.Stats, made, dated bool) error {
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
			distNew = !made
			e.distMade = made
		}
	}
	if !applied {
		// Stale only when it named a stat the box score keeps, at a
		// version no newer than the one that set it. A message naming
		// none (only stats stmotion does not know, counted in Unknown
		// above, or no stat at all) is no stale version: counted stale,
		// a feed that added a stat read as a flood of old versions.
		if st.Has != 0 {
			s.q.StaleStats++
		}
		return nil
	}
	if v > e.version && v != math.MaxInt64 {
		e.version = v
	}
	if distNew && dated {
		s.checks.push(distCheck{t: st.OccurredAt_ms, player: st.PlayerID, feed_cm: st.Values[decode.StatDIST]})
		if s.checks.overflow() {
			// Too many checks waiting for the (lagged) emission: resolve the
			// oldest now, against the distance reached so far.
			c := s.checks.pop()
			var f distFigures
			if sn := s.ids.get(c.player); sn != nil {
				f = sn.acc.figures()
			}
			return s.resolveCheck(c, &f, s.timeline.samplePeriod())
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
// check's tick (s.snaps, planChecks), and a check held for a dropout
// (heldCheck) is resolved only once its figures are known; otherwise the
// current ones.
func (s *Session) resolveChecks(T int64) error {
	for !s.checks.empty() && s.checks.peek().t <= T {
		c := s.checks.pop()
		var f distFigures
		if s.snapNext < len(s.snaps) {
			sp := &s.snaps[s.snapNext]
			s.snapNext++
			if sp.held >= 0 {
				h := &s.heldChecks[sp.held]
				h.c, h.period = c, s.timeline.samplePeriod()
				if h.readyN == math.MaxInt64 {
					continue // resolveHeld, in a later block
				}
				h.done = true
				if err := s.resolveCheck(c, &h.fig, h.period); err != nil {
					return err
				}
				continue
			}
			f = sp.fig
		} else if sn := s.ids.get(c.player); sn != nil {
			f = sn.acc.figures()
		}
		if err := s.resolveCheck(c, &f, s.timeline.samplePeriod()); err != nil {
			return err
		}
	}
	return nil
}

// checkSnap is a player's figures as of tick nc, the first tick at or
// after its check's time, for a DIST check resolved at tick n (nc < n:
// the check was late, or its tick was skipped with the whole feed
// silent; sn nil: the id has no sensor). set: fig or held is set.
type checkSnap struct {
	n, nc int64
	sn    *sensor
	fig   distFigures
	held  int32 // index in Session.heldChecks, -1: none
	set   bool
}

// heldCheck is a DIST check whose tick nc fell inside a dropout of its
// player (no estimate at nc since the player's last at tick L, and nc−L
// within BridgeGap_ms), while the emission cannot know yet whether the
// gap will be bridged: the bridge's distance up to nc counts if it is,
// nothing if it is not. fig holds the figures before the gap until the
// gap is resolved (bridge, or the player's track resuming too late, or
// the gap outgrowing BridgeGap_ms: sensor.holds counts those still
// open), then the figures at nc; it is resolved at tick readyN
// (math.MaxInt64 while open), in its block's emission order at its own
// tick if it is known by then, else at the first tick of the block that
// resolves it (in a later block it leaves after checks of later times:
// up to BridgeGap_ms and a block later). c and period (the check's
// period at tick nc) are set when the emission reaches nc.
type heldCheck struct {
	sn     *sensor
	nc     int64
	readyN int64
	fig    distFigures
	c      distCheck
	period int32
	done   bool
}

// takeSnap holds the DIST check of snap sp, player sn's at tick sp.nc, if
// that tick is inside a gap of the player that a bridge may still
// cover; otherwise it copies the player's figures as of now (the gap is
// too long already: the figures before the gap) into the snap.
func (s *Session) takeSnap(sn *sensor, sp *checkSnap) {
	a := &sn.acc
	sp.set = true
	if sn.kind == KindPlayer && a.lastN != noSeg && a.lastN < sp.nc && sp.nc-a.lastN <= s.bridgeTicks {
		sp.held = int32(len(s.heldChecks))
		s.heldChecks = append(s.heldChecks, heldCheck{sn: sn, nc: sp.nc, readyN: math.MaxInt64, fig: a.figures()})
		sn.holds++
		return
	}
	sp.fig = a.figures()
}

// settleHolds ends player sn's open held checks. bridged: the gap after
// the player's estimate at tick last was bridged, and s.bridgeW and
// s.bridgeIn hold what bridge credited to each of its ticks; the part up
// to a check's tick is added to its figures. Otherwise the figures before
// the gap stand.
func (s *Session) settleHolds(sn *sensor, last int64, bridged bool) {
	for i := len(s.heldChecks) - 1; i >= 0 && sn.holds > 0; i-- {
		h := &s.heldChecks[i]
		if h.sn != sn || h.readyN != math.MaxInt64 {
			continue
		}
		if bridged {
			for k := range h.nc - last {
				w, f := s.bridgeW[k], s.bridgeIn[k]
				h.fig.eng += w
				if f&bridgeLive != 0 {
					h.fig.live += w
				}
				if f&bridgeCourt != 0 {
					h.fig.crt += w
					if f&bridgeLive != 0 {
						h.fig.lc += w
					}
				}
			}
		}
		h.readyN = max(h.nc, s.blockFrom)
		sn.holds--
	}
}

// resolveHeld resolves the held checks of earlier blocks that are ready
// at tick n (all of them at math.MaxInt64: Close), oldest first.
func (s *Session) resolveHeld(n int64) error {
	for i := range s.heldOld {
		h := &s.heldChecks[i]
		if h.done || h.readyN > n {
			continue
		}
		h.done = true
		if h.readyN == math.MaxInt64 {
			h.sn.holds-- // Close: the dropout never ended
		}
		if err := s.resolveCheck(h.c, &h.fig, h.period); err != nil {
			return err
		}
	}
	return nil
}

// compactHeld drops the resolved held checks after a block.
func (s *Session) compactHeld() {
	s.heldChecks = slices.DeleteFunc(s.heldChecks, func(h heldCheck) bool { return h.done })
	s.heldOld = len(s.heldChecks)
}

// resolveCheck records DIST check c against the engine's figures f (its
// feed_m is set here), in a segment of the given period.
//
// In a session that starts mid-event (MidEvent) the feed's DIST counts
// the event from its start and the engine only from the session's first
// location sample: the second half of a followed game read 2.5–2.8 times
// the engine's distance for every player of the first. There the
// player's first check at or after that sample is the baseline, and this
// one and every later one compare what each counted since (the baseline's
// own segment has both 0). A check before that sample (a DIST of the
// feed's that came before its first location) is the event's count so
// far, with nothing of the engine's to compare: its segment is as the
// feed gives it, and it is not the player's verdict. A DIST made of REST
// state is never a check (see stats).
func (s *Session) resolveCheck(c distCheck, fig *distFigures, period int32) error {
	e := s.box.entry(c.player)
	feed_cm := c.feed_cm
	f := *fig
	f.feed_m = feed_cm / 100
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
		Period: period, FeedDist_cm: feed_cm, EngineDist_cm: f.eng * 100,
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
