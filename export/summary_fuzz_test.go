package export

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadSummary reads back a summary.json, as a run that adds to a
// dataset (--add, --overwrite) reads an earlier run's, or another tool's.
// Refused, the error names the file; accepted, what was read is what
// the run writes back (WriteJSON), and reads again the same; the
// session the file names is what summaryNames and flatSession (the
// one-session files' owner) find.
func FuzzReadSummary(f *testing.F) {
	one := Summarize(fakeSummary())
	one.Source, one.Tables = "g1.jsonl", map[string]string{"samples": "samples.parquet"}
	multi := MultiSummary{StmotionVersion: "v1", Sessions: []SessionSummary{one, {SessionID: "g2", Source: "g2.jsonl", EarlierRun: true}},
		Failed:   []FailedInput{{Source: "bad.jsonl", SourcePath: "/d/bad.jsonl", Error: "decode: no messages"}},
		Unlisted: []UnlistedSession{{SessionID: "g3", Tables: map[string]string{"samples": "samples/session_id=g3/part-0.parquet"}}}}
	for _, v := range []any{one, multi} {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"sessions": [`))
	f.Add([]byte(`{"sessions":null,"session_id":"x"}`))
	f.Add([]byte(`{"session_id":"g1","players":[{"player_id":"7"}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte("\uFEFF" + `{"session_id":"g1","tables":{"samples":"samples.parquet"}}`)) // re-saved by Notepad
	dir := f.TempDir()
	path := filepath.Join(dir, SummaryFile)
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := ReadSummary(dir)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "export: read summary "+path+": ") {
				t.Fatalf("%q: error %q does not name the file", data, err)
			}
			return
		}
		var probe struct {
			Sessions json.RawMessage `json:"sessions"`
		}
		oneForm := json.Unmarshal(bytes.TrimPrefix(data, []byte("\uFEFF")), &probe) == nil && probe.Sessions == nil
		if oneForm {
			if len(m.Sessions) != 1 {
				t.Fatalf("%q: a one-session summary read as %d sessions", data, len(m.Sessions))
			}
			if id := m.Sessions[0].SessionID; flatSession(dir) != id {
				t.Fatalf("%q: flatSession %q, want %q", data, flatSession(dir), id)
			}
		}
		for _, s := range m.Sessions {
			if s.SessionID != "" && summaryNames(path, []string{"?", s.SessionID}) != s.SessionID {
				t.Fatalf("%q: summaryNames does not find session %q", data, s.SessionID)
			}
		}
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("%q: read as %+v, which does not encode: %v", data, m, err)
		}
		if err := WriteJSON(path, m, false); err != nil {
			t.Fatal(err)
		}
		again, err := ReadSummary(dir)
		got, _ := json.Marshal(again)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%q: written back and read again:\n got %s, %v\nwant %s", data, got, err, want)
		}
	})
}
