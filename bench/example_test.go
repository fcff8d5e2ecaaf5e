package bench_test

import (
	"fmt"
	"runtime"

	"github.com/stmotion/stmotion/bench"
	"github.com/stmotion/stmotion/decode"
)

// The checksum folds every decoded field in, so two corpora with the same
// values in a different key order and spacing decode to the same sum: what
// Measure uses to make sure that every decoder did the whole work.
func ExampleChecksum() {
	sum := func(c *bench.Corpus) uint64 {
		var d decode.Decoder
		var m decode.Message
		var cs bench.Checksum
		var liveID []byte
		for i := range c.Len() {
			if err := d.Decode(c.Line(i), &m); err != nil {
				panic(err)
			}
			liveID = m.Marker.LiveID.AppendUnescaped(liveID[:0], c.Line(i))
			cs.Add(&m, liveID)
		}
		return cs.Sum()
	}
	plain, err := bench.GameCorpus(bench.GameOptions{Seed: 7, Duration_s: 30})
	if err != nil {
		panic(err) // a duration out of range
	}
	shuffled, err := bench.GameCorpus(bench.GameOptions{Seed: 7, Duration_s: 30, Shuffled: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(plain.Line(1)) == string(shuffled.Line(1)), sum(plain) == sum(shuffled))
	// Output: false true
}

// ResetPeakRSS and PeakRSS bracket a run to measure the memory it needs
// from the machine, as "stmotion bench pipeline" does for each stage.
func ExamplePeakRSS() {
	runtime.GC()
	reset := bench.ResetPeakRSS()
	work := make([]byte, 32<<20)
	for i := range work {
		work[i] = byte(i)
	}
	if peak, ok := bench.PeakRSS(); ok && reset {
		fmt.Printf("peak RSS %.0f MB\n", float64(peak)/1e6)
	}
	runtime.KeepAlive(work)
}
