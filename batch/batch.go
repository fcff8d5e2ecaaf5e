package batch

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/internal/version"
	"github.com/stmotion/stmotion/pipeline"
)

// Config is what a batch run does: where it writes, how, and how many
// inputs at once.
type Config struct {
	// Options are the pipeline settings of every input. Options.Out is
	// the dataset's directory, which must exist (empty: Prepare refuses
	// the run, ErrNoOut); Options.Hive is set by the run (several inputs,
	// or Add), whatever it holds here.
	Options pipeline.Options
	Jobs    int // inputs analysed (and, in Prepare, read through) at once; below 1: 1
	// Images draws heatmaps and shot charts (pipeline.RenderImages) under
	// Out's images directory. Without it (the zero value) a session the
	// run analyses keeps no images: those an earlier run drew for it are
	// removed, as its tables are replaced, so that no image shows figures
	// its tables no longer hold (`stmotion analyze --images=false`).
	Images bool
	// Overwrite removes, once an input has been analysed, the tables,
	// images and summary.json earlier runs wrote under Out for other
	// sessions (export.OutDirOptions.Overwrite). Without it (and without
	// Add), an Out holding such tables is refused (StageOutDir).
	Overwrite bool
	// Add adds the run's sessions to the dataset under Out, keeping the
	// others (export.AddSummary). Not with Overwrite.
	Add bool
	// CourtPath and Court are given to every input, in place of a
	// bundle's own court.json (decode.Bundle.ReplaceCourt, with a
	// warning: pipeline), RosterPath and Roster to every input without
	// its own roster (decode.Bundle.Supply); zero: none. Court is checked
	// by the caller: one that cannot be used fails every input.
	CourtPath  string
	Court      []byte
	RosterPath string
	Roster     *decode.Subscribe
	// CourtError, if not nil, rewords the error of an input whose court
	// cannot be used (pipeline.ParseCourt, pipeline.Open) before it is
	// recorded (Input.Err, InputResult.Err, summary.json's failed[]): a
	// command names its own flag for a check a setting relaxes
	// (court.CheckError.Option). It keeps err's chain.
	CourtError func(err error) error
	// Waiting, if not nil, is called once when Prepare waits for another
	// run writing into Out to end (Out's lock, export.LockOutDir).
	Waiting func()
	// InputDone, if not nil, is called when Run.Do is done with input i
	// of Run.Inputs (analysed, failed or canceled), on the goroutine that
	// ran it: calls for different inputs may come at once.
	InputDone func(i int, res *InputResult)
}

func (cfg *Config) jobs() int { return max(cfg.Jobs, 1) }

// options are the pipeline settings of an input of the run.
func (cfg *Config) options(hive bool) pipeline.Options {
	o := cfg.Options
	o.Hive = hive
	// Without images no shot chart is drawn: keep no shots for them.
	o.NoShotCharts = o.NoShotCharts || !cfg.Images
	return o
}

func (cfg *Config) cell_m() float64 {
	if cfg.Options.Cell_m == 0 {
		return pipeline.DefaultCell_m
	}
	return cfg.Options.Cell_m
}

func (cfg *Config) courtError(err error) error {
	if cfg.CourtError == nil {
		return err
	}
	return cfg.CourtError(err)
}

// Plan is the inputs a run's paths name, before they are compared with
// the dataset under Out and given unique session ids (Prepare).
type Plan struct {
	cfg *Config
	// Inputs are the sessions found, in the order met. A caller may set
	// an input's Source before Prepare.
	Inputs []Input
	// Failed are the paths that could not be searched or opened at all
	// (no session id: nothing of them is removed).
	Failed []export.FailedInput
	// Warnings say which paths were met more than once and are analysed
	// once.
	Warnings []string
	// Searched are the absolute paths given, but those that could not be
	// searched at all: with Add, the earlier failures there without a
	// session id go (export.AddSummary).
	Searched []string
}

