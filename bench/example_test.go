package bench_test

import (
	"context"
	"fmt"
	"os"
	"runtime"

	"github.com/stmotion/stmotion/bench"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/synth"
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

// A pipeline benchmark writes its game and every run's outputs to a
// directory of its own; the stages take turns, and each one's figures are
// its lowest wall and CPU times and its highest heap peaks.
func ExampleNewPipeline() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "pipeline-bench-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	game := synth.DefaultConfig()
	game.Minutes = 1
	p, err := bench.NewPipeline(ctx, bench.PipelineOptions{Dir: dir, Game: game, Reps: 3})
	if err != nil {
		panic(err)
	}
	rep, err := p.Stages(ctx)
	if err != nil {
		panic(err)
	}
	for _, s := range rep.Stages {
		fmt.Printf("%-10s %6.2f M loc/s %8d rows, peak heap %5.1f MB\n", s.Name, s.Locs_per_s()/1e6, s.Rows, float64(s.PeakHeap_bytes)/1e6)
	}
}
