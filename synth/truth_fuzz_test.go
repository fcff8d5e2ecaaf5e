package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzReadTruth: ReadTruth takes a truth.json of the format it knows, as
// Write writes it, and nothing else: a file that is not one is an error
// naming it (ErrTruth for another format), and one it takes reads the
// same once written again as Write writes it.
func FuzzReadTruth(f *testing.F) {
	cfg := DefaultConfig()
	cfg.Minutes = 0.05
	tr, err := WriteMessages(context.Background(), cfg, io.Discard, nil)
	if err != nil {
		f.Fatal(err)
	}
	tr.Format = TruthFormat
	// A few of each list keep the seed small.
	v := reflect.ValueOf(tr).Elem()
	for i := range v.NumField() {
		if fv := v.Field(i); fv.Kind() == reflect.Slice && fv.Len() > 2 {
			fv.Set(fv.Slice(0, 2))
		}
	}
	seed, err := json.MarshalIndent(tr, "", "  ")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"format":"` + TruthFormat + `"}`))
	f.Add([]byte(`{"format":"stmotion-synth-truth/0","players":[]}`))
	f.Add([]byte(`{"format":"` + TruthFormat + `","players":[{"id":"7"}]}`))
	f.Add([]byte(`{"xne":0,"yne":0}`))
	dir := f.TempDir()
	path := filepath.Join(dir, FileTruth)
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		tr, err := ReadTruth(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("%q: error %q does not name the file", data, err)
			}
			var ref Truth
			if json.Unmarshal(data, &ref) == nil && (ref.Format == TruthFormat || !errors.Is(err, ErrTruth)) {
				t.Fatalf("%q: format %q refused with %v; encoding/json reads it", data, ref.Format, err)
			}
			return
		}
		if tr.Format != TruthFormat {
			t.Fatalf("%q: read format %q", data, tr.Format)
		}
		want, err := json.MarshalIndent(tr, "", "  ")
		if err != nil {
			t.Fatalf("%q: read %+v, which does not encode: %v", data, tr, err)
		}
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		again, err := ReadTruth(path)
		got, _ := json.MarshalIndent(again, "", "  ")
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%q: written again and read:\n got %s, %v\nwant %s", data, got, err, want)
		}
	})
}