// PlanInputs expands paths (bundle directories, recordings, decode.Stdin,
// directories searched with decode.FindBundles) into inputs. An argument
// that cannot be expanded or opened is a failed input; the others go on.
// A path met again, or whose recording is one already met (a link, a
// bundle beside its own messages file), is analysed once, with a warning
// (the bundle, else the first by absolute path, whatever the order of
// paths). Each input is given cfg's court (decode.Bundle.ReplaceCourt),
// and its roster where it has none (decode.Bundle.Supply), and fails here
// when the court given cannot be used (Input.Err), so that it takes no
// session id from one that can be analysed (a bundle's own court.json
// that cannot be used is not given: it is analysed in the sensor frame,
// with a warning, and takes an id after the copies of its game that have
// a court). A stream (standard input, a named pipe) is read so that ctx
// ending ends a read waiting for its writer. cfg is kept, and must not
// change until the run is done.
func PlanInputs(ctx context.Context, cfg *Config, paths []string) *Plan {
	ins, failed, warnings := planInputs(paths)
	p := &Plan{cfg: cfg, Inputs: ins, Failed: failed, Warnings: warnings}
	for _, a := range paths {
		if sp := sourcePath(a); sp != "" && !slices.ContainsFunc(failed, func(f export.FailedInput) bool { return f.Source == a }) {
			p.Searched = append(p.Searched, sp)
		}
	}
	for i := range p.Inputs {
		in := &p.Inputs[i]
		in.Bundle.ReplaceCourt(cfg.CourtPath, cfg.Court)
		in.Bundle.Supply("", nil, cfg.RosterPath, cfg.Roster)
		// A court given that cannot be used fails its input before any
		// work, so that the input takes no session id from one that
		// can be analysed (assignSessionIDs); so does a court the
		// template named (Options.CourtTemplate) does not fit, the
		// command line's mistake rather than the bundle's.
		if in.Err == nil && in.Bundle.Court != nil {
			_, err := pipeline.ParseCourt(in.Bundle, cfg.options(false))
			switch {
			case err != nil && (in.Bundle.CourtGiven || cfg.Options.CourtTemplate != "" && errors.Is(err, court.ErrTemplate)):
				in.Err = cfg.courtError(err)
			case err != nil:
				in.ownCourtBad = true
			}
		}
		// A read waiting on a pipe ends with Ctrl-C (interruptible).
		if in.Err == nil && isStream(in.Bundle.MessagesPath) {
			in.Bundle.Stream = newInterruptible(ctx, in.Bundle.MessagesPath, openStream(in.Bundle.MessagesPath))
		}
	}
	return p
}

// Stage is where a run was refused before any input was analysed
// (SetupError).
type Stage int

const (
	StageLock         Stage = iota + 1 // creating Out, waiting for or taking its lock (export.LockOutDir)
	StageSummary                       // reading the dataset's summary.json (Add; export.ReadSummary)
	StageOutDir                        // preparing Out (export.PrepareOutDir): refused, or it failed
	StageMove                          // moving a one-session dataset into the Hive layout (Add; export.OutDir.MoveFlat)
	StageMovedSummary                  // reading summary.json again, as that move rewrote it
)

var stageNames = map[Stage]string{
	StageLock: "lock", StageSummary: "read summary", StageOutDir: "prepare out",
	StageMove: "move into hive layout", StageMovedSummary: "read moved summary",
}

func (s Stage) String() string { return stageNames[s] }

// SetupError is an error of Prepare or Run.OpenOut: the run cannot be
// carried out, and nothing was analysed or written (but by StageMovedSummary,
// after the move). Err is export's error (ForeignOutputsError and
// FormatError at StageOutDir), or ctx's at StageLock when it ended while
// waiting.
type SetupError struct {
	Stage Stage
	Dir   string // Out
	Err   error
}

func (e *SetupError) Error() string {
	if e.Dir == "" {
		return fmt.Sprintf("batch: %s: %v", e.Stage, e.Err)
	}
	return fmt.Sprintf("batch: %s %s: %v", e.Stage, e.Dir, e.Err)
}
func (e *SetupError) Unwrap() error { return e.Err }

// ErrNoOut is the SetupError of a Config whose Options.Out is empty
// (Prepare): a run writes nowhere but under its Out.
var ErrNoOut = errors.New("no output directory: Config.Options.Out is empty")

// DirError is an error reading or tidying Out after the analysis
// (Result.Errs): Out's outputs could not be listed or removed.
type DirError struct {
	Dir string // Out
	Err error
}

func (e *DirError) Error() string { return fmt.Sprintf("batch: %s: %v", e.Dir, e.Err) }
func (e *DirError) Unwrap() error { return e.Err }

