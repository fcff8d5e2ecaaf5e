package track

import "math"

// noSeg marks a tick slot where a sensor has no estimate.
const noSeg = math.MinInt64

// sensor is everything the engine keeps about one sensor id. Its memory is
// fixed at creation (raw ring) and at grid start (tick ring): nothing here
// grows with the session length, except DistPeriod_m by one entry per
// period.
type sensor struct {
	id       int64
	index    int32 // dense index in Session.sensors
	kind     SensorKind
	team     int64
	onRoster bool
	model    *Model
	kin      *KinConfig

	raw      ring
	checkedT int64 // the middle sample already checked for an outlier (consume)
	split    bool  // the next estimate starts a new track (gap or teleport behind)
	holds    int32 // DIST checks held for this player's open dropout (heldCheck)
	lastN    int64 // last tick number with an estimate

	// Tick ring, indexed by tick number & mask. One struct per tick (not
	// one slice per axis) so that the forward step, the backward pass and
	// the emission of a tick touch one place in memory.
	ticks []tickSlot
	// sz is the ball's smoothed height by tick slot, beside the tick ring
	// so that a tickSlot is 128 bytes (two cache lines); nil for a player,
	// whose height is never smoothed.
	sz []State

	// pre is the scratch forward estimate of live frames that leave ahead
	// of the grid (Session.framesAhead).
	pre preSlot

	acc accum
}

// preSlot is a sensor's forward estimate at a tick the grid has not
// reached (Session.forwardAhead): its tick n (noSeg: none), the start tick
// of its track, the time of the raw sample it was interpolated from (the
// left bracket), and the filtered states; and the horizontal speeds of
// the scratch estimates by tick & (len(sp)−1), for the acceleration of
// the rows that leave ahead (Session.liveAccel; live mode only, nil in
// batch).
type preSlot struct {
	n, seg, lt int64
	f          axes
	sp         []float64
}

// tickSlot is one sensor's estimate at one tick: the start tick of the
// track it belongs to (noSeg: no estimate), the filtered states on the x,
// y and z axes and the smoothed states on x and y (the ball's smoothed z
// is in sensor.sz; a player's rows take the filtered z).
type tickSlot struct {
	seg int64
	f   axes
	s   [2]State
}

// axes holds one State per axis: x, y, z.
type axes [3]State

// accum holds one player's running figures.
type accum struct {
	moving bool
	// The last emitted estimate, to bridge gaps.
	lastN          int64
	lastX, lastY   float64
	lastVx, lastVy float64

	dist, distLive, distCourt, distLiveCourt float64
	distPeriod                               []float64
	raw                                      float64
	unseen                                   float64 // chords across gaps longer than BridgeGap_ms (not in dist)
	top                                      float64
	topEnd                                   float64 // top speed at the ticks near a track's end, used only while top is 0 (topAtEnd)
	onCourt                                  int64   // ticks
	bands                                    []float64
	sprint, accel, decel                     effort
	sprints, accels, decels                  effortCount

	// Per period (index 0 = period 1; the efforts' in sprints, accels
	// and decels). The time on court and in the speed bands is not
	// added per tick twice: period is the period of the ticks credited
	// since onCourt and bands stood at courtMark and bandMark, and
	// enterPeriod moves what they gained since into courtPeriod and
	// bandPeriod when a tick of another period comes (periodFigures adds the
	// open part). So the entries and the part outside any period add up
	// to the totals, and a tick costs one comparison.
	period      int32
	courtMark   int64
	bandMark    []float64
	courtPeriod []int64   // ticks on court
	bandPeriod  []float64 // seconds, len(bands) per period, flat
}

// enterPeriod credits the time on court and in the speed bands gained
// since the last period change to the period then (none to period 0:
// outside any period), and starts counting the ticks of period p (the
// efforts' runs that start now are p's).
func (a *accum) enterPeriod(p int32) {
	if q := a.period; q > 0 {
		nb := len(a.bands)
		a.courtPeriod = grow(a.courtPeriod, int(q))
		a.bandPeriod = grow(a.bandPeriod, int(q)*nb)
		a.courtPeriod[q-1] += a.onCourt - a.courtMark
		bp := a.bandPeriod[int(q-1)*nb : int(q)*nb]
		for k, b := range a.bands {
			bp[k] += b - a.bandMark[k]
		}
	}
	if a.bandMark == nil {
		a.bandMark = make([]float64, len(a.bands))
	}
	a.courtMark = a.onCourt
	copy(a.bandMark, a.bands)
	a.period = p
	a.sprint.cur, a.accel.cur, a.decel.cur = p, p, p
}

