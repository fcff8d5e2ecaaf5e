package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
)

// rowCounter is a sink of one's own beside the table writer (a message
// broker, say): it counts the sample rows.
type rowCounter struct{ rows int64 }

func (c *rowCounter) Samples(b []track.Sample) error { c.rows += int64(len(b)); return nil }
func (c *rowCounter) Segment(*track.Segment) error   { return nil }
func (c *rowCounter) Close(*track.Summary) error     { return nil }

// What pipeline.Open and Run.Do do, wired by hand: a bundle's court and
// roster, a track.Session whose sinks are an export.Writer and a sink of
// one's own, the analyzers `stmotion analyze` runs, every line of the
// recording fed in order, then the per-player summaries.
func Example_byHand() {
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
	meta := track.Meta{SessionID: pipeline.SessionID(b), EventStart_ms: b.Live.EventStart_ms()}
	if b.Subscribe != nil {
		meta.Roster = b.Subscribe.Teams // names, jerseys and teams
	}
	if b.Court != nil { // without it, nil: the sensor frame
		if meta.Court, err = court.Parse(b.Court, court.Options{}); err != nil {
			panic(err)
		}
	}
	out := filepath.Join(dir, "out")
	w, err := export.NewWriter(out, meta.SessionID)
	if err != nil {
		panic(err)
	}
	mine := &rowCounter{}
	s, err := track.NewSession(track.DefaultConfig(), meta, w, mine)
	if err != nil {
		w.Abort()
		panic(err)
	}
	if err := pipeline.Attach(s, meta, pipeline.Options{}); err != nil {
		w.Abort()
		panic(err)
	}

	r, err := b.OpenMessages(decode.ReaderOptions{})
	if err != nil {
		w.Abort()
		panic(err)
	}
	defer r.Close()
	var m decode.Message
	for r.Next(&m) {
		// FeedLine, not Feed: a PLAY_NEXT marker's next live id is read
		// from the line. An error is a sink's or an analyzer's (a
		// *track.SinkError) and fails the session for good: Close
		// returns it too and removes the writer's tables.
		if err := s.FeedLine(&m, r.Line()); err != nil {
			break
		}
	}
	if err := r.Err(); err != nil {
		w.Abort()
		panic(err)
	}
	sum, err := s.Close() // closes the sinks: the tables get their names
	var se *track.SinkError
	if errors.As(err, &se) {
		fmt.Println("sink", se.Index, "failed:", se.Err)
		return
	}

	fmt.Printf("%d players, %d teams, court %v\n", len(sum.Players), len(sum.Teams), !sum.Quality.NoCourt)
	fmt.Printf("my sink saw every sample row: %v\n", mine.rows == w.Rows(export.TableSamples))
	named, ran := 0, 0
	for _, p := range sum.Players {
		if p.Name != "" && p.TeamID != 0 {
			named++
		}
		if p.Distance_m > 10 { // the ten on the floor; the bench's is noise, under 1 m
			ran++

		}
	}
	fmt.Printf("players named and on a team: %d, who ran more than 10 m: %d\n", named, ran)
	fmt.Println(filepath.Base(w.Paths()[export.TablePlayers]))
	// Output:
	// 24 players, 2 teams, court true
	// my sink saw every sample row: true
	// players named and on a team: 24, who ran more than 10 m: 10
	// players.parquet
}