// Run is a planned run whose inputs have their session ids, compared with
// each other and, with Add, with the dataset's sessions. It is used by
// one goroutine; Close releases Out's lock.
type Run struct {
	cfg *Config
	// Inputs are those to analyse, each with its unique session id
	// (pipeline.UniqueSessionIDs), and Failed those that failed before:
	// the plan's, and, with Add, those that would replace a session of
	// another source with a broken or cut copy.
	Inputs []Input
	Failed []export.FailedInput
	// Skipped are, with Add, the inputs not analysed because their
	// recording's bundle is a session of the dataset already (a bare
	// recording whose bundle was added), each warned of: they are
	// neither analysed nor failed, but were given.
	Skipped []Input
	// Warnings are the plan's, then those of the comparison with the
	// dataset and of the ids given: each names its input.
	Warnings []string
	// Hive is the run's layout: several inputs, or Add.
	Hive bool
	// Set by OpenOut: with Add, the session whose one-session tables it
	// moved into the Hive layout ("" when none) and whether its images
	// were moved too; the temporary files a killed run left that it
	// removed, and why it could not remove them all.
	Moved       string
	MovedImages bool
	Stale       export.StaleTemps
	StaleErr    error

	searched  []string
	release   func()
	earlier   export.MultiSummary
	present   func(id string) bool          // with Add: the session's tables are under Out
	replaces  map[int]export.SessionSummary // input → the earlier session of its recording it replaces
	out       *export.OutDir
	rewritten string // the session whose entry MoveFlat rewrote in summary.json
}

// Prepare compares the plan's inputs with each other and, with Add, with
// the dataset under Out (its summary.json), and gives them unique session
// ids: an id's plain form goes to the same input whatever the order of the
// paths, and not to a broken or cut copy of a game beside the good one
// (their recordings are read through first, Jobs at a time). It creates
// Out if needed and takes its lock first, waiting for another run
// writing into Out (Config.Waiting), and holds it until Close: runs into
// one Out take turns, each checking what Out holds (OpenOut) after the
// one before has written it. Its errors are *SetupError; nothing is held
// then.
func (p *Plan) Prepare(ctx context.Context) (*Run, error) {
	cfg := p.cfg
	out := cfg.Options.Out
	if out == "" {
		// The working directory would take the tables of every session.
		return nil, &SetupError{Stage: StageOutDir, Err: ErrNoOut}
	}
	r := &Run{cfg: cfg, Inputs: slices.Clone(p.Inputs), Failed: slices.Clone(p.Failed), searched: p.Searched, release: func() {}}
	warnings := slices.Clone(p.Warnings)
	// A run holds Out's lock from before it reads summary.json until it
	// has written its own: a run adding to the dataset would lose another
	// run's summary written meanwhile, and a plain run would pass the
	// check of what Out holds (OpenOut) while another writes there, each
	// then taking the other's tables for its own.
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, &SetupError{Stage: StageLock, Dir: out, Err: err}
	}
	release, err := export.LockOutDir(ctx, out, cfg.Waiting)
	if err != nil {
		return nil, &SetupError{Stage: StageLock, Dir: out, Err: err}
	}
	r.release = release
	// An earlier summary.json that cannot be read names no session: the
	// run goes on without it (but one adding to it: its entries of the
	// other sessions would be lost). The ids it gives are taken before
	// the others are made unique, so that the warnings name the ids
	// written.
	earlier, err := export.ReadSummary(out)
	if err != nil && cfg.Add {
		r.Close()
		return nil, &SetupError{Stage: StageSummary, Dir: out, Err: err}
	}
	// With Add, the inputs are also compared with the dataset's games,
	// by their sources, as planInputs compares them with each other.
	if cfg.Add {
		r.present, _ = presentSessions(out) // an error is said by Do
		var w []string
		r.Inputs, r.Skipped, w = dropBundled(r.Inputs, earlier.Sessions, r.present, out)
		warnings = append(warnings, w...)
	}
	adoptEarlierIDs(r.Inputs, earlier.Sessions)
	if cfg.Add {
		adoptDatasetIDs(r.Inputs, datasetIDs(out, earlier), out)
	}
	// A broken copy of a game must not take the id from one that can be
	// analysed: the recordings of the inputs that could take one are
	// read through first.
	held := func(Input) (export.SessionSummary, bool) { return export.SessionSummary{}, false }
	if cfg.Add {
		held = func(in Input) (export.SessionSummary, bool) {
			for _, e := range earlier.Sessions {
				if e.SessionID == in.SessionID && r.present(e.SessionID) && !sameSource(e.Source, e.SourcePath, in) {
					return e, true
				}
			}
			return export.SessionSummary{}, false
		}
	}
	r.Inputs, r.Failed, warnings = checkSharedIDs(ctx, r.Inputs, r.Failed, warnings, cfg, held)
	// An input that took a dataset's spelling is warned of once: as
	// written, or in its renaming.
	renamed := assignSessionIDs(r.Inputs)
	warnings = append(warnings, adoptedWarnings(r.Inputs)...)
	warnings = append(warnings, renamed...)
	if cfg.Add {
		var w []string
		r.replaces, w = compareEarlier(r.Inputs, earlier, r.present, out)
		warnings = append(warnings, w...)
	}
	r.Warnings, r.earlier = warnings, earlier
	r.Hive = len(r.Inputs)+len(r.Failed) > 1 || cfg.Add
	return r, nil
}

