package export

import (
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stmotion/stmotion/track"
)

// valuesRow is one table row read back: column name → value (int64 for int64
// and timestamp columns, int32, uint8, float64, bool, string, []float64,
// []int64 or [][]float64).
type valuesRow map[string]any

// tableRows reads every row of tbl.
func tableRows(t *testing.T, tbl arrow.Table) []valuesRow {
	t.Helper()
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	var out []valuesRow
	for tr.Next() {
		rec := tr.RecordBatch()
		for i := range int(rec.NumRows()) {
			r := valuesRow{}
			for c, f := range rec.Schema().Fields() {
				r[f.Name] = cellValue(t, f.Name, rec.Column(c), i)
			}
			out = append(out, r)
		}
	}
	return out
}

func cellValue(t *testing.T, name string, a arrow.Array, i int) any {
	t.Helper()
	switch a := a.(type) {
	case *array.Int64:
		return a.Value(i)
	case *array.Timestamp:
		return int64(a.Value(i))
	case *array.Int32:
		return a.Value(i)
	case *array.Uint8:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.List:
		from, to := a.ValueOffsets(i)
		switch v := a.ListValues().(type) {
		case *array.Float64:
			return append([]float64{}, v.Float64Values()[from:to]...)
		case *array.Int64:
			return append([]int64{}, v.Int64Values()[from:to]...)
		case *array.List:
			out := [][]float64{}
			for j := from; j < to; j++ {
				out = append(out, cellValue(t, name, v, int(j)).([]float64))
			}
			return out
		}
	}
	t.Fatalf("column %s: unexpected array %T", name, a)
	return nil
}

// valuesSession is one segment of every table's kinds and a summary with
// a distinct value in every field, so that a value in the wrong column,
// two columns swapped or a unit slipped shows. Made and Is3Point differ
// in each shot, and Accels and Decels, for the same reason.
func valuesSession() ([]track.Segment, *track.Summary) {
	segs := []track.Segment{
		{Type: track.SegPossession, Start_ms: 1_700_000_001_000, End_ms: 1_700_000_004_500, Period: 2, PlayerID: 101, TeamID: 7,
			Touches: 3, StartX_m: 1.25, StartY_m: -2.5, EndX_m: 3.75, EndY_m: -4.5, Label: "pos"},
		{Type: track.SegTeamPossession, Start_ms: 1_700_000_002_000, End_ms: 1_700_000_002_250, Period: 3, TeamID: 8,
			Touches: 4, StartX_m: -1, StartY_m: 2, EndX_m: -3, EndY_m: 4, Label: "team"},
		{Type: track.SegShot, Start_ms: 1_700_000_005_000, End_ms: 1_700_000_006_000, Period: 2, PlayerID: 102, TeamID: 9,
			ToPlayerID: 103, StartX_m: 5.5, StartY_m: 6.5, EndX_m: 12.5, EndY_m: 0.25, Length_m: 8.75, Speed_mps: 9.5,
			Made: true, Is3Point: false, Zone: 11, Label: "shot-label", NextLiveID: "next-id"},
		{Type: track.SegPass, Start_ms: 1_700_000_007_000, End_ms: 1_700_000_007_700, Period: 1, PlayerID: 104, TeamID: 10,
			ToPlayerID: 105, Length_m: 6.5, Speed_mps: 11.25, Made: false, Is3Point: true, Zone: 2},
		{Type: track.SegFeedShot, Start_ms: 1_700_000_008_000, Period: 4, PlayerID: 106, TeamID: 11,
			StartX_m: 7.25, StartY_m: -1.75, Made: false, Is3Point: true, Zone: 13, Label: "feed"},
		{Type: track.SegFeedShot, Start_ms: 1_700_000_008_500, Period: 4, PlayerID: 107, TeamID: 11,
			StartX_m: 3, StartY_m: 1, Made: true, Is3Point: false, Zone: 5},
		{Type: track.SegDistCheck, Start_ms: 1_700_000_009_000, PlayerID: 108, TeamID: 12, FeedDist_cm: 1500, EngineDist_cm: 1200},
		{Type: track.SegDistCheck, Start_ms: 1_700_000_009_500, PlayerID: 109, TeamID: 13, FeedDist_cm: 250},
	}
	sum := &track.Summary{
		SessionID: "g1", Start_ms: 1_700_000_000_000, End_ms: 1_700_000_600_000, ShooterAgreement: 0.625,
		Players: []track.PlayerSummary{{
			PlayerID: 101, TeamID: 7, Name: "Ann Lee", Jersey: "23", Distance_m: 1234.5, DistanceLive_m: 1001.5,
			DistanceCourt_m: 1100.25, DistancePeriod_m: []float64{600, 634.5}, RawDistance_m: 1300.75, TopSpeed_mps: 7.5,
			MeanSpeed_mps: 1.75, SpeedBand_s: []float64{1, 2, 3}, Sprints: 4, Accels: 5, Decels: 6, TimeOnCourt_s: 628.5,
			Possession_s: 42.5, Touches: 9, DistStat_m: 1250.5, DistRatio: 1.0125, DistFlag: "flag",
			SprintsPeriod: []int{1, 3}, AccelsPeriod: []int{2, 3}, DecelsPeriod: []int{4, 2},
			TimeOnCourtPeriod_s: []float64{280.5, 300.25}, SpeedBandPeriod_s: [][]float64{{0.5, 1, 1.25}, {0.5, 0.75, 1.5}},
		}},
		BoxScore: []track.BoxScore{
			{PlayerID: 101, TeamID: 7, Version: 12345, Values: map[string]float64{
				"PTS": 21, "FGA": 17, "FG": 8, "FGA3": 6, "FG3": 2, "FTA": 4, "FT": 3, "AST": 5, "TO": 1, "STL": 9,
				"REB": 10, "OFFENSIVE_REB": 7, "DEFENSIVE_REB": 11, "DIST": 250000}},
			{PlayerID: 102, TeamID: 9, Values: map[string]float64{"PTS": 2}},
		},
		Heatmaps: []track.HeatCell{
			{Scope: "player", ID: 101, IX: 3, IY: 4, X_m: 1.75, Y_m: 2.25, Seconds: 12.5},
			{Scope: "ball", ID: 900, IX: 30, IY: 12, X_m: -13.25, Y_m: -6.75, Seconds: 0.5},
		},
	}
	// Quality: field i gets i+1 (a float field i+1.5, a bool field
	// whether i is even), so that every column's value is its own.
	q := reflect.ValueOf(&sum.Quality).Elem()
	for i := range q.NumField() {
		switch f := q.Field(i); f.Kind() {
		case reflect.Int64:
			f.SetInt(int64(i + 1))
		case reflect.Float64:
			f.SetFloat(float64(i) + 1.5)
		case reflect.Bool:
			f.SetBool(i%2 == 0)
		}
	}
	return segs, sum
}

