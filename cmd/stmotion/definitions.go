package main

import (
	"flag"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/track"
)

// definitionsHelp is the sentence analyze's and live's help give on the
// definition flags.
const definitionsHelp = `--sprint-mps, --sprint-min-s, --accel-mps2, --accel-min-s, --speed-bands-mps
and --dist-band set the definitions behind the per-player counts: what a
sprint, an acceleration and a deceleration are (players.sprints, accels,
decels), the speed bands of players.speed_band_s (one entry per band: n
edges give n+1 bands) and the accepted feed DIST / engine distance ratio
(players.dist_flag). Their defaults (a sprint ≥ 7 m/s, STATSports' 25.2
km/h, held ≥ 1 s; |a| ≥ 3 m/s² held ≥ 0.5 s; a dip below the threshold
shorter than 0.25 s does not end an effort) and their sources are in
docs/kinematics.md. summary.json records those each session was analysed
with (definitions), and analyze --add warns when they differ from those
of the dataset's other sessions.
`

// definitionFlags are the flags of analyze and live that set
// track.Definitions, from track.DefaultConfig's.
type definitionFlags struct {
	d track.Definitions
}

// floatList is a flag.Value of comma-separated numbers.
type floatList struct{ v *[]float64 }

func (l floatList) String() string {
	if l.v == nil {
		return ""
	}
	return formatFloats(*l.v)
}

func (l floatList) Set(s string) error {
	var vs []float64
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			// "2,,4" or "2,4,": a typo, which skipped would quietly
			// change the number of bands.
			return fmt.Errorf("%q has an empty field", s)
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", f)
		}
		vs = append(vs, v)
	}
	*l.v = vs
	return nil
}

// distBand is the flag.Value of --dist-band: lo,hi.
type distBand struct{ lo, hi *float64 }

func (b distBand) String() string {
	if b.lo == nil {
		return ""
	}
	return formatFloats([]float64{*b.lo, *b.hi})
}

func (b distBand) Set(s string) error {
	var vs []float64
	if err := (floatList{&vs}).Set(s); err != nil {
		return err
	}
	if len(vs) != 2 {
		return fmt.Errorf("want two numbers, lo,hi")
	}
	*b.lo, *b.hi = vs[0], vs[1]
	return nil
}

func formatFloats(vs []float64) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strings.Join(s, ",")
}

// register adds the flags to fs, with track.DefaultConfig's values.
func (f *definitionFlags) register(fs *flag.FlagSet) {
	def := track.DefaultConfig()
	f.d = def.Definitions.Clone()
	fs.Float64Var(&f.d.Sprint_mps, "sprint-mps", f.d.Sprint_mps, "a sprint is a speed of at least this `speed` in m/s (> 0) held for --sprint-min-s")
	fs.Float64Var(&f.d.SprintMin_s, "sprint-min-s", f.d.SprintMin_s, "shortest sprint, in `seconds` (≥ 0)")
	fs.Float64Var(&f.d.Accel_mps2, "accel-mps2", f.d.Accel_mps2, "an acceleration (deceleration) is a tangential acceleration of at least this `value`\n"+
		"in m/s² (> 0; at most minus it) held for --accel-min-s")
	fs.Float64Var(&f.d.AccelMin_s, "accel-min-s", f.d.AccelMin_s, "shortest acceleration or deceleration, in `seconds` (≥ 0)")
	fs.Var(floatList{&f.d.SpeedBands_mps}, "speed-bands-mps", "speed band `edges` in m/s, comma-separated, increasing, > 0: n edges give n+1 bands\n"+
		"(players.speed_band_s), the first from 0, the last open")
	fs.Var(distBand{&f.d.DistRatioLo, &f.d.DistRatioHi}, "dist-band", "accepted feed DIST / engine distance `lo,hi` ratio (0 ≤ lo < hi); a player outside\n"+
		"it is flagged (players.dist_flag)")
}

