package live_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
)

func TestRecorder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bundle")
	r, err := live.NewRecorder(dir, live.RecorderOptions{FlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	msgs := []string{
		`{"type":"pong"}`,
		"{\"type\":\n\"pong\"}", // a raw newline: compacted onto one line
		`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":2,"z":3}}`,
		`{"type":"loc`, // truncated: kept verbatim
	}
	for _, m := range msgs {
		if err := r.Message([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, decode.BundleMessages)
	if data, _ := os.ReadFile(path); len(data) != 0 {
		t.Errorf("%d bytes on disk before the flush interval, want 0 (buffered)", len(data))
	}
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	want := `{"type":"pong"}` + "\n" + `{"type":"pong"}` + "\n" + msgs[2] + "\n" + msgs[3] + "\n"
	if string(data) != want {
		t.Errorf("messages.jsonl =\n%s\nwant\n%s", data, want)
	}
	if err := r.Duplicate([]byte(msgs[0])); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(decode.BundleCourt, []byte(`{"xne":1}`)); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(decode.BundleLive, &decode.LiveInfo{Teams: []decode.LiveTeam{{ID: 1, Live: decode.LiveMeta{ID: "L"}}}}); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteGap(&decode.LiveStats{}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Message([]byte(`{}`)); err == nil {
		t.Error("Message after Close succeeded")
	}
	if r.Lines() != 4 {
		t.Errorf("Lines() = %d, want 4", r.Lines())
	}
	dups, _ := os.ReadFile(filepath.Join(dir, live.BundleDuplicates))
	if string(dups) != msgs[0]+"\n" {
		t.Errorf("duplicates.jsonl = %q", dups)
	}
	if _, err := os.Stat(filepath.Join(dir, live.BundleGapDir, "0001-stats.json")); err != nil {
		t.Error(err)
	}
	b, err := decode.OpenBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Live == nil || b.Live.Teams[0].Live.ID != "L" || !strings.Contains(string(b.Court), `"xne": 1`) {
		t.Errorf("bundle live %+v court %s", b.Live, b.Court)
	}
}

// TestRecorderFlushInterval: lines reach the file within the interval
// without an explicit Flush.
func TestRecorderFlushInterval(t *testing.T) {
	dir := t.TempDir()
	r, err := live.NewRecorder(dir, live.RecorderOptions{FlushInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.Message([]byte(`{"type":"pong"}`))
	waitFor(t, "the periodic flush", func() bool {
		data, _ := os.ReadFile(filepath.Join(dir, decode.BundleMessages))
		return len(data) > 0
	})
}

// A Recorder opened on a bundle that has gap files (a re-join) numbers
// its own after them instead of overwriting them.
func TestRecorderGapNumberingContinues(t *testing.T) {
	dir := t.TempDir()
	for want := 1; want <= 3; want++ {
		r, err := live.NewRecorder(dir, live.RecorderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.WriteGap(&decode.LiveStats{}, nil, nil); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		got, _ := filepath.Glob(filepath.Join(dir, live.BundleGapDir, "*-stats.json"))
		if len(got) != want || filepath.Base(got[want-1]) != fmt.Sprintf("%04d-stats.json", want) {
			t.Fatalf("after recorder %d: gap files %v, want 0001 to %04d", want, got, want)
		}
	}
}

// TestRecorderEndsCutLine: a recording cut mid-line by a crash (kill -9
// between two writes of the buffer) has the line ended before a re-join
// appends: the fragment stays one bad line of its own and the re-join's
// first message, the ack, is whole. It used to be appended to the
// fragment, and both were lost as one bad line.
func TestRecorderEndsCutLine(t *testing.T) {
	dir := t.TempDir()
	const whole = `{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":2,"z":3}}`
	const cut = `{"type":"location","data":{"o`
	const ack = `{"data":{"socketSessionId":"1"},"action":"subscribe","type":"ack"}`
	for _, name := range []string{decode.BundleMessages, live.BundleDuplicates} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(whole+"\n"+cut), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // the second re-join finds whole lines: nothing to end
		r, err := live.NewRecorder(dir, live.RecorderOptions{FlushInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Message([]byte(ack)); err != nil {
			t.Fatal(err)
		}
		if err := r.Duplicate([]byte(ack)); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	want := whole + "\n" + cut + "\n" + ack + "\n" + ack + "\n"
	for _, name := range []string{decode.BundleMessages, live.BundleDuplicates} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s:\n%s\nwant\n%s", name, got, want)
		}
	}
}

// The duplicates file keeps the first duplicates up to MaxDuplicates_B,
// counting the rest in duplicates_not_kept.json, over every Recorder of
// the bundle (a re-join goes on from the file's size and counts); a
// negative bound keeps none.
func TestRecorderDuplicatesBounded(t *testing.T) {
	dir := t.TempDir()
	line := `{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":2,"z":3}}` // 85 B and a newline
	size_B := int64(len(line) + 1)
	notKept := func() (nk struct{ Messages, Size_B, Max_B int64 }) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, live.BundleDuplicatesNotKept))
		if err != nil && !os.IsNotExist(err) || err == nil && json.Unmarshal(b, &nk) != nil {
			t.Fatalf("%s: %v %s", live.BundleDuplicatesNotKept, err, b)
		}
		return nk
	}
	f := func(max_B int64, n int, wantKept, wantNotKept, wantTotal int64) {
		t.Helper()
		r, err := live.NewRecorder(dir, live.RecorderOptions{FlushInterval: time.Hour, MaxDuplicates_B: max_B})
		if err != nil {
			t.Fatal(err)
		}
		for range n {
			if err := r.Duplicate([]byte(line)); err != nil {
				t.Fatal(err)
			}
		}
		if got := r.DuplicatesNotKept(); got != wantNotKept {
			t.Errorf("bound %d B, %d duplicates: DuplicatesNotKept %d, want %d", max_B, n, got, wantNotKept)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if kept := int64(len(readLines(t, filepath.Join(dir, live.BundleDuplicates)))); kept != wantKept {
			t.Errorf("bound %d B, %d duplicates: %d lines in the file, want %d", max_B, n, kept, wantKept)
		}
		if nk := notKept(); nk.Messages != wantTotal || nk.Size_B != wantTotal*size_B || wantNotKept > 0 && nk.Max_B != max(max_B, 0) {
			t.Errorf("bound %d B, %d duplicates: %s %+v, want %d messages not kept", max_B, n, live.BundleDuplicatesNotKept, nk, wantTotal)
		}
	}
	f(3*size_B+10, 2, 2, 0, 0) // room for 3: no file of those not kept
	f(3*size_B+10, 5, 3, 4, 4) // a re-join: 1 more fits
	f(10*size_B, 2, 5, 0, 4)   // a larger bound: room again
	f(-1, 3, 5, 3, 7)          // none kept
}
