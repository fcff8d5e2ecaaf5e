package track

// ring holds one sensor's raw samples in time order, with a fixed
// power-of-two capacity (prometheus storage/buffer.go style). The oldest
// sample is the left bracket of the next grid tick; samples are consumed
// from the front as the grid advances, so the ring only ever holds the
// reorder window plus the pending gap wait.
//
// The samples are stored as structs (time and position side by side), not
// as one slice per field: every access reads or writes a sample's time
// with its position (the push of location, the brackets and the outlier
// check of consume and forwardSensor), so one cache line serves two whole
// samples and one bounds check covers a sample's four fields.
type ring struct {
	s          []rawSample
	head, n    int
	mask       int
	lastPopped int64 // timestamp of the newest consumed sample (duplicate check)
	popped     bool
}

// rawSample is one raw sample in the court frame: time (ms) and position (m).
type rawSample struct {
	t       int64
	x, y, z float64
}

// newRing returns an empty ring of at least the given capacity whose
// first sample goes to physical index start & mask. Sensors fed in
// lockstep sit at the same logical positions, and rings of one size have
// the same alignment: starting each sensor's ring one cache line (two
// samples) further on keeps their samples of one tick out of each other's
// L1 cache sets.
func newRing(capacity, start int) ring {
	c := 8
	for c < capacity {
		c <<= 1
	}
	return ring{s: make([]rawSample, c), mask: c - 1, head: start & (c - 1)}
}

func (r *ring) full() bool { return r.n == len(r.s) }

// has reports whether the ring holds or held a sample at time t: one it
// holds, or one consumed that its slots still keep. The slots behind the
// head keep the consumed samples in time order until new ones overwrite
// them (the ring's capacity less the samples it holds: about 10 s of a
// 25 Hz feed with the default RingSize); the slot just past the newest
// is not read (dropNewest leaves a dropped sample there). A slot never
// written has time 0, before every plausible time. For the samples too
// late to place (Session.place), never on the per-sample path.
func (r *ring) has(t int64) bool {
	if r.popped && t == r.lastPopped {
		return true
	}
	for i := range r.n {
		if ti := r.s[r.at(i)].t; ti == t {
			return true
		} else if ti > t {
			break // (the slots behind hold older times still)
		}
	}
	for i := len(r.s) - 1; i > r.n; i-- {
		if ti := r.s[r.at(i)].t; ti <= t {
			return ti == t
		}
	}
	return false
}

// at returns the physical index of logical position i (0 = oldest).
func (r *ring) at(i int) int { return (r.head + i) & r.mask }

func (r *ring) lastT() int64 { return r.s[r.at(r.n-1)].t }

// insertResult says where insert placed a sample.
type insertResult uint8

const (
	inserted insertResult = iota
	insertedOutOfOrder
	duplicate
	ringFull
)

// push appends a sample newer than every one held when the ring holds
// some and has room, and reports whether it did: the common case of insert
// (which handles every case), small enough to inline into the caller.
func (r *ring) push(t int64, x, y, z float64) bool {
	if r.n == 0 || r.n == len(r.s) || t <= r.lastT() {
		return false
	}
	r.s[r.at(r.n)] = rawSample{t, x, y, z}
	r.n++
	return true
}

// insert places a sample in time order. Equal timestamps are duplicates.
// The caller has checked that t is not older than what was consumed.
func (r *ring) insert(t int64, x, y, z float64) insertResult {
	if r.popped && t == r.lastPopped {
		return duplicate
	}
	if r.n == 0 || t > r.lastT() {
		if r.full() {
			return ringFull
		}
		r.s[r.at(r.n)] = rawSample{t, x, y, z}
		r.n++
		return inserted
	}
	// Find the first position whose time is > t, scanning from the end
	// (out-of-order samples are nearly always within the last few).
	pos := r.n
	for pos > 0 {
		p := r.at(pos - 1)
		if r.s[p].t == t {
			return duplicate
		}
		if r.s[p].t < t {
			break
		}
		pos--
	}
	if r.full() {
		return ringFull
	}
	for i := r.n; i > pos; i-- {
		r.s[r.at(i)] = r.s[r.at(i-1)]
	}
	r.s[r.at(pos)] = rawSample{t, x, y, z}
	r.n++
	return insertedOutOfOrder
}