// check is the check of the flags, before any work: an error names the
// flag.
func (f *definitionFlags) check() error {
	d := &f.d
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if !(d.Sprint_mps > 0) || !finite(d.Sprint_mps) {
		return fmt.Errorf("--sprint-mps %g: want a speed > 0 m/s", d.Sprint_mps)
	}
	if !(d.SprintMin_s >= 0) || !finite(d.SprintMin_s) {
		return fmt.Errorf("--sprint-min-s %g: want a duration ≥ 0 s", d.SprintMin_s)
	}
	if !(d.Accel_mps2 > 0) || !finite(d.Accel_mps2) {
		return fmt.Errorf("--accel-mps2 %g: want an acceleration > 0 m/s²", d.Accel_mps2)
	}
	if !(d.AccelMin_s >= 0) || !finite(d.AccelMin_s) {
		return fmt.Errorf("--accel-min-s %g: want a duration ≥ 0 s", d.AccelMin_s)
	}
	if len(d.SpeedBands_mps) == 0 {
		return fmt.Errorf("--speed-bands-mps: want at least one edge")
	}
	for i, e := range d.SpeedBands_mps {
		if !(e > 0) || !finite(e) || i > 0 && !(e > d.SpeedBands_mps[i-1]) {
			return fmt.Errorf("--speed-bands-mps %s: want increasing speeds > 0 m/s", formatFloats(d.SpeedBands_mps))
		}
	}
	if !(d.DistRatioLo >= 0) || !finite(d.DistRatioHi) || !(d.DistRatioLo < d.DistRatioHi) {
		return fmt.Errorf("--dist-band %s: want lo,hi with 0 ≤ lo < hi", formatFloats([]float64{d.DistRatioLo, d.DistRatioHi}))
	}
	return nil
}

// definitionsDiff names, as flags, the definitions in which a differs
// from b: "--sprint-mps 5 (7 there)"; empty when none.
func definitionsDiff(a, b track.Definitions) []string {
	var diffs []string
	num := func(name string, x, y float64) {
		if x != y {
			diffs = append(diffs, fmt.Sprintf("%s %g (%g there)", name, x, y))
		}
	}
	num("--sprint-mps", a.Sprint_mps, b.Sprint_mps)
	num("--sprint-min-s", a.SprintMin_s, b.SprintMin_s)
	num("--accel-mps2", a.Accel_mps2, b.Accel_mps2)
	num("--accel-min-s", a.AccelMin_s, b.AccelMin_s)
	if x, y := formatFloats(a.SpeedBands_mps), formatFloats(b.SpeedBands_mps); x != y {
		diffs = append(diffs, fmt.Sprintf("--speed-bands-mps %s (%s there)", x, y))
	}
	if a.DistRatioLo != b.DistRatioLo || a.DistRatioHi != b.DistRatioHi {
		diffs = append(diffs, fmt.Sprintf("--dist-band %s (%s there)",
			formatFloats([]float64{a.DistRatioLo, a.DistRatioHi}), formatFloats([]float64{b.DistRatioLo, b.DistRatioHi})))
	}
	return diffs
}

// recordedDefinitions are the definitions an entry of summary.json was
// analysed with: those it records, else (an stmotion before they were
// recorded) the defaults.
func recordedDefinitions(s *export.SessionSummary) track.Definitions {
	if s.Definitions != nil {
		return s.Definitions.Track()
	}
	return track.DefaultConfig().Definitions
}

// definitionsWarning is the warning of a run adding sessions, analysed
// with defs, to a dataset whose other sessions (others' entries:
// batch.Result.Others) were analysed with other definitions: their
// sprints, accelerations, speed bands or DIST flags are not counted
// alike (as gridWarning for the grid); "" when they agree. An entry
// without definitions took the defaults.
func definitionsWarning(defs track.Definitions, others []export.SessionSummary) string {
	var ids []string
	var diffs []string
	for i := range others {
		s := &others[i]
		d := definitionsDiff(defs, recordedDefinitions(s))
		if len(d) == 0 {
			continue
		}
		ids = append(ids, s.SessionID)
		for _, x := range d {
			if !slices.Contains(diffs, x) {
				diffs = append(diffs, x)
			}
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return fmt.Sprintf("--add: this run's sessions were analysed with other definitions than the dataset's %s (%s; summary.json definitions): "+
		"their sprints, accels, decels, speed bands or DIST flags are not counted alike; give the same flags to every run of a dataset",
		sessionList(ids), strings.Join(diffs, ", "))
}

// definitions returns the flags' definitions for pipeline.Options; nil
// (the defaults) when they were never registered, as in an analyzeConfig
// made by hand.
func (f *definitionFlags) definitions() *track.Definitions {
	if f.d.Sprint_mps == 0 {
		return nil
	}
	d := f.d
	return &d
}
