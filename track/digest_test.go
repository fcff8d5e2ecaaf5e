//go:build amd64 && !amd64.v3

package track

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/synth"
)

var updateDigest = flag.Bool("update-digest", false, "rewrite testdata/digest.golden (only for a change meant to move the engine's output)")

// TestOutputDigest pins what the engine and its analyzers produce on a
// simulated game to the bit: every Sample row, every Segment and the
// Summary, hashed, in batch and live mode and with folded heatmaps. A
// performance change must leave these digests alone; a change meant to
// move the figures rewrites them (go test ./track -run OutputDigest
// -update-digest) and says why in its commit.
//
// The game has its feed degraded more than the default (duplicates,
// reordering, outliers, dropouts, feed silences), so the paths for bad
// samples are pinned too. amd64 only, below GOAMD64=v3: other targets may
// fuse multiply-adds (FMA), which changes the last bits legitimately.
func TestOutputDigest(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a game")
	}
	sc := synth.DefaultConfig()
	sc.Minutes, sc.Seed = 1.5, 7
	sc.DuplicateRate, sc.ReorderRate, sc.OutlierRate = 0.01, 0.02, 0.005
	sc.DropoutsPerMin, sc.FeedGapRate = 2, 1
	_, meta, messages := synthBundle(t, sc)
	meta.SessionID = "digest"
	cases := []struct {
		name         string
		causal, fold bool
	}{
		{"batch", false, false},
		{"live", true, false},
		{"batch-fold", false, true},
	}
	var got []string
	for _, c := range cases {
		got = append(got, c.name+" "+digestRun(t, meta, messages, c.causal, c.fold))
	}
	path := filepath.Join("testdata", "digest.golden")
	if *updateDigest {
		if err := os.WriteFile(path, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with -update-digest)", err)
	}
	want := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(want) != len(got) {
		t.Fatalf("%s has %d lines, want %d", path, len(want), len(got))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("output changed:\n got  %s\n want %s", got[i], want[i])
		}
	}
}

// digestRun runs the engine on the messages as pipeline.Attach wires it
// and returns "rows segments sha256".
func digestRun(t *testing.T, meta Meta, messages string, causal, fold bool) string {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Causal = causal
	sink := &digestSink{h: sha256.New()}
	sink.w = bufio.NewWriter(sink.h)
	s, err := NewSession(cfg, meta, sink)
	if err != nil {
		t.Fatal(err)
	}
	attachAnalyzers(t, s, meta, fold)
	feedRecording(t, s, messages, nil)
	if _, err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if sink.err != nil {
		t.Fatal(sink.err)
	}
	if sink.rows == 0 || sink.segs == 0 {
		t.Fatalf("%d rows, %d segments: the game produced nothing to pin", sink.rows, sink.segs)
	}
	return fmt.Sprintf("%d %d %x", sink.rows, sink.segs, sink.h.Sum(nil))
}

// digestSink hashes what it receives. %v prints a float64 in the shortest
// form that reads back to the same bits, so the text is exact.
type digestSink struct {
	h          hash.Hash
	w          *bufio.Writer
	rows, segs int
	err        error
}

func (d *digestSink) Samples(b []Sample) error {
	for i := range b {
		fmt.Fprintf(d.w, "%+v\n", b[i])
	}
	d.rows += len(b)
	return nil
}

func (d *digestSink) Segment(s *Segment) error {
	fmt.Fprintf(d.w, "%+v\n", *s)
	d.segs++
	return nil
}

func (d *digestSink) Close(sum *Summary) error {
	js, err := json.Marshal(sum)
	if err != nil {
		d.err = fmt.Errorf("summary: %w", err)
		return nil
	}
	d.w.Write(js)
	d.err = d.w.Flush()
	return nil
}
