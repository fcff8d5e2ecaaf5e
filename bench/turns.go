package bench

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"time"

	"github.com/stmotion/stmotion/export"
)

// turn is something a pipeline benchmark times: a stage, or the pipeline
// on one of Scale's games, or Games' runs with some number of jobs.
type turn struct {
	name string
	run  func() (counts, error)
}

// takeTurns runs the turns in turn, one run each per round, for reps
// rounds (a, b, a, b, ... for two), so that a burst of other load on a
// shared machine, or what a run leaves in the process, falls on every
// turn's runs alike instead of all of one's. It returns a result per
// turn, in order, its runs folded (StageResult.fold).
func takeTurns(reps int, turns []turn) ([]StageResult, error) {
	results := make([]StageResult, len(turns))
	for rep := range reps {
		for i, t := range turns {
			run, err := measureRun(t.run)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", t.name, err)
			}
			results[i].Name = t.name
			results[i].fold(run, rep == 0)
		}
	}
	return results, nil
}

// fold adds a run to r: its wall time if the lowest so far, its CPU time
// if the lowest so far (each the steadiest figure of its kind on a shared
// machine; the two may come from different runs, since which run the
// scheduler favours is not the one that did the least work), its heap
// peaks if higher, and the first run's peak RSS (later runs start from
// what the runs before left resident). The counts are the first run's:
// every run of a stage processes the same input.
func (r *StageResult) fold(run StageResult, first bool) {
	switch {
	case first:
		r.Locations, r.Bytes, r.Rows, r.Out = run.Locations, run.Bytes, run.Rows, run.Out
		r.Wall, r.CPU, r.HaveCPU = run.Wall, run.CPU, run.HaveCPU
		r.WallCPU = run.CPU
	default:
		if run.Wall < r.Wall {
			r.Wall, r.WallCPU = run.Wall, run.CPU
		}
		r.CPU, r.HaveCPU = min(r.CPU, run.CPU), r.HaveCPU && run.HaveCPU
		if !r.HaveCPU {
			r.CPU = 0
		}
	}
	r.PeakHeap_bytes = max(r.PeakHeap_bytes, run.PeakHeap_bytes)
	r.PeakLive_bytes = max(r.PeakLive_bytes, run.PeakLive_bytes)
	if first {
		r.PeakRSS_bytes = run.PeakRSS_bytes
	}
}

// measureRun runs a stage once and returns what it measured.
func measureRun(run func() (counts, error)) (StageResult, error) {
	// Each run starts as a lone 'stmotion analyze' does: without the
	// column buffers an earlier run's Writer left for reuse.
	export.ReleaseBuffers()
	runtime.GC()
	rss := ResetPeakRSS()
	sampler := startHeapSampler()
	cpu0, ok0 := ProcessCPUTime()
	start := time.Now()
	c, err := run()
	wall := time.Since(start)
	cpu1, ok1 := ProcessCPUTime()
	peak := sampler.stop()
	if err != nil {
		return StageResult{}, err
	}
	f := StageResult{Locations: c.locations, Bytes: c.bytes, Rows: c.rows, Out: c.out,
		Wall: wall, PeakHeap_bytes: peak[0], PeakLive_bytes: peak[1]}
	if ok0 && ok1 {
		f.CPU, f.HaveCPU = cpu1-cpu0, true
	}
	if p, ok := PeakRSS(); ok && rss {
		f.PeakRSS_bytes = p
	}
	return f, nil
}

// heapSampler samples the Go heap every 2 ms until stop (runtime/metrics,
// no stop-the-world) and reports two peaks above the values at the start:
// the heap's objects (what the process holds, garbage not yet collected
// included: it depends on when the GC runs) and the live heap marked by
// the last GC (what the pipeline really keeps).
type heapSampler struct {
	done chan struct{}
	peak chan [2]uint64
}

func startHeapSampler() heapSampler {
	s := heapSampler{done: make(chan struct{}), peak: make(chan [2]uint64)}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	var base [2]uint64
	for i := range base {
		base[i] = sample[i].Value.Uint64()
	}
	go func() {
		var peak [2]uint64
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			for i := range peak {
				if v := sample[i].Value.Uint64(); v > base[i] && v-base[i] > peak[i] {
					peak[i] = v - base[i]
				}
			}
			select {
			case <-s.done:
				s.peak <- peak
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s heapSampler) stop() [2]uint64 {
	close(s.done)
	return <-s.peak
}
