package synth_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stmotion/stmotion/synth"
)

// A short game streamed as JSONL: the first line is the PLAY_START marker,
// the truth says who played.
func ExampleWriteMessages() {
	cfg := synth.DefaultConfig()
	cfg.Minutes = 0.5
	var buf bytes.Buffer
	tr, err := synth.WriteMessages(context.Background(), cfg, &buf, nil)
	if err != nil {
		panic(err)
	}
	first, _ := bufio.NewReader(&buf).ReadString('\n')
	fmt.Print(first)
	fmt.Println(len(tr.Players), "players,", len(tr.Teams), "teams, ball", tr.BallID)
	fmt.Println(tr.Markers[0].Type, "…", tr.Markers[len(tr.Markers)-1].Type)
	// Output:
	// {"type":"marker","data":{"occurred_at":1764151200000,"type":"PLAY_START"}}
	// 24 players, 2 teams, ball 2147549498
	// PLAY_START … PLAY_END
}

// A bundle directory, and its truth read back.
func ExampleWrite() {
	dir, _ := os.MkdirTemp("", "synth-example")
	defer os.RemoveAll(dir)
	cfg := synth.DefaultConfig()
	cfg.Minutes = 0.5
	cfg.Compress = "zst"
	if _, err := synth.Write(context.Background(), cfg, dir, nil); err != nil {
		panic(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		fmt.Println(filepath.Base(f))
	}
	tr, err := synth.ReadTruth(filepath.Join(dir, synth.FileTruth))
	if err != nil {
		panic(err)
	}
	p := tr.Players[0]
	fmt.Println(p.DIST_cm == int64(p.Distance_m*100+0.5), tr.SensorFromCourt.Rotation_deg)
	// Output:
	// court.json
	// live.json
	// messages.jsonl.zst
	// shots.json
	// stats.json
	// subscribe.json
	// truth.json
	// true -31
}

// The built-in sample used by analyze, mock and live --demo.
func ExampleSampleConfig() {
	c := synth.SampleConfig()
	fmt.Println(c.Minutes, "minutes at", c.Hz, "Hz, seed", c.Seed, "on", c.Court)
	// Output: 4 minutes at 25 Hz, seed 33 on nba
}

// Simulate hands every 10 ms step of the noise-free motion to a callback,
// for ground truth the Truth does not hold (speeds at sample times,
// heatmaps, accelerations).
func ExampleSimulate() {
	cfg := synth.DefaultConfig()
	cfg.Minutes = 1
	var frames int
	tr, err := synth.Simulate(context.Background(), cfg, nil, func(f *synth.Frame) {
		frames++
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(frames, "frames of", synth.StepMs, "ms for", tr.Duration_s, "s;", len(tr.Players), "players each")
	// Output: 6000 frames of 10 ms for 60 s; 24 players each
}
