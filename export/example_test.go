package export_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/track"
)

// A Writer is a track.Sink: hand it to track.NewSession, or call it
// directly as here. Files get their names only on Close.
func ExampleWriter() {
	dir, _ := os.MkdirTemp("", "stmotion-example")
	defer os.RemoveAll(dir)

	w, err := export.NewWriter(dir, "game-1", export.WithBatchRows(64<<10))
	if err != nil {
		fmt.Println(err)
		return
	}
	w.Samples([]track.Sample{
		{T_ms: 1_700_000_000_000, SensorID: 7, Kind: track.KindPlayer, TeamID: 1, X_m: -3.5, Y_m: 1.2, Speed_mps: 2.5, Clock: track.ClockLive},
		{T_ms: 1_700_000_000_050, SensorID: 7, Kind: track.KindPlayer, TeamID: 1, X_m: -3.4, Y_m: 1.2, Speed_mps: 2.4, Clock: track.ClockLive},
	})
	w.Segment(&track.Segment{Type: track.SegPass, Start_ms: 1_700_000_000_000, End_ms: 1_700_000_000_400, PlayerID: 7, ToPlayerID: 8, TeamID: 1, Length_m: 6})
	if err := w.Close(&track.Summary{SessionID: "game-1", Players: []track.PlayerSummary{{PlayerID: 7, TeamID: 1, Name: "A. Player"}}}); err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range w.Paths() {
		fmt.Println(filepath.Base(p))
	}
	// Output:
	// samples.parquet
	// players.parquet
	// possessions.parquet
	// events.parquet
	// shots.parquet
	// boxscore.parquet
	// dist_check.parquet
	// heatmaps.parquet
	// quality.parquet
}

// With several sessions under one directory, the Hive layout puts the
// session id in the path so the files read as one dataset.
func ExampleTablePath() {
	fmt.Println(export.TablePath("out", export.TableSamples, "g1", export.FormatParquet, false))
	fmt.Println(export.TablePath("out", export.TableSamples, "g1", export.FormatParquet, true))
	// Output:
	// out/samples.parquet
	// out/samples/session_id=g1/part-0.parquet
}

// Schema gives each table's Arrow schema; with session=false it is the
// schema of the Hive layout's files.
func ExampleSchema() {
	s := export.Schema(export.TableHeatmaps, true)
	for _, f := range s.Fields() {
		fmt.Printf("%s %s\n", f.Name, f.Type)
	}
	// Output:
	// session_id utf8
	// scope utf8
	// id int64
	// ix int32
	// iy int32
	// x_m float64
	// y_m float64
	// seconds float64
}