// OpenOut prepares Out for the run's sessions (export.PrepareOutDir): it
// refuses an Out of another format (Add) or holding tables the run would
// not replace (without Add or Overwrite), moves, with Add, a one-session
// dataset's outputs into the Hive layout (Moved), and removes the
// temporary files a killed run left (Stale). Its errors are *SetupError.
func (r *Run) OpenOut() error {
	cfg := r.cfg
	out := cfg.Options.Out
	ids := make([]string, len(r.Inputs))
	for i, in := range r.Inputs {
		ids[i] = in.SessionID
	}
	d, err := export.PrepareOutDir(out, ids, export.OutDirOptions{Hive: r.Hive, Overwrite: cfg.Overwrite, Add: cfg.Add, Format: cfg.Options.Format})
	if err != nil {
		return &SetupError{Stage: StageOutDir, Dir: out, Err: err}
	}
	r.out = d
	// A dataset begun by a run of one input grows: its session's
	// one-session tables and images become its partitions.
	if cfg.Add {
		moved, err := d.MoveFlat(cfg.Options.Sync)
		if err != nil {
			return &SetupError{Stage: StageMove, Dir: out, Err: err}
		}
		if moved != "" {
			r.Moved = moved
			if _, err := os.Stat(filepath.Join(out, export.ImagesDir, export.PartitionDir(moved))); err == nil {
				r.MovedImages = true
			}
			if r.earlier, err = export.ReadSummary(out); err != nil {
				return &SetupError{Stage: StageMovedSummary, Dir: out, Err: err}
			}
			if slices.ContainsFunc(r.earlier.Sessions, func(e export.SessionSummary) bool { return e.SessionID == moved }) {
				r.rewritten = moved
			}
		}
	}
	// A killed run's temporary files, in any session's partition, would
	// break a reader's glob over the partitions; those of a run still
	// writing are left.
	r.Stale, r.StaleErr = d.RemoveStaleTemps(time.Now())
	return nil
}

// Close releases Out's lock. It may be called more than once.
func (r *Run) Close() {
	if r.release != nil {
		r.release()
		r.release = nil
	}
}

// Replacement is, with Add, a session of the dataset that an input of
// the run replaced as the same recording under another id (its bare file
// then, its bundle now).
type Replacement struct {
	Input   int                   // its index in Run.Inputs
	Earlier export.SessionSummary // the session replaced: its entry and outputs are removed
}

// Result is what a run did. Its values are copies: they stay valid after
// Close and whatever later runs do (but the files they name, under Out).
type Result struct {
	Inputs   []InputResult           // one per Run.Inputs, in its order
	Sessions []export.SessionSummary // the sessions analysed, in time order (export.SortSessions), as summary.json lists them
	// Failed are every input that failed: Run.Failed, then those of the
	// analysis. EarlierOutputsLeft lists what could not be removed of a
	// failed session's earlier outputs, LeftErrs says why.
	Failed   []export.FailedInput
	LeftErrs map[string]error // session id → why its EarlierOutputsLeft stay
	// Canceled are the inputs an interrupt (ctx ending) cut short or left
	// unstarted: they did not fail, and keep what earlier runs wrote.
	Canceled    []export.CanceledInput
	Interrupted bool
	Removed     map[string]int // session id → files of earlier runs' outputs removed (a failed session's, a replaced one's)
	Replaced    []Replacement  // with Add
	// Others are, with Add, the entries of the dataset's other sessions,
	// which the run did not analyse and whose tables are under Out; Grid
	// says their grid differs from the run's sessions' (nil otherwise).
	Others []export.SessionSummary
	Grid   *GridMismatch
	// Unlisted are the sessions with outputs under Out that no entry of
	// summary.json describes (export.FindUnlisted).
	Unlisted []export.UnlistedSession
	// ColumnDrift (with Add, once a session was analysed) are the tables
	// of the dataset some of whose sessions' files have other columns
	// than this run's: sessions written by another stmotion version
	// (export.FindColumnDrift). ColumnDriftErr is why they could not be
	// read, if so.
	ColumnDrift    []export.ColumnDrift
	ColumnDriftErr error
	// SummaryTried says summary.json was to be written: a session was
	// analysed, or a failure (with Add, or after an interrupt) removes
	// outputs the earlier one may describe; SummaryWritten that it was.
	// KeptEarlier counts the entries of canceled sessions it kept, as
	// earlier_run.
	SummaryTried, SummaryWritten bool
	KeptEarlier                  int
	// SummaryMoved is Run.Moved when that move rewrote the session's
	// entry of summary.json ("" otherwise): a run that writes no
	// summary.json of its own has changed it all the same.
	SummaryMoved string
	// Errs are the errors of writing summary.json (export's, naming the
	// file) and of listing or tidying Out (*DirError), in the order they
	// came: the outputs may not be what the run meant to leave.
	Errs []error
}

