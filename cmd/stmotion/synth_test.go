package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/synth"
)

func TestSynthCommand(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), []string{"synth", "--out", dir, "--minutes", "0.5", "--seed", "9", "--court", "fiba", "--compress", "gz"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("synth: %v\nstderr: %s", err, stderr.String())
	}
	for _, f := range []string{"live.json", "subscribe.json", "court.json", "stats.json", "shots.json", "messages.jsonl.gz", "truth.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if !strings.Contains(stdout.String(), "wrote "+dir) || stderr.Len() != 0 {
		t.Errorf("stdout %q, stderr %q (no progress when stderr is not a terminal)", stdout.String(), stderr.String())
	}
	tr, err := synth.ReadTruth(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Court != "fiba" || tr.Config.Seed != 9 || tr.Duration_s != 30 {
		t.Errorf("truth says court %q seed %d duration %v", tr.Court, tr.Config.Seed, tr.Duration_s)
	}

	for _, bad := range [][]string{
		{"synth"},
		{"synth", "--out", dir, "--court", "moon"},
		{"synth", "--out", dir, "--compress", "xz"},
		{"synth", "--out", dir, "extra"},
	} {
		stdout.Reset()
		stderr.Reset()
		if err := Run(context.Background(), bad, &stdout, &stderr); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
