package track

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRing drives rings of two capacities, whose first sample goes to
// several physical slots (newRing's start), with random pushes, inserts
// (in order, out of order, duplicates, some into a full ring) and pops,
// so that the samples wrap around the end of the storage many times, and
// checks every result and the ring's contents in logical order against a
// sorted slice, and what has remembers against the times popped.
func TestRing(t *testing.T) {
	for _, capacity := range []int{8, 16} {
		for _, start := range []int{0, 3, 7, 13} {
			name := fmt.Sprintf("capacity %d start %d", capacity, start)
			rng := rand.New(rand.NewPCG(uint64(capacity), uint64(start)))
			r := newRing(capacity, start)
			var want []int64 // times held, oldest first
			var lastPopped int64 = -1
			var popped []int64 // every time popped, oldest first
			newest := int64(1000)
			// add offers tt to the ring as location does (push, then insert
			// when push declines) or with insert alone, and checks the result.
			add := func(op int, tt int64, tryPush bool) {
				x := float64(tt) / 8
				_, dup := slices.BinarySearch(want, tt)
				dup = dup || tt == lastPopped
				full := len(want) == len(r.s)
				if tryPush {
					canPush := len(want) > 0 && !full && tt > want[len(want)-1]
					pushed := r.push(tt, x, -x, 1)
					if pushed != canPush {
						t.Fatalf("%s op %d: push(%d) = %v, want %v (held %v)", name, op, tt, pushed, canPush, want)
					}
					if pushed {
						want = append(want, tt)
						return
					}
				}
				got := r.insert(tt, x, -x, 1)
				switch {
				case dup:
					if got != duplicate {
						t.Fatalf("%s op %d: insert(%d) = %d, want duplicate (held %v, last popped %d)", name, op, tt, got, want, lastPopped)
					}
				case full:
					if got != ringFull {
						t.Fatalf("%s op %d: insert(%d) = %d, want ringFull", name, op, tt, got)
					}
				default:
					res := inserted
					if len(want) > 0 && tt < want[len(want)-1] {
						res = insertedOutOfOrder
					}
					if got != res {
						t.Fatalf("%s op %d: insert(%d) = %d, want %d (held %v)", name, op, tt, got, res, want)
					}
					i, _ := slices.BinarySearch(want, tt)
					want = slices.Insert(want, i, tt)
				}
			}
			for op := range 5000 {
				if len(want) > 0 && rng.IntN(len(r.s)+2) < len(want) {
					// Pop the oldest the way consume does.
					lastPopped, want = want[0], want[1:]
					popped = append(popped, lastPopped)
					r.lastPopped, r.popped = r.s[r.head].t, true
					r.head = (r.head + 1) & r.mask
					r.n--
				} else {
					// Mostly newer than the newest, sometimes a few older
					// (never older than the last popped: location drops
					// those as late), sometimes equal to one held.
					tt := max(newest+int64(rng.IntN(12))-4, lastPopped)
					newest = max(newest, tt)
					add(op, tt, rng.IntN(2) == 0)
				}
				if r.n != len(want) {
					t.Fatalf("%s op %d: ring holds %d samples, want %d", name, op, r.n, len(want))
				}
				for i, tt := range want {
					if s := r.s[r.at(i)]; s.t != tt || s.x != float64(tt)/8 || s.y != -s.x || s.z != 1 {
						t.Fatalf("%s op %d: sample %d is %+v, want t %d x %v (held %v)", name, op, i, s, tt, float64(tt)/8, want)
					}
				}
				if r.n > 0 && r.lastT() != want[len(want)-1] {
					t.Fatalf("%s op %d: lastT %d, want %d", name, op, r.lastT(), want[len(want)-1])
				}
				// has knows the times held and the last len(r.s)-n-1
				// popped (the slots behind the head), and no other.
				kept := popped[max(0, len(popped)-max(0, len(r.s)-r.n-1)):]
				for tt := newest - int64(3*len(r.s)); tt <= newest+1; tt++ {
					_, held := slices.BinarySearch(want, tt)
					_, old := slices.BinarySearch(kept, tt)
					if w := held || old || tt == lastPopped; r.has(tt) != w {
						t.Fatalf("%s op %d: has(%d) = %v, want %v (held %v, kept %v)", name, op, tt, !w, w, want, kept)
					}
				}
			}
		}
	}
}
