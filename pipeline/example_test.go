package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/synth"
)

// One bundle analysed into Parquet tables and images, as `stmotion
// analyze` does for each of its inputs.
func Example() {
	dir, err := os.MkdirTemp("", "pipeline-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	cfg := synth.DefaultConfig()
	cfg.Minutes = 0.5
	path := filepath.Join(dir, "game")
	if _, err := synth.Write(context.Background(), cfg, path, nil); err != nil {
		panic(err)
	}

	b, err := decode.OpenBundle(path)
	if err != nil {
		panic(err)
	}
	opt := pipeline.Options{Out: filepath.Join(dir, "out"), BatchRows: export.DefaultBatchRows}
	r, err := pipeline.Open(b, pipeline.SessionID(b), opt)
	if err != nil {
		panic(err)
	}
	sum, err := r.Do(context.Background())
	if err != nil {
		panic(err)
	}
	images, err := pipeline.RenderImages(export.ImageDir(opt.Out, pipeline.SessionID(b), false), sum, r.Shots(), r.ShotsLeftOut(), r.Template(), pipeline.DefaultCell_m, false, false)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d teams, %d players, %d warnings\n", len(sum.Teams), len(sum.Players), len(r.Warnings()))
	fmt.Printf("samples rows written: %v, images: %v\n", r.Writer().Rows(export.TableSamples) > 0, len(images) > 0)
	for _, p := range r.Writer().Paths()[:2] {
		rel, _ := filepath.Rel(opt.Out, p)
		fmt.Println(rel)
	}
	// Output:
	// 2 teams, 24 players, 0 warnings
	// samples rows written: true, images: true
	// samples.parquet
	// players.parquet
}

// Two recordings named game.jsonl and one named game-2.jsonl, analysed
// together: each session gets an id of its own, so that none overwrites
// another's partitions.
func ExampleUniqueSessionIDs() {
	fmt.Println(pipeline.UniqueSessionIDs([]string{"game", "game", "game-2"}))
	// Output:
	// [game game-3 game-2]
}