// Do analyses the run's inputs, Jobs at a time (Config.InputDone is
// called as each is done), writes summary.json (one session, not Hive:
// its entry alone; else every session, failed and canceled input, and with
// Add the dataset's other sessions), and removes what earlier runs wrote
// that this one replaces (export.OutDir.Tidy). ctx ending cuts the inputs
// running short and leaves the others unstarted (Result.Canceled). Call
// it once, after OpenOut.
func (r *Run) Do(ctx context.Context) *Result {
	cfg := r.cfg
	out := cfg.Options.Out
	inputs := r.Inputs
	failed := slices.Clone(r.Failed)
	earlier := r.earlier
	present := r.present
	hive := r.Hive
	results := make([]InputResult, len(inputs))
	RunJobs(cfg.jobs(), len(inputs), func(i int) {
		results[i] = Analyze(ctx, cfg, inputs[i], hive)
		if cfg.InputDone != nil {
			cfg.InputDone(i, &results[i])
		}
	})

	// An interrupt (Ctrl-C, SIGTERM) cuts the inputs still running short
	// and leaves the others not started: they did not fail, and keep
	// what earlier runs wrote for them.
	res := &Result{Inputs: results, Interrupted: ctx.Err() != nil, SummaryMoved: r.rewritten}
	interrupted := res.Interrupted
	var sums []export.SessionSummary
	var canceled []export.CanceledInput
	keptAny := false
	removedBefore := map[string]int{} // session id → earlier outputs an input replaced and could not put back
	done := make([]export.SessionFiles, len(results))
	for i := range results {
		rs := &results[i]
		if rs.LostEarlier > 0 {
			removedBefore[inputs[i].SessionID] += rs.LostEarlier
		}
		done[i] = export.SessionFiles{SessionID: inputs[i].SessionID, Files: rs.Files}
		switch {
		case rs.Err == nil:
			sums = append(sums, rs.Summary)
			rs.CutReplaced = cutReplacement(cfg, inputs[i], rs.Summary, earlier.Sessions, present)
		case interrupted && errors.Is(rs.Err, pipeline.ErrCanceled):
			canceled = append(canceled, export.CanceledInput{Source: inputs[i].Path, SessionID: inputs[i].SessionID})
			done[i].Canceled = true
		default:
			failed = append(failed, export.FailedInput{Source: inputs[i].Path, SourcePath: sourcePath(inputs[i].Path), SessionID: inputs[i].SessionID, Error: rs.Err.Error()})
			done[i].Failed = true
			// An input whose images failed put the earlier run's
			// outputs back: the session keeps them, and its entry.
			done[i].Kept = rs.KeptEarlier
			keptAny = keptAny || rs.KeptEarlier
		}
	}
	// A game added before under another id, from the same recording (its
	// bare file, then its bundle) loses its outputs and entry to this
	// run's session, as within a run it is analysed once.
	for _, i := range slices.Sorted(maps.Keys(r.replaces)) {
		if results[i].Err == nil {
			done = append(done, export.SessionFiles{SessionID: r.replaces[i].SessionID, Replaced: true})
			res.Replaced = append(res.Replaced, Replacement{Input: i, Earlier: r.replaces[i]})
		}
	}
	analysed := len(sums)
	// In time order, in the report as in summary.json: the drills of a
	// practice recorded live (a session per live id, a random UUID) as
	// they were played.
	export.SortSessions(sums)
	res.Sessions = sums[:analysed:analysed]
	// From here on errors do not stop the run: they are Result.Errs.
	addErr := func(err error) {
		if err != nil {
			res.Errs = append(res.Errs, err)
		}
	}
	// ran: the run analysed the session, which succeeded or failed (but
	// for an image failure that kept its earlier outputs).
	ran := func(id string) bool {
		return slices.ContainsFunc(done, func(s export.SessionFiles) bool { return s.SessionID == id && !s.Canceled && !s.Kept })
	}
	switch {
	case cfg.Add:
		// summary.json goes on describing the dataset's other sessions
		// (export.AddSummary).
		var err error
		present, err = presentSessions(out)
		addErr(err)
		for _, e := range earlier.Sessions {
			if !ran(e.SessionID) && present(e.SessionID) {
				res.Others = append(res.Others, e)
			}
		}
		res.Grid = gridMismatch(sums, res.Others)
	case hive && (interrupted || keptAny):
		// summary.json describes what Out holds: the sessions the run
		// did not reach, or whose images failed, keep their earlier
		// tables, and so their earlier entries.
		kept, err := keptEntries(out, earlier.Sessions, done)
		addErr(err)
		sums = append(sums, kept...)
	}
	// Written when a session was analysed, or, after an interrupt, when
	// a failure removes outputs the earlier summary.json may describe;
	// with Add, when one failed: its entry goes, the others stay.
	summarise := analysed > 0 || hive && interrupted && len(failed) > 0 || cfg.Add && len(failed) > 0
	var entries []export.SessionSummary // sessions[] of the summary.json written
	// doc is the summary.json of the run. Its unlisted sessions (those
	// with partitions under Out that no entry describes: a run killed
	// before it wrote summary.json, a summary.json moved away) are found
	// once, as the run's own sessions, whose outputs Tidy removes or
	// replaces, are none of them (nor, with Overwrite, any other).
	found := false
	gone := func(id string) bool { return ran(id) || cfg.Overwrite && !interrupted }
	doc := func() any {
		m := export.MultiSummary{StmotionVersion: version.Get().String(), Sessions: append([]export.SessionSummary{}, sums...), Failed: failed, Canceled: canceled}
		switch {
		case cfg.Add:
			m = export.AddSummary(earlier, m, ran, present, r.searched)
		case !hive:
			return sums[0]
		}
		if !found {
			var err error
			if res.Unlisted, err = export.FindUnlisted(out, m, gone); err != nil {
				addErr(&DirError{Dir: out, Err: err})
			}
			found = true
		}
		export.SortSessions(m.Sessions) // with the earlier entries an interrupted run keeps
		m.Unlisted, entries = res.Unlisted, m.Sessions
		return m
	}
	writeSummary := func() error { return r.out.WriteSummary(doc(), cfg.Options.Sync) }
	wrote := false
	if summarise {
		err := writeSummary()
		wrote = err == nil
		addErr(err)
	} else if hive {
		doc() // the unlisted sessions, for the caller's warning
	}
	removed, err := r.out.Tidy(done)
	// What could not be removed of a failed session's earlier outputs is
	// said in its failure and in its failed[] entry: summary.json must not
	// read as if the dataset held none of it. What stays of other
	// sessions' is an error of the run.
	var re *export.RemoveError
	why := map[string]error{}
	if errors.As(err, &re) {
		for i := range failed {
			if id := failed[i].SessionID; id != "" && len(re.Left[id]) > 0 {
				failed[i].EarlierOutputsLeft, why[id] = re.Left[id], re.Errs[id]
				delete(re.Left, id)
				delete(re.Errs, id)
			}
		}
	}
	if err != nil && (err != error(re) || len(re.Left) > 0) {
		addErr(&DirError{Dir: out, Err: err})
	}
	if wrote && len(why) > 0 {
		addErr(writeSummary())
	}
	if interrupted {
		for _, e := range entries {
			if e.EarlierRun && slices.ContainsFunc(canceled, func(c export.CanceledInput) bool { return c.SessionID == e.SessionID }) {
				res.KeptEarlier++
			}
		}
	}
	for id, n := range removedBefore {
		if removed == nil {
			removed = map[string]int{}
		}
		removed[id] += n
	}
	res.Failed, res.LeftErrs, res.Canceled, res.Removed = failed, why, canceled, removed
	res.SummaryTried, res.SummaryWritten = summarise, wrote
	// A dataset grown across stmotion versions may hold sessions whose
	// tables have other columns than this run's.
	if cfg.Add && analysed > 0 {
		res.ColumnDrift, res.ColumnDriftErr = export.FindColumnDrift(out)
	}
	return res
}
