package live_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// parquetRows is the row count of a Parquet file.
func parquetRows(t *testing.T, path string) int64 {
	t.Helper()
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return r.NumRows()
}

// TestRejoinContinuesNumbering: the same live id joined twice into the
// same Out (messages.jsonl appended) keeps every table part and gap file
// of the first join: the second numbers its own on after them. Read as
// documented (the union of tables/part-*/), the samples hold both joins'
// rows and the summary tables one summary, the second join's (the one
// summary.json holds), with no player counted twice.
func TestRejoinContinuesNumbering(t *testing.T) {
	// Each join has a mock of its own (the same bundle and live id), so
	// that both get the whole feed with its dropped connections.
	opts := mock.Options{Speed: 2, DropEvery: 250 * time.Millisecond}
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	join := func() live.SessionResult {
		srv, c := liveMock(t, "", opts)
		return joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: out, PartInterval: 100 * time.Millisecond,
			MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	}
	first := join()
	gaps := func() []string {
		g, _ := filepath.Glob(filepath.Join(first.Dir, live.BundleGapDir, "*.json"))
		return g
	}
	firstGaps := map[string][]byte{}
	for _, g := range gaps() {
		firstGaps[g], _ = os.ReadFile(g)
	}
	if first.Reconnects == 0 || len(firstGaps) == 0 || len(first.Parts) == 0 {
		t.Fatalf("first join: %s, %d gap files, %d parts; want reconnects, gap files and parts", first.String(), len(firstGaps), len(first.Parts))
	}
	second := join()
	if second.Replayed == 0 {
		t.Errorf("second join: %s; want the bundle replayed into its engine first", second.String())
	}
	if first.EarlierParts != 0 || second.EarlierParts != len(first.Parts) {
		t.Errorf("earlier parts: %d at the first join, %d at the second; want 0 and the first join's %d",
			first.EarlierParts, second.EarlierParts, len(first.Parts))
	}

	for _, p := range second.Parts {
		for _, q := range first.Parts {
			if p == q {
				t.Errorf("part %s written by both joins", p)
			}
		}
	}
	all, _ := filepath.Glob(filepath.Join(first.Dir, "tables", "part-*"))
	if len(all) != len(first.Parts)+len(second.Parts) {
		t.Errorf("%d parts on disk, want the first join's %d and the second's %d", len(all), len(first.Parts), len(second.Parts))
	}
	for g, data := range firstGaps {
		if now, err := os.ReadFile(g); err != nil || string(now) != string(data) {
			t.Errorf("gap file %s of the first join was overwritten or removed (%v)", g, err)
		}
	}
	if n := len(gaps()); second.Reconnects == 0 || n <= len(firstGaps) {
		t.Errorf("%d gap files after the second join's %d reconnects, the first join left %d; want more", n, second.Reconnects, len(firstGaps))
	}

	var samples, players, box int64
	for _, p := range all {
		samples += parquetRows(t, filepath.Join(p, "samples.parquet"))
		players += parquetRows(t, filepath.Join(p, "players.parquet"))
		box += parquetRows(t, filepath.Join(p, "boxscore.parquet"))
	}
	if samples == 0 || players != int64(len(second.Summary.Players)) || box != int64(len(second.Summary.BoxScore)) {
		t.Errorf("union of the parts: %d samples, %d player rows, %d boxscore rows; want samples and one summary (%d players, %d box scores)",
			samples, players, box, len(second.Summary.Players), len(second.Summary.BoxScore))
	}
}
