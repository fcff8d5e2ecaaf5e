package batch

import (
	"fmt"
	"slices"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
)

// cutReplacement is, with Add, the session of the dataset (earlier, its
// tables there: present) read whole that an input analysed as sum, whose
// recording is cut short (quality.truncated), replaced: one from the same
// source (a recording since cut, by a copy interrupted over it), or a
// stream, which is not read through before (checkSharedIDs refuses a cut
// copy from another source). nil otherwise: worth a warning
// (InputResult.CutReplaced).
func cutReplacement(cfg *Config, in Input, sum export.SessionSummary, earlier []export.SessionSummary, present func(string) bool) *export.SessionSummary {
	if !cfg.Add || !sum.Quality.Truncated {
		return nil
	}
	i := slices.IndexFunc(earlier, func(e export.SessionSummary) bool {
		return e.SessionID == in.SessionID && present(e.SessionID) && !e.Quality.Truncated
	})
	if i < 0 {
		return nil
	}
	e := earlier[i]
	return &e
}

// keptEntries returns the entries of the earlier summary.json (earlier)
// of the sessions an interrupted run did not analyse (not among done, or
// canceled there) whose tables are still under out, each marked
// EarlierRun: the run leaves those tables in place, and its summary.json
// must not read as if they were gone. Failed sessions lose their tables
// (OutDir.Tidy), so their entries go.
func keptEntries(out string, earlier []export.SessionSummary, done []export.SessionFiles) ([]export.SessionSummary, error) {
	if len(earlier) == 0 {
		return nil, nil
	}
	o, err := export.FindOutputs(out)
	if err != nil {
		return nil, &DirError{Dir: out, Err: err}
	}
	var kept []export.SessionSummary
	for _, e := range earlier {
		ran := slices.ContainsFunc(done, func(s export.SessionFiles) bool { return s.SessionID == e.SessionID && !s.Canceled && !s.Kept })
		there := slices.Contains(o.Sessions, export.PartitionKey(e.SessionID)) || len(o.Flat) > 0 && o.FlatSession == e.SessionID
		if !ran && there {
			e.EarlierRun = true
			kept = append(kept, e)
		}
	}
	return kept, nil
}

// presentSessions reports, for a run adding to the dataset under out,
// whether a session's tables are there (export.AddSummary drops the
// entries of the others). When that cannot be told, every session is
// taken to be there, and the error is returned.
func presentSessions(out string) (func(id string) bool, error) {
	o, err := export.FindOutputs(out)
	if err != nil {
		return func(string) bool { return true }, &DirError{Dir: out, Err: err}
	}
	return func(id string) bool {
		return slices.Contains(o.Sessions, export.PartitionKey(id)) || len(o.Flat) > 0 && o.FlatSession == id
	}, nil
}

// GridMismatch says that a run adding sessions to a dataset (Config.Add)
// analysed them on other grid periods than the dataset's other sessions
// (Result.Others): the one figure-changing setting summary.json records
// (quality.grid_period_ms, set by pipeline.Options.Rate_Hz or the feed's
// rate), so their samples and figures are not on one grid. Cell_m,
// LiveOnly and Fold are recorded (export.SessionSummary.Settings) but not
// compared.
type GridMismatch struct {
	Run_ms    []int64 // the grid periods of the run's sessions, distinct, ascending
	Others_ms []int64 // those of the dataset's other sessions
}

