package batch

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
)

// InputResult is what one input gave.
type InputResult struct {
	Summary  export.SessionSummary // its summary.json entry, when Err is nil
	Rows     int64                 // samples rows written
	Files    []string              // the tables and images written, under Out
	Warnings []string              // what the input lacks or holds that is odd, each naming its file
	Err      error                 // why it failed, naming the file (and line); wraps pipeline.ErrCanceled when an interrupt cut it short
	// KeptEarlier says the input failed writing its images, and the
	// outputs an earlier run wrote for its session are as they were
	// (export.SavedOutputs): the session keeps them, and its
	// summary.json entry. LostEarlier counts those the input's own files
	// replaced and that could not be put back (removed with the input's
	// files, as a failed session keeps no outputs).
	KeptEarlier bool
	LostEarlier int
	// CutReplaced is, with Config.Add, the dataset's session, read whole,
	// that this input replaced although its own recording is cut short
	// (quality.truncated): the same source since cut (a copy interrupted
	// over it), or a stream, which is not read through before. Worth a
	// warning; nil otherwise.
	CutReplaced *export.SessionSummary
}

// Analyze runs one input through decode → engine → tables (and images,
// with cfg.Images) under cfg.Options.Out, as a session of the Hive layout
// when hive is set, as Run.Do does for each of its inputs. Its errors name
// the file, and the line when one is to blame. An image that cannot be
// drawn or written fails the input too, as a table would. On failure no
// table or image of the input is left on disk (but those that could not
// be removed: Run.Do's Tidy says which stay). A failure to write images
// does not lose an earlier run's analysis of the session: its outputs,
// kept aside before the tables replace them, are put back
// (InputResult.KeptEarlier).
func Analyze(ctx context.Context, cfg *Config, in Input, hive bool) (res InputResult) {
	if in.Err != nil {
		res.Err = in.Err
		return res
	}
	if ctx.Err() != nil {
		// Interrupted before this input began: nothing is opened or
		// written for it.
		res.Err = fmt.Errorf("%s: %w", in.Path, pipeline.ErrCanceled)
		return res
	}
	out := cfg.Options.Out
	r, err := pipeline.Open(in.Bundle, in.SessionID, cfg.options(hive))
	if err != nil {
		res.Err = canceledError(in, cfg.courtError(err))
		return res
	}
	// The tables replace the session's earlier ones before the images
	// are drawn: those are kept aside until the images are written.
	var saved *export.SavedOutputs
	var earlier []string
	if cfg.Images {
		if saved, err = export.SaveOutputs(out, in.SessionID, hive); err != nil {
			// Not kept: an image failure loses them (LostEarlier says so).
			earlier, _ = export.SessionOutputs(out, in.SessionID, hive)
		}
	}
	sum, err := r.Do(ctx)
	res.Warnings = r.Warnings()
	if err != nil {
		// Nothing of the earlier outputs was replaced.
		if saved != nil {
			saved.Discard()
		}
		res.Err = canceledError(in, err)
		return res
	}
	res.Summary = export.Summarize(sum)
	res.Summary.Court = r.Court()
	res.Summary.Source = in.Path
	if in.Source != "" {
		res.Summary.Source = in.Source
		if res.Summary.Court.Source == export.CourtFromBundle {
			// Under a path that means nothing once the run is over
			// (the built-in sample's temporary directory).
			res.Summary.Court.File = ""
		}
	} else {
		res.Summary.SourcePath = sourcePath(in.Path)
	}
	res.Summary.SetTables(out, r.Writer())
	res.Files = append(res.Files, r.Writer().Paths()...)
	res.Rows = r.Writer().Rows(export.TableSamples)
	if cfg.Images {
		dir := export.ImageDir(out, in.SessionID, hive)
		files, err := pipeline.RenderImages(dir, sum, r.Shots(), r.ShotsLeftOut(), r.Template(), cfg.cell_m(), cfg.Options.Fold, cfg.Options.Sync)
		if err != nil {
			// The images are outputs asked for, as the tables are: one
			// that cannot be written (a read-only or full images/, a path
			// too long) fails the input, whose tables and other images
			// then go, as a failed session keeps no outputs of its own;
			// those not removed here are Tidy's, which says what stays.
			// The earlier run's outputs its files replaced are put back:
			// an image must not lose a good analysis.
			removeWritten(res.Files, files, hive)
			msg := "its tables are removed too"
			if n := 0; saved != nil {
				n = saved.Len()
				lost, rerr := saved.Restore()
				res.LostEarlier = lost
				switch {
				case rerr != nil:
					msg = fmt.Sprintf("its tables are removed too (%v)", rerr)
				case n > 0:
					res.KeptEarlier = true
					msg = "the tables it wrote are removed, while those an earlier run wrote for it stay as they were"
				}
			} else {
				for _, p := range slices.Concat(res.Files, files) {
					if slices.Contains(earlier, filepath.Clean(p)) {
						res.LostEarlier++
					}
				}
			}
			res.Files, res.Summary, res.Rows = nil, export.SessionSummary{}, 0
			res.Err = fmt.Errorf("%s: images: %w; a session whose images cannot be written fails, and %s (--images=false analyses it without images)", in.Path, err, msg)
			return res
		}
		if saved != nil {
			saved.Discard()
		}
		if why := r.NoShotChartReason(); why != "" {
			res.Warnings = append(res.Warnings, why)
		}
		res.Files = append(res.Files, files...)
		res.Summary.SetImages(out, files)
	}
	return res
}

// removeWritten removes the tables and images an input wrote before it
// failed (under Out, in the Hive layout when hive), as far as it can.
func removeWritten(tables, images []string, hive bool) {
	for _, p := range tables {
		export.RemoveTableFile(export.TableFile{Path: p, Hive: hive})
	}
	for _, p := range images {
		export.RemoveImageFile(export.ImageFile{Path: p, Hive: hive})
	}
}

// canceledError is err, or "<input>: canceled" when err is the end of an
// interrupted read (which may have come while opening the recording, as
// a wrapped read error): one message for every input cut short.
func canceledError(in Input, err error) error {
	if errors.Is(err, pipeline.ErrCanceled) {
		return fmt.Errorf("%s: %w", in.Path, pipeline.ErrCanceled)
	}
	return err
}

// RunJobs calls do(i) for i in [0, n) on up to jobs goroutines (at least
// one), as Run.Do runs its inputs, and returns when every call has.
func RunJobs(jobs, n int, do func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(max(jobs, 1), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				do(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