// grow extends s with zeros to at least n entries.
func grow[E int | int64 | float64](s []E, n int) []E {
	if n > len(s) {
		s = append(s, make([]E, n-len(s))...)
	}
	return s
}

// allocTicks sizes the tick ring. The per-tick loops touch the same slot
// of every sensor in turn, and rings of one size are allocated alike (16
// KiB rings start on page boundaries): without an offset, slot n of every
// sensor would tend to fall at the same address modulo 4 KiB, i.e. in the
// same L1 cache sets, and more sensors than the cache has ways would evict
// each other on every tick. So each sensor's ring starts index mod 32
// slots into its allocation (measured: about 3 % of the engine's time).
// preSpeeds (a power of two, or 0) sizes sn.pre.sp.
func (sn *sensor) allocTicks(capacity, preSpeeds int) {
	off := int(sn.index % 32)
	sn.ticks = make([]tickSlot, capacity+off)[off : off+capacity : off+capacity]
	sn.pre.sp = nil
	if preSpeeds > 0 {
		sn.pre.sp = make([]float64, preSpeeds)
	}
	sn.sz = nil
	sn.resetTicks()
}

// resetTicks empties the tick ring (and gives a ball its smoothed heights,
// a player none): a new sensor's, or one whose place a new id takes
// (Session.evict).
func (sn *sensor) resetTicks() {
	if sn.kind != KindBall {
		sn.sz = nil
	} else if sn.sz == nil {
		sn.sz = make([]State, len(sn.ticks))
	} else {
		clear(sn.sz)
	}
	for i := range sn.ticks {
		sn.ticks[i].seg = noSeg
	}
	sn.lastN = noSeg
	sn.pre.n = noSeg
	sn.acc.lastN = noSeg
}

// teleport reports whether two raw samples are too far apart for the
// sensor's kind to have moved between them.
func (sn *sensor) teleport(a, b *rawSample) bool {
	dt := float64(b.t-a.t) * 1e-3
	dx, dy := b.x-a.x, b.y-a.y
	lim := sn.kin.MaxSpeed_mps*dt + sn.kin.JumpSlack_m
	return dx*dx+dy*dy > lim*lim
}

// idTable maps sensor ids to their sensors: open addressing with linear
// probing, kept at most half full. A lookup costs a multiply and usually
// one probe, whose id and sensor sit side by side in one 16-byte entry (one
// cache line, no second array or index to follow); it allocates only when
// a new id makes it grow.
type idTable struct {
	e    []idEntry
	n    int
	mask uint64
}

// idEntry is one slot of an idTable; sn == nil marks an empty slot.
type idEntry struct {
	id int64
	sn *sensor
}

func (t *idTable) slot(id int64) uint64 {
	return (uint64(id) * 0x9E3779B97F4A7C15) >> 32 & t.mask
}

// get returns the sensor of id, or nil.
func (t *idTable) get(id int64) *sensor {
	if t.n == 0 {
		return nil
	}
	e := t.e
	for i := t.slot(id); ; i = (i + 1) & t.mask {
		en := &e[i]
		if en.sn == nil || en.id == id {
			return en.sn
		}
	}
}

// remove deletes id from the table (backward shift: the entries after
// it in its probe run move up, so lookups need no tombstones).
func (t *idTable) remove(id int64) {
	if t.n == 0 {
		return
	}
	i := t.slot(id)
	for t.e[i].id != id || t.e[i].sn == nil {
		if t.e[i].sn == nil {
			return
		}
		i = (i + 1) & t.mask
	}
	for j := i; ; {
		j = (j + 1) & t.mask
		if t.e[j].sn == nil {
			break
		}
		// e[j] may move to the hole at i unless its home slot k lies
		// cyclically in (i, j].
		k := t.slot(t.e[j].id)
		if (j-k)&t.mask >= (j-i)&t.mask {
			t.e[i] = t.e[j]
			i = j
		}
	}
	t.e[i] = idEntry{}
	t.n--
}

func (t *idTable) put(id int64, sn *sensor) {
	if 2*(t.n+1) > len(t.e) {
		old := t.e
		c := max(16, 2*len(old))
		*t = idTable{e: make([]idEntry, c), mask: uint64(c - 1)}
		for _, en := range old {
			if en.sn != nil {
				t.put(en.id, en.sn)
			}
		}
	}
	i := t.slot(id)
	for t.e[i].sn != nil && t.e[i].id != id {
		i = (i + 1) & t.mask
	}
	if t.e[i].sn == nil {
		t.n++
	}
	t.e[i] = idEntry{id, sn}
}
