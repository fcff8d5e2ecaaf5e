// Package batch analyses many recordings into one dataset: the work of
// `stmotion analyze` between its flags and what it prints. pipeline runs
// one session; batch decides which sessions a run's paths name, which
// session id each takes, runs them in parallel, and keeps summary.json
// describing every table under the output directory.
//
// A run goes in steps, so that a caller can say what each came to before
// the next (warnings before the analysis, an Out refused before any work):
//
//	plan := batch.PlanInputs(ctx, cfg, paths) // expand paths, drop copies, check courts
//	run, err := plan.Prepare(ctx)             // compare with the dataset, give session ids
//	defer run.Close()                         // releases Out's lock (Config.Add)
//	err = run.OpenOut()                       // refuse or prepare Out
//	res := run.Do(ctx)                        // analyse, write summary.json, tidy Out
//
// Input planning (PlanInputs): a path is a bundle directory, a recording
// or a directory searched for both (decode.FindBundles); one that cannot
// be searched or opened is a failed input and the others go on. The same
// path or recording met twice (a link, a bundle beside its own messages
// file) is analysed once: as the bundle, whose live id, court and roster
// go with it, else as the first by absolute path, whatever the order of
// the paths.
//
// Session ids (Prepare): an input's id is its live id or its name
// (pipeline.SessionID); inputs sharing one (as pipeline.SessionIDKey
// compares ids: case and the encoding of accents apart) get <id>-2,
// <id>-3, ... in the order of their absolute paths, the complete recordings first, then
// those cut short or whose own court.json cannot be used (analysed in the
// sensor frame), then those that fail: the recordings sharing an id are
// read through first (pipeline.Check), so a broken copy never takes a
// game's id. Each renaming is a warning.
//
// Adding to a dataset (Config.Add): the run's sessions join those under
// Out, whose entries summary.json keeps (export.AddSummary). A session
// there is replaced by an input with its id (ids decide; an input whose id
// is the session's as pipeline.SessionIDKey compares them takes the
// session's spelling, with a warning), but not by a
// broken or cut copy from another source, which fails without an id; a
// recording there under another id (its bare file, now its bundle) is
// replaced once analysed (Result.Replaced), and a bare file whose bundle
// is there is not analysed (Run.Skipped).
//
// Runs into one Out take turns, with Add or without (a lock file,
// export.LockOutDir, held from Prepare until Run.Close): a second waits,
// then finds what the first wrote, as a run started after it would.
//
// Results: Run.Do returns values (summaries, failures, cancellations,
// warnings, what was removed), not text. The sessions, in Result.Sessions
// as in summary.json's sessions[] (with Add, the dataset's others among
// them), are in time order (export.SortSessions: the earliest time
// of their data, then the session id), whatever the order of the paths or of the
// runs that added them: a practice recorded live, a session per drill's
// live id (random UUIDs), reads in the order it was played. The errors and warnings batch
// makes name their input's file and Out, never a command's flags (those
// of pipeline are passed on as they are), so a command words them in its
// own terms; Config.CourtError rewords a court error before it is
// recorded in summary.json. Setup errors (Prepare, OpenOut) are
// *SetupError, and nothing was analysed then; later errors of Out are in
// Result.Errs and do not stop the run. An interrupt (ctx ending) cuts the
// running inputs short and leaves the others unstarted: they are
// canceled, not failed, and keep what earlier runs wrote.
//
// Lifetimes: a Plan and its Run hold the inputs' opened bundles (a
// stream's read ends when the ctx given to PlanInputs does); a Run is
// used once, and holds Out's lock from Prepare until Close. A Result is
// plain values that stay valid after Close; the files it names stay
// until another run on Out replaces them.
//
// Concurrency: a Plan and a Run are used by one goroutine. Run.Do and
// Prepare run up to Config.Jobs inputs at once (RunJobs), each on its own
// pipeline.Run; Config.InputDone is called from those goroutines, calls
// for different inputs possibly at once. Runs adding to one Out take
// turns (Add); other runs on one Out at once are not coordinated.
package batch
