package export_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/track"
	"github.com/stmotion/stmotion/track/heatmap"
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

// A session's images go beside its tables, one directory per session in
// the Hive layout, named by what they show.
func ExampleImageDir() {
	fmt.Println(filepath.Join(export.ImageDir("out", "g1", true), export.HeatmapImage(heatmap.ScopePlayer, 23)+".png"))
	fmt.Println(filepath.Join(export.ImageDir("out", "g1", false), export.ShotsImage(461)+".svg"))
	// Output:
	// out/images/session_id=g1/heatmap_player_23.png
	// out/images/shots_team_461.svg
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

// A run of sessions g1 and g3 into a directory where an earlier run left
// g1 and g2. PrepareOutDir refuses it, as readers would take g2's tables
// for part of this run's dataset; with Overwrite, Tidy removes them once
// the run has written its own (and a user's notes stay).
func ExamplePrepareOutDir() {
	dir, _ := os.MkdirTemp("", "stmotion-example")
	defer os.RemoveAll(dir)
	write := func(paths ...string) {
		for _, p := range paths {
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, []byte("x"), 0o644)
		}
	}
	table := func(id string) string {
		return export.TablePath(dir, export.TableSamples, id, export.FormatParquet, true)
	}
	image := func(id string) string {
		return filepath.Join(export.ImageDir(dir, id, true), export.AllShotsImage+".png")
	}
	write(table("g1"), table("g2"), image("g1"), image("g2"), filepath.Join(dir, "notes.txt"))

	sessions := []string{"g1", "g3"}
	_, err := export.PrepareOutDir(dir, sessions, export.OutDirOptions{Hive: true})
	var fe *export.ForeignOutputsError
	if errors.As(err, &fe) {
		fmt.Println("refused:", fe.What)
	}

	out, err := export.PrepareOutDir(dir, sessions, export.OutDirOptions{Hive: true, Overwrite: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The run: g1 writes its table again, without images this time; g3
	// fails.
	write(table("g1"))
	if err := out.WriteSummary(export.MultiSummary{Sessions: []export.SessionSummary{{SessionID: "g1"}}}, false); err != nil {
		fmt.Println(err)
		return
	}
	removed, err := out.Tidy([]export.SessionFiles{
		{SessionID: "g1", Files: []string{table("g1")}},
		{SessionID: "g3", Failed: true},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("removed:", removed)
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			fmt.Println(filepath.ToSlash(rel))
		}
		return nil
	})
	// Output:
	// refused: the partitions of 1 other session(s) (g2)
	// removed: map[g1:1 g2:2]
	// notes.txt
	// samples/session_id=g1/part-0.parquet
	// summary.json
}