// wantValues are the rows of every table but samples for valuesSession,
// written out from docs/schema.md: duration_s = (t_end − t_start) / 1000,
// feed_dist_m = cm / 100, ratio = feed / engine (0 without engine
// distance), a stat never sent is 0.
func wantValues(sum *track.Summary) map[Table][]valuesRow {
	const s0 = 1_700_000_000_000
	quality := valuesRow{"session_id": "g1", "t_start": int64(s0), "t_end": int64(s0 + 600_000), "shooter_agreement": 0.625}
	qt := reflect.TypeFor[track.Quality]()
	q := reflect.ValueOf(sum.Quality)
	for i := range qt.NumField() {
		if k := qt.Field(i).Type.Kind(); k == reflect.Int64 || k == reflect.Float64 || k == reflect.Bool {
			quality[snake(qt.Field(i).Name)] = q.Field(i).Interface()
		}
	}
	return map[Table][]valuesRow{
		TablePossessions: {
			{"session_id": "g1", "level": "player", "t_start": int64(s0 + 1000), "t_end": int64(s0 + 4500), "duration_s": 3.5,
				"period": int32(2), "player_id": int64(101), "team_id": int64(7), "touches": int32(3),
				"start_x_m": 1.25, "start_y_m": -2.5, "end_x_m": 3.75, "end_y_m": -4.5, "label": "pos"},
			{"session_id": "g1", "level": "team", "t_start": int64(s0 + 2000), "t_end": int64(s0 + 2250), "duration_s": 0.25,
				"period": int32(3), "player_id": int64(0), "team_id": int64(8), "touches": int32(4),
				"start_x_m": -1.0, "start_y_m": 2.0, "end_x_m": -3.0, "end_y_m": 4.0, "label": "team"},
		},
		TableEvents: {
			{"session_id": "g1", "type": "shot", "t": int64(s0 + 5000), "t_end": int64(s0 + 6000), "period": int32(2),
				"player_id": int64(102), "team_id": int64(9), "to_player_id": int64(103),
				"start_x_m": 5.5, "start_y_m": 6.5, "end_x_m": 12.5, "end_y_m": 0.25, "length_m": 8.75, "speed_mps": 9.5,
				"made": true, "is_3point": false, "zone": uint8(11), "label": "shot-label", "next_live_id": "next-id"},
			{"session_id": "g1", "type": "pass", "t": int64(s0 + 7000), "t_end": int64(s0 + 7700), "period": int32(1),
				"player_id": int64(104), "team_id": int64(10), "to_player_id": int64(105),
				"start_x_m": 0.0, "start_y_m": 0.0, "end_x_m": 0.0, "end_y_m": 0.0, "length_m": 6.5, "speed_mps": 11.25,
				"made": false, "is_3point": true, "zone": uint8(2), "label": "", "next_live_id": ""},
		},
		TableShots: {
			{"session_id": "g1", "t": int64(s0 + 8000), "period": int32(4), "player_id": int64(106), "team_id": int64(11),
				"x_m": 7.25, "y_m": -1.75, "made": false, "is_3point": true, "zone": uint8(13), "label": "feed"},
			{"session_id": "g1", "t": int64(s0 + 8500), "period": int32(4), "player_id": int64(107), "team_id": int64(11),
				"x_m": 3.0, "y_m": 1.0, "made": true, "is_3point": false, "zone": uint8(5), "label": ""},
		},
		TableDistCheck: {
			{"session_id": "g1", "t": int64(s0 + 9000), "player_id": int64(108), "team_id": int64(12),
				"feed_dist_m": 15.0, "engine_dist_m": 12.0, "ratio": 1.25},
			{"session_id": "g1", "t": int64(s0 + 9500), "player_id": int64(109), "team_id": int64(13),
				"feed_dist_m": 2.5, "engine_dist_m": 0.0, "ratio": 0.0},
		},
		TableBoxScore: {
			{"session_id": "g1", "player_id": int64(101), "team_id": int64(7), "version": int64(12345),
				"pts": 21.0, "fga": 17.0, "fg": 8.0, "fga3": 6.0, "fg3": 2.0, "fta": 4.0, "ft": 3.0, "ast": 5.0, "to": 1.0,
				"stl": 9.0, "reb": 10.0, "offensive_reb": 7.0, "defensive_reb": 11.0, "dist_cm": 250000.0},
			{"session_id": "g1", "player_id": int64(102), "team_id": int64(9), "version": int64(0),
				"pts": 2.0, "fga": 0.0, "fg": 0.0, "fga3": 0.0, "fg3": 0.0, "fta": 0.0, "ft": 0.0, "ast": 0.0, "to": 0.0,
				"stl": 0.0, "reb": 0.0, "offensive_reb": 0.0, "defensive_reb": 0.0, "dist_cm": 0.0},
		},
		TableHeatmaps: {
			{"session_id": "g1", "scope": "player", "id": int64(101), "ix": int32(3), "iy": int32(4),
				"x_m": 1.75, "y_m": 2.25, "seconds": 12.5},
			{"session_id": "g1", "scope": "ball", "id": int64(900), "ix": int32(30), "iy": int32(12),
				"x_m": -13.25, "y_m": -6.75, "seconds": 0.5},
		},
		TablePlayers: {
			{"session_id": "g1", "player_id": int64(101), "team_id": int64(7), "name": "Ann Lee", "jersey": "23",
				"distance_m": 1234.5, "distance_live_m": 1001.5, "distance_court_m": 1100.25,
				"distance_period_m": []float64{600, 634.5}, "raw_distance_m": 1300.75, "top_speed_mps": 7.5,
				"mean_speed_mps": 1.75, "speed_band_s": []float64{1, 2, 3}, "sprints": int64(4), "accels": int64(5),
				"decels": int64(6), "time_on_court_s": 628.5, "possession_s": 42.5, "touches": int64(9),
				"dist_stat_m": 1250.5, "dist_ratio": 1.0125, "dist_flag": "flag",
				"sprints_period": []int64{1, 3}, "accels_period": []int64{2, 3}, "decels_period": []int64{4, 2},
				"time_on_court_period_s": []float64{280.5, 300.25},
				"speed_band_period_s":    [][]float64{{0.5, 1, 1.25}, {0.5, 0.75, 1.5}}},
		},
		TableQuality: {quality},
	}
}