// gridMismatch compares the grid periods of a run's sessions (run, its
// entries) with those of the dataset's other sessions (others, those not
// analysed by the run and still there); nil when they agree (every period
// of the run's is one of the others').
func gridMismatch(run, others []export.SessionSummary) *GridMismatch {
	periods := func(ss []export.SessionSummary) []int64 {
		var ps []int64
		for _, s := range ss {
			if p := s.Quality.GridPeriod_ms; p > 0 && !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
		slices.Sort(ps)
		return ps
	}
	mine, theirs := periods(run), periods(others)
	if len(mine) == 0 || len(theirs) == 0 || !slices.ContainsFunc(mine, func(p int64) bool { return !slices.Contains(theirs, p) }) {
		return nil
	}
	return &GridMismatch{Run_ms: mine, Others_ms: theirs}
}

// dropBundled removes from ins, with Add, the bare recordings whose
// bundle is a session of the dataset already (earlier, its tables there:
// present): analysed as bare files they would be the game a second time,
// without its live id, court and roster, as planInputs analyses a bundle
// given beside its own messages file once, as the bundle. It returns the
// inputs kept, those dropped, and a warning for each dropped.
func dropBundled(ins []Input, earlier []export.SessionSummary, present func(string) bool, out string) (kept, dropped []Input, warnings []string) {
	for _, in := range ins {
		bare := in.Bundle != nil && in.Bundle.Dir == "" && in.Err == nil
		i := slices.IndexFunc(earlier, func(e export.SessionSummary) bool {
			src, ok := earlierSource(e.Source, e.SourcePath)
			return bare && ok && isBundleSource(src) && present(e.SessionID) && sameRecording(src, in)
		})
		if i < 0 {
			kept = append(kept, in)
			continue
		}
		e := earlier[i]
		dropped = append(dropped, in)
		warnings = append(warnings, fmt.Sprintf("%s: the same recording as %s, session %s in %s: not analysed, as the bundle is there (add %s again to analyse it again)", in.Path, e.Source, e.SessionID, out, e.Source))
	}
	return kept, dropped, warnings
}

// datasetIDs are, with Add, the session ids of the dataset under out:
// those of the earlier summary.json's sessions, failed entries and
// unlisted sessions, then those of the partitions and one-session tables
// there (export.FindOutputs; when they cannot be listed, Do says so).
func datasetIDs(out string, earlier export.MultiSummary) []string {
	var ids []string
	for _, e := range earlier.Sessions {
		ids = append(ids, e.SessionID)
	}
	for _, f := range earlier.Failed {
		ids = append(ids, f.SessionID)
	}
	for _, u := range earlier.Unlisted {
		ids = append(ids, u.SessionID)
	}
	if o, err := export.FindOutputs(out); err == nil {
		ids = append(ids, o.Sessions...)
		ids = append(ids, o.FlatSession)
	}
	return slices.DeleteFunc(ids, func(id string) bool { return id == "" })
}

// adoptDatasetIDs gives, with Add, each input whose session id is one of
// the dataset's (ids: datasetIDs) by pipeline.SessionIDKey but spelt
// otherwise (game, Game; an accent encoded otherwise) the dataset's id,
// and notes why in Input.adopted (adoptedWarnings). The two are one id, as within a run
// (UniqueSessionIDs), and with Add an input with a session's id replaces
// it (ids decide, compareEarlier): kept apart, they would be two
// sessions of the dataset whose partition directories (session_id=game,
// session_id=Game) are one on macOS and Windows, the later run's tables
// over the earlier's, while summary.json lists both. The dataset's
// spelling is kept, not the input's, so that its partitions are written
// over in place: removing session_id=Game after writing session_id=game
// would, there, remove the new tables.
func adoptDatasetIDs(ins []Input, ids []string, out string) {
	for i := range ins {
		in := &ins[i]
		if slices.Contains(ids, in.SessionID) {
			continue
		}
		key := pipeline.SessionIDKey(in.SessionID)
		j := slices.IndexFunc(ids, func(id string) bool { return pipeline.SessionIDKey(id) == key })
		if j < 0 {
			continue
		}
		in.adopted = fmt.Sprintf("session id %s is session %s's in %s (%s)", in.SessionID, ids[j], out, oneID(ids[j], in.SessionID))
		in.SessionID, in.adoptedAs = ids[j], ids[j]
	}
}

// adoptedWarnings are the warnings of the inputs that kept the id of the
// dataset's session they took (adoptDatasetIDs); one renamed after
// (assignSessionIDs) says it in its renaming, once.
func adoptedWarnings(ins []Input) (warnings []string) {
	for _, in := range ins {
		if in.adopted != "" && in.SessionID == in.adoptedAs {
			warnings = append(warnings, fmt.Sprintf("%s: %s: written as %s", in.Path, in.adopted, in.SessionID))
		}
	}
	return warnings
}

// compareEarlier compares, with Add, each input (its session id given)
// with the dataset's sessions (earlier), whose entries name their sources:
//
//   - an input whose id is that of an earlier session (or failed entry)
//     from another source replaces it, as the same game added again (a
//     recording mended, or moved): ids decide. Two different games with
//     one id (two bare recordings both named messages.jsonl) would
//     replace each other: a warning names both sources and what to do.
//   - an input whose recording is that of an earlier session under
//     another id (its bare file then, its bundle now; dropBundled drops
//     the reverse), which no input of the run has, replaces it once
//     analysed: replaces maps the input to that session, whose outputs
//     and entry the run removes.
func compareEarlier(ins []Input, earlier export.MultiSummary, present func(string) bool, out string) (replaces map[int]export.SessionSummary, warnings []string) {
	ours := func(id string) bool {
		return slices.ContainsFunc(ins, func(in Input) bool { return in.SessionID == id })
	}
	for i, in := range ins {
		if j := slices.IndexFunc(earlier.Sessions, func(e export.SessionSummary) bool { return e.SessionID == in.SessionID }); j >= 0 {
			if e := earlier.Sessions[j]; !sameSource(e.Source, e.SourcePath, in) {
				warnings = append(warnings, fmt.Sprintf("%s: session id %s already used in %s by %s: replaced, as the same game added again (two different games need distinct names: rename one, and add it again)", in.Path, in.SessionID, out, e.Source))
			}
		} else if j := slices.IndexFunc(earlier.Failed, func(f export.FailedInput) bool { return f.SessionID == in.SessionID }); j >= 0 {
			if f := earlier.Failed[j]; !sameSource(f.Source, f.SourcePath, in) {
				warnings = append(warnings, fmt.Sprintf("%s: session id %s already used in %s by %s, which failed there: its failed entry replaced, as the same game added again (two different games need distinct names: rename one, and add it again)", in.Path, in.SessionID, out, f.Source))
			}
		}
		if in.Err != nil {
			continue
		}
		for _, e := range earlier.Sessions {
			if src, ok := earlierSource(e.Source, e.SourcePath); ok && e.SessionID != in.SessionID && !ours(e.SessionID) && present(e.SessionID) && sameRecording(src, in) {
				if replaces == nil {
					replaces = map[int]export.SessionSummary{}
				}
				replaces[i] = e
				break
			}
		}
	}
	return replaces, warnings
}
