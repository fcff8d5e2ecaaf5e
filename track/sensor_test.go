package track

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestIDTable puts sets of ids (sequential, random, multiples of a power
// of two) one by one and checks, after each put, that every id put finds
// its sensor and that ids never put are absent.
func TestIDTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	sets := map[string][]int64{}
	for _, n := range []int{1, 25, 300} {
		var seq, rnd, pow []int64
		for i := range n {
			seq = append(seq, int64(1000+i))
			rnd = append(rnd, rng.Int64()-rng.Int64())
			pow = append(pow, int64(i)<<40)
		}
		sets[fmt.Sprintf("seq%d", n)] = seq
		sets[fmt.Sprintf("rnd%d", n)] = rnd
		sets[fmt.Sprintf("pow%d", n)] = pow
	}
	for name, ids := range sets {
		var tb idTable
		sns := make([]*sensor, len(ids))
		for k, id := range ids {
			sns[k] = &sensor{id: id}
			tb.put(id, sns[k])
			for j := 0; j <= k; j++ {
				if got := tb.get(ids[j]); got != sns[j] {
					t.Fatalf("%s: after %d puts, get(%d) = %p, want %p", name, k+1, ids[j], got, sns[j])
				}
			}
			if k+1 < len(ids) {
				if got := tb.get(ids[k+1]); got != nil {
					t.Fatalf("%s: after %d puts, get(%d) (not put) = %p, want nil", name, k+1, ids[k+1], got)
				}
			}
		}
		if tb.n != len(ids) || 2*tb.n > len(tb.e) {
			t.Fatalf("%s: %d ids in %d slots, want %d ids in at least twice as many", name, tb.n, len(tb.e), len(ids))
		}
	}
}
