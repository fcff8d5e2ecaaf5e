package export

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stmotion/stmotion/track"
)

// The players table's per-period columns read back as the summary had
// them, in Parquet and Arrow: the efforts as lists of int64, the time on
// court as a list of float64 and the speed bands as a list (per period)
// of lists (per band), every list as long as the summary's.
func TestPlayersPeriodColumns(t *testing.T) {
	want := fakeSummary().Players[0]
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	check := func(t *testing.T, rec arrow.RecordBatch) {
		t.Helper()
		col := func(name string) arrow.Array {
			idx := rec.Schema().FieldIndices(name)
			if len(idx) != 1 {
				t.Fatalf("no column %s in %s", name, rec.Schema())
			}
			return rec.Column(idx[0])
		}
		ints := func(name string) []int {
			l := col(name).(*array.List)
			v := l.ListValues().(*array.Int64)
			a, b := l.ValueOffsets(0)
			var out []int
			for i := a; i < b; i++ {
				out = append(out, int(v.Value(int(i))))
			}
			return out
		}
		floats := func(l *array.List, row int) []float64 {
			v := l.ListValues().(*array.Float64)
			a, b := l.ValueOffsets(row)
			return slices.Clone(v.Float64Values()[a:b])
		}
		for _, c := range []struct {
			name      string
			got, want []int
		}{{"sprints_period", ints("sprints_period"), want.SprintsPeriod}, {"accels_period", ints("accels_period"), want.AccelsPeriod}, {"decels_period", ints("decels_period"), want.DecelsPeriod}} {
			if !slices.Equal(c.got, c.want) {
				t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
			}
		}
		if got := floats(col("time_on_court_period_s").(*array.List), 0); !slices.Equal(got, want.TimeOnCourtPeriod_s) {
			t.Errorf("time_on_court_period_s = %v, want %v", got, want.TimeOnCourtPeriod_s)
		}
		outer := col("speed_band_period_s").(*array.List)
		inner := outer.ListValues().(*array.List)
		a, b := outer.ValueOffsets(0)
		var bands [][]float64
		for i := a; i < b; i++ {
			bands = append(bands, floats(inner, int(i)))
		}
		if !slices.EqualFunc(bands, want.SpeedBandPeriod_s, slices.Equal) {
			t.Errorf("speed_band_period_s = %v, want %v", bands, want.SpeedBandPeriod_s)
		}
	}
	t.Run("parquet", func(t *testing.T) {
		w := writeSession(t, t.TempDir(), 10, WithAllocator(mem))
		tbl := readParquet(t, mem, w.Paths()[TablePlayers])
		defer tbl.Release()
		tr := array.NewTableReader(tbl, -1)
		defer tr.Release()
		if !tr.Next() {
			t.Fatal("no rows")
		}
		check(t, tr.RecordBatch())
	})
	t.Run("arrow", func(t *testing.T) {
		w := writeSession(t, t.TempDir(), 10, WithAllocator(mem), WithFormat(FormatArrow))
		f, err := os.Open(w.Paths()[TablePlayers])
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r, err := ipc.NewFileReader(f, ipc.WithAllocator(mem))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if r.NumRecords() != 1 {
			t.Fatalf("%d record batches, want 1", r.NumRecords())
		}
		rec, err := r.RecordBatch(0)
		if err != nil {
			t.Fatal(err)
		}
		check(t, rec)
	})
}

// summary.json's players carry the players table's list columns: the
// speed bands and the figures per period, as the table has them, and
// leave the per-period ones out for a session that opened no period.
func TestSummaryPeriodLists(t *testing.T) {
	sum := fakeSummary()
	sum.Players = append(sum.Players, track.PlayerSummary{PlayerID: 101, SpeedBand_s: []float64{1, 0, 0},
		DistancePeriod_m: []float64{}, SprintsPeriod: []int{}, SpeedBandPeriod_s: [][]float64{}})
	b, err := json.Marshal(Summarize(sum))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Players []map[string]json.RawMessage `json:"players"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"speed_band_s": "[1,2,3]", "distance_period_m": "[600,634.5]",
		"sprints_period": "[1,2]", "accels_period": "[2,3]", "decels_period": "[3,2]",
		"time_on_court_period_s": "[280,300]", "speed_band_period_s": "[[0.5,1,1.25],[0.5,0.75,1.5]]",
	}
	for k, v := range want {
		if g := string(got.Players[0][k]); g != v {
			t.Errorf("players[0].%s = %s, want %s", k, g, v)
		}
	}
	for k := range want {
		_, ok := got.Players[1][k]
		if ok != (k == "speed_band_s") {
			t.Errorf("players[1] (no period opened): %s present %v: want only speed_band_s (%s)", k, ok, b)
		}
	}
}
