package track

import (
	"math"
	"math/bits"
)

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
	lastN    int64 // last tick number with an estimate

	// Tick ring, indexed by tick number & mask. One struct per tick (not
	// one slice per axis) so that the forward step, the backward pass and
	// the emission of a tick touch one place in memory.
	ticks []tickSlot
	// sz is the ball's smoothed height by tick slot, beside the tick ring
	// so that a tickSlot is 128 bytes (two cache lines); nil for a player,
	// whose height is never smoothed.
	sz []State

	acc accum
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
	top                                      float64
	onCourt                                  int64 // ticks
	bands                                    []float64
	sprintRun, accelRun, decelRun            int
	sprints, accels, decels                  int
}

// allocTicks sizes the tick ring. The per-tick loops touch the same slot
// of every sensor in turn, and rings of one size are allocated alike (16
// KiB rings start on page boundaries): without an offset, slot n of every
// sensor would tend to fall at the same address modulo 4 KiB, i.e. in the
// same L1 cache sets, and more sensors than the cache has ways would evict
// each other on every tick. So each sensor's ring starts index mod 32
// slots into its allocation (measured: about 3 % of the engine's time).
func (sn *sensor) allocTicks(capacity int) {
	off := int(sn.index % 32)
	sn.ticks = make([]tickSlot, capacity+off)[off : off+capacity : off+capacity]
	if sn.kind == KindBall {
		sn.sz = make([]State, capacity)
	}
	for i := range sn.ticks {
		sn.ticks[i].seg = noSeg
	}
	sn.lastN = noSeg
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
// probing, at most half full. A lookup costs a multiply and one probe,
// whose id and sensor sit side by side in one 16-byte entry (no second
// array or index to follow).
//
// One probe, because put keeps every id in its home slot whenever it can:
// when a new id collides, the table is rebuilt with another multiplier
// (eight per size) and, failing that, twice the size, up to eight slots
// per id; only past that do ids share probe runs (still correct, slower).
// With real feeds' ids, probe runs of varying length made the lookup's
// loop exit mispredicted on about one sample in two. It allocates only
// when a new id is put.
type idTable struct {
	e     []idEntry
	n     int
	mask  uint64
	mul   uint64 // odd multiplier of the hash
	shift uint8  // 64 − log2(len(e)): the slot is the product's top bits
}

// idEntry is one slot of an idTable; sn == nil marks an empty slot.
type idEntry struct {
	id int64
	sn *sensor
}

// slot is id's home slot: the top bits of id·mul (Fibonacci hashing; every
// bit of id moves them).
func (t *idTable) slot(id int64) uint64 {
	return uint64(id) * t.mul >> t.shift
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

// put adds id (or replaces its sensor).
func (t *idTable) put(id int64, sn *sensor) {
	if 2*(t.n+1) <= len(t.e) && t.insert(id, sn) {
		return
	}
	all := make([]idEntry, 0, t.n+1)
	known := false
	for _, en := range t.e {
		if en.sn != nil {
			if en.id == id {
				en.sn, known = sn, true
			}
			all = append(all, en)
		}
	}
	if !known {
		all = append(all, idEntry{id, sn})
	}
	c := max(16, len(t.e))
	for c < 2*len(all) {
		c *= 2
	}
	for {
		for try := range uint64(8) {
			if t.build(all, c, idMultiplier(try)) || try == 7 && c >= 8*len(all) {
				return
			}
		}
		c *= 2
	}
}

// insert puts id into the table, which has room, and reports whether it
// sits in its home slot.
func (t *idTable) insert(id int64, sn *sensor) bool {
	i := t.slot(id)
	home := true
	for t.e[i].sn != nil && t.e[i].id != id {
		i = (i + 1) & t.mask
		home = false
	}
	if t.e[i].sn == nil {
		t.n++
	}
	t.e[i] = idEntry{id, sn}
	return home
}

// build refills the table with c slots and multiplier mul and reports
// whether every id sits in its home slot.
func (t *idTable) build(all []idEntry, c int, mul uint64) bool {
	*t = idTable{e: make([]idEntry, c), mask: uint64(c - 1), mul: mul, shift: uint8(64 - bits.TrailingZeros(uint(c)))}
	ok := true
	for _, en := range all {
		ok = t.insert(en.id, en.sn) && ok
	}
	return ok
}

// idMultiplier is the try-th odd multiplier for idTable's hash: the
// golden-ratio constant first, then splitmix64 values of try.
func idMultiplier(try uint64) uint64 {
	if try == 0 {
		return 0x9E3779B97F4A7C15
	}
	z := try * 0x9E3779B97F4A7C15
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return (z ^ z>>31) | 1
}
