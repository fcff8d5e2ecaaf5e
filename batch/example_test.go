package batch_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stmotion/stmotion/batch"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/pipeline"
)

// The built-in sample game given twice, as its bundle and as its own
// messages file: one game, analysed once, as the bundle (whose live id,
// court and roster the bare file lacks), into one session's tables and
// summary.json, as `stmotion analyze` does.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "batch-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	game, err := pipeline.WriteSample(ctx, dir)
	if err != nil {
		panic(err)
	}
	b, err := decode.OpenBundle(game)
	if err != nil {
		panic(err)
	}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		panic(err)
	}
	cfg := &batch.Config{Options: pipeline.Options{Out: out}, Jobs: 2}

	plan := batch.PlanInputs(ctx, cfg, []string{b.MessagesPath, game})
	run, err := plan.Prepare(ctx)
	if err != nil {
		panic(err)
	}
	defer run.Close()
	for _, w := range run.Warnings {
		fmt.Println("warning:", strings.ReplaceAll(w, dir+string(filepath.Separator), ""))
	}
	if err := run.OpenOut(); err != nil {
		panic(err)
	}
	res := run.Do(ctx)
	for _, s := range res.Sessions {
		fmt.Printf("session %s: %d teams, %d players, %d limits\n", s.SessionID, len(s.Teams), len(s.Players), len(s.Limits))
	}
	fmt.Printf("%d failed, %d canceled, summary.json written: %v\n", len(res.Failed), len(res.Canceled), res.SummaryWritten)
	names, _ := filepath.Glob(filepath.Join(out, "*.parquet"))
	fmt.Println(len(names), "tables, the first", filepath.Base(names[0]))
	// Output:
	// warning: sample/messages.jsonl: the same recording as sample: analysed once, as the bundle
	// session bcdb0adb-ee47-4023-9166-0dd5b52194b7: 2 teams, 24 players, 0 limits
	// 0 failed, 0 canceled, summary.json written: true
	// 9 tables, the first boxscore.parquet
}