// Every column of every table but samples (whose values other tests
// check) reads back as written, in Parquet and in Arrow IPC: each row
// of valuesSession, column by column, against the value docs/schema.md
// gives it.
func TestTableValues(t *testing.T) {
	for _, f := range []Format{FormatParquet, FormatArrow} {
		t.Run(f.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			w, err := NewWriter(t.TempDir(), "g1", WithFormat(f), WithAllocator(mem))
			if err != nil {
				t.Fatal(err)
			}
			segs, sum := valuesSession()
			for i := range segs {
				if err := w.Segment(&segs[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(sum); err != nil {
				t.Fatal(err)
			}
			for tb, want := range wantValues(sum) {
				var tbl arrow.Table
				if f == FormatParquet {
					tbl = readParquet(t, memory.DefaultAllocator, w.Paths()[tb])
				} else {
					tbl = readArrow(t, w.Paths()[tb])
				}
				got := tableRows(t, tbl)
				tbl.Release()
				if len(got) != len(want) {
					t.Errorf("%s: %d rows, want %d", tb, len(got), len(want))
					continue
				}
				fields := Schema(tb, true).Fields()
				for i := range want {
					if len(want[i]) != len(fields) {
						t.Fatalf("%s: the test expects %d columns, the schema has %d: update wantValues", tb, len(want[i]), len(fields))
					}
					for _, fd := range fields {
						wv, ok := want[i][fd.Name]
						if !ok {
							t.Fatalf("%s: column %s has no expected value: update wantValues", tb, fd.Name)
						}
						if gv := got[i][fd.Name]; !reflect.DeepEqual(gv, wv) {
							t.Errorf("%s row %d: %s = %#v, want %#v", tb, i, fd.Name, gv, wv)
						}
					}
				}
			}
		})
	}
}
