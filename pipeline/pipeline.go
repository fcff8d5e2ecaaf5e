package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/stmotion/stmotion/backfill"
	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/track"
	"github.com/stmotion/stmotion/track/heatmap"
	"github.com/stmotion/stmotion/track/possession"
)

// DefaultCell_m is the heatmap cell size used when Options.Cell_m is 0
// (analyze's --cell default, and live mode's).
const DefaultCell_m = 0.5

// MaxReported is how many bad lines of one input Run.Warnings reports one
// by one; the rest are summed up in one more warning.
const MaxReported = 5

// Options are the settings of a session's pipeline, shared by its inputs.
type Options struct {
	Out        string        // directory of the tables (export.NewWriter)
	Format     export.Format // table file format
	BatchRows  int           // rows per record batch / Parquet row group (export.WithBatchRows); 0: export.DefaultBatchRows
	Hive       bool          // Hive-partitioned layout, for several sessions under Out (export.WithHiveLayout)
	LiveOnly   bool          // only samples and heatmap time with the game clock live
	Sync       bool          // fsync every output file (export.WithSync)
	Foreground bool          // write samples batches on the engine's goroutine (export.WithForeground)
	Cell_m     float64       // heatmap cell size; 0: DefaultCell_m
	Rate_Hz    float64       // output grid rate (track.Config.Rate_Hz); 0: the feed's median sample rate
	// Definitions are the thresholds of the per-player counts, speed
	// bands and DIST flags (track.Definitions, which track.Config
	// embeds: the session's config takes a clone of them); nil: those of
	// track.DefaultConfig.
	Definitions *track.Definitions
	Strict      bool // fail an input that has any line that does not decode, or is cut short
	// MaxLineBytes is the longest recording line read (decode.ReaderOptions);
	// 0: decode.DefaultMaxLineBytes. A longer line is a bad line, whose
	// warning says how to raise it (analyze --max-line).
	MaxLineBytes int
	// AllowMirrored accepts a court.json whose corners run
	// counterclockwise: the sensor frame is taken to be left-handed and
	// positions are mirrored into the court frame (court.Options).
	AllowMirrored bool
	// AllowMirroredName names AllowMirrored in what is said of a court
	// whose corners run counterclockwise (court.CheckError.Option) as the
	// caller offers it (analyze's "--allow-mirrored"); "": court's own
	// name, Options.AllowMirrored.
	AllowMirroredName string
	// CourtTemplate names the court's markings template (court.Options
	// .Template: "ncaa", "hs94", ...; analyze --court-template) over the
	// one a court.json names and the one its size alone gives (NBA for
	// the 28.65 × 15.24 m courts that NCAA, WNBA and 94-ft high-school
	// gyms share). A court its size does not fit fails its input (a
	// "template" *court.CheckError). Empty: the court.json's, or by size.
	CourtTemplate string
	// Fold draws each team's attacking half on the east (x > 0) in every
	// period, in the heatmaps table and images: team and player maps by
	// their team, the ball's by the team in control; the directions are
	// learned from the detected shots (track.HeatmapAnalyzer). Not for a
	// practice's scrimmage of a one-team roster (track.Summary.OneTeam),
	// whose sides attack opposite hoops: see FoldWarning.
	Fold bool
	// NoShotCharts keeps no shots for the shot charts (Run.Shots is
	// empty): a run that draws no images (analyze --images=false). The
	// shots table is written as ever.
	NoShotCharts bool
}

func (o *Options) cell_m() float64 {
	if o.Cell_m == 0 {
		return DefaultCell_m
	}
	return o.Cell_m
}

func (o *Options) exportOptions() []export.Option {
	opts := []export.Option{export.WithFormat(o.Format), export.WithBatchRows(o.BatchRows)}
	if o.Hive {
		opts = append(opts, export.WithHiveLayout())
	}
	if o.LiveOnly {
		opts = append(opts, export.WithLiveOnly())
	}
	if o.Sync {
		opts = append(opts, export.WithSync())
	}
	if o.Foreground {
		opts = append(opts, export.WithForeground())
	}
	return opts
}

// ErrCanceled is wrapped when the context ends a Run.
var ErrCanceled = errors.New("canceled")

// Run is one input wired from its recording to its sinks.
type Run struct {
	b        *decode.Bundle
	opt      Options
	sess     *track.Session
	template court.Template
	court    *court.Court   // the session's court; nil in the sensor frame
	writer   *export.Writer // nil for OpenEngine
	shots    *feedShots     // in front of writer; nil for OpenEngine
	reader   *decode.Reader
	warnings []string
	bad      []string // the first MaxReported bad lines
	nBad     int64
	// truncated is the warning for a compressed recording cut short
	// (analysed up to the break); empty otherwise.
	truncated string
	// zeroTail is the warning for the zero bytes that follow a complete
	// one (decode.Reader.ZeroTailNote); empty otherwise.
	zeroTail string
	// after are the warnings about what the analysis found (see
	// SummaryWarnings).
	after []string
	// failed: Do returned an error; canceled: ErrCanceled.
	failed, canceled bool
	// sensorFrame: the session has no court (no shot detected).
	sensorFrame bool
	// rest is the bundle's REST state (stats.json, shots.json), until
	// the feed's first data message places it (feedRest); nil when there
	// is none to feed, or once the recording shows it holds it.
	rest *backfill.State
}

var errNilBundle = errors.New("pipeline: nil *decode.Bundle")

// Open wires input b, as session sessionID, to a new export writer of
// tables under opt.Out (in front of which the feed's shots are placed on
// the court and kept for the shot charts, unless opt.NoShotCharts).
// Run.Do then analyses it.
func Open(b *decode.Bundle, sessionID string, opt Options) (*Run, error) {
	if b == nil { // before the writer creates its files
		return nil, errNilBundle
	}
	w, err := export.NewWriter(opt.Out, sessionID, opt.exportOptions()...)
	if err != nil {
		// The writer's error names the output, not the input.
		return nil, fmt.Errorf("%s: %w", b.Path, err)
	}
	var sink track.Sink = w
	var shots *feedShots
	if !opt.NoShotCharts {
		shots = &feedShots{Sink: w}
		sink = shots
	}
	r, err := OpenEngine(b, sessionID, opt, sink)
	if err != nil {
		w.Abort()
		return nil, err
	}
	r.writer = w
	if shots != nil {
		shots.chart, shots.detected = heatmap.NewShotChart(r.template), heatmap.NewShotChart(r.template)
		shots.chart.Limit, shots.detected.Limit = MaxChartShots, MaxChartShots
		shots.sensorFrame = r.sensorFrame
		r.shots = shots
	}
	return r, nil
}

// besideHint explains, for a bare recording with a bundle file called name
// in its directory, why that file was not read (only a bundle's files are)
// and how to give it (analyze --court, --roster).
func besideHint(b *decode.Bundle, name string) string {
	if b.Dir != "" || b.Path == decode.Stdin {
		return ""
	}
	beside := filepath.Join(filepath.Dir(b.Path), name)
	if fi, err := os.Stat(beside); err != nil || fi.IsDir() {
		return ""
	}
	flag := "--court " + beside
	if name == decode.BundleSubscribe {
		flag = "--roster " + beside
	}
	return fmt.Sprintf(" (the %s beside it is read only from a session bundle, a directory whose recording is named %s, %s.gz or %s.zst; give it with analyze %s)",
		name, decode.BundleMessages, decode.BundleMessages, decode.BundleMessages, flag)
}

// noRosterWarning says what a session without a roster cannot tell, and
// how to give it one (export.LimitNoRoster): one without subscribe.json,
// or whose subscribe.json lists no player (its teams were not set up),
// which is as good as none.
func noRosterWarning(b *decode.Bundle) string {
	give := besideHint(b, decode.BundleSubscribe)
	if give == "" {
		give = "; give one with analyze --roster FILE (a subscribe.json, or a players.json: the teams and their players)"
		if beside := rosterBeside(b); beside != "" {
			give = "; the " + filepath.Base(beside) + " beside it is not read: give it with analyze --roster " + beside
		}
	}
	what := "no " + decode.BundleSubscribe
	if b.Subscribe != nil {
		name := filepath.Base(b.SubscribePath)
		if b.SubscribePath == "" { // a Bundle built by hand
			name = decode.BundleSubscribe
		}
		what = name + " lists no teams"
		if n := len(b.Subscribe.Teams); n > 0 {
			what = fmt.Sprintf("%s lists no player on its %d teams", name, n)
		}
	}
	return fmt.Sprintf("%s: %s: players have no names or teams, so a change of hands cannot be told a pass from a steal, "+
		"nor a rebound offensive from defensive (those passes and rebounds are labelled %q in the events table; summary.json limits: %s), "+
		"and team possession is not measured%s",
		b.Path, what, track.LabelUnverified, export.LimitNoRoster, give)
}

// rosterConflictWarning says which players b's roster lists on more than
// one team, and which team each is taken for (track.RosterConflicts);
// "" when none is. A few are named; a roster listing many twice is
// named by its count.
func rosterConflictWarning(b *decode.Bundle) string {
	cs := track.RosterConflicts(b.Subscribe.Teams)
	if len(cs) == 0 {
		return ""
	}
	file := b.SubscribePath
	if file == "" { // a Bundle built by hand
		file = b.Path
	}
	teams := func(c track.RosterConflict) string {
		ids := make([]string, len(c.Teams))
		for i, t := range c.Teams {
			ids[i] = strconv.FormatInt(t, 10)
		}
		return strings.Join(ids[:len(ids)-1], ", ") + " and " + ids[len(ids)-1]
	}
	const effect = "for his possessions, events and the tables' team_id (the feed's stats may say otherwise)"
	if len(cs) == 1 {
		c := cs[0]
		return fmt.Sprintf("%s: player %d is listed on teams %s: taken as team %d's, the last that lists him, %s",
			file, c.PlayerID, teams(c), c.Kept(), effect)
	}
	const named = 5
	var list []string
	for _, c := range cs[:min(len(cs), named)] {
		list = append(list, fmt.Sprintf("%d (teams %s: taken as %d's)", c.PlayerID, teams(c), c.Kept()))
	}
	if more := len(cs) - named; more > 0 {
		list = append(list, fmt.Sprintf("and %d more", more))
	}
	return fmt.Sprintf("%s: %d players are listed on more than one team, each taken as the last team's that lists him, %s: %s",
		file, len(cs), strings.Replace(effect, "his", "their", 1), strings.Join(list, ", "))
}

// noCourtWarning says what a session without a court cannot tell, and how
// to give it one (export.LimitNoCourt): one without a court.json (bad
// nil), or whose own court.json cannot be used (bad, its error, which
// starts with the file's path).
func noCourtWarning(b *decode.Bundle, bad error) string {
	give := besideHint(b, decode.BundleCourt)
	if give == "" {
		give = "; give one with analyze --court FILE"
	}
	what := b.Path + ": no " + decode.BundleCourt
	if bad != nil {
		what, give = fmt.Sprintf("%v: the court is not used", bad), "; give a valid one with analyze --court FILE, which replaces it"
	}
	return fmt.Sprintf("%s: positions stay in the sensor frame: no shots detected from the ball, nor rebounds, so a missed or made shot "+
		"reads as a pass or a turnover (passes and turnovers are labelled %q in the events table; summary.json limits: %s); "+
		"heatmaps only within an NBA court's extent around the sensor origin, drawn without court markings%s",
		what, track.LabelUnverified, export.LimitNoCourt, give)
}

// replacedCourtWarning says that b's own court.json is not used, as a
// court given for every input replaced it (decode.Bundle.ReplaceCourt:
// analyze --court), and whether it was valid; "" when none was replaced,
// or by the same bytes.
func replacedCourtWarning(b *decode.Bundle, opt Options) string {
	if b.ReplacedCourt == nil || bytes.Equal(b.ReplacedCourt, b.Court) {
		return ""
	}
	own := "a valid court"
	if _, err := court.Parse(b.ReplacedCourt, court.Options{AllowMirrored: opt.AllowMirrored}); err != nil {
		own = fmt.Sprintf("not a valid court either: %v", court.NamedOption(err, opt.AllowMirroredName))
	}
	return fmt.Sprintf("%s: not used: the court given for every input (analyze --court %s) replaces it (it is %s)", b.ReplacedCourtPath, b.CourtPath, own)
}

// FoldWarning says, for a session named name whose heatmaps were asked
// folded (fold: analyze's and live's --fold), that they are not when its
// summary says it was a practice of a one-team roster
// (track.Summary.OneTeam), and why; "" otherwise. Folding turns each
// team's time by the hoop it attacks, learned from its shots: a practice
// scrimmage's two sides are one team attacking opposite hoops, so one
// direction would be applied to both, and half the players' offence
// drawn on the defence's half; any drill may use both hoops. The feed
// does not say which side a player is on. The warning speaks of
// scrimmage sides only when the session's rounds are known to be
// scrimmages (export.Scrimmages). A session in which only one team's
// players were tracked (track.Summary.OneTeamTracked) folds: that team's
// shots give its direction.
func FoldWarning(name string, sum *track.Summary, fold bool) string {
	if !fold || sum == nil || !sum.OneTeam {
		return ""
	}
	why := "whose players may attack opposite hoops at once (a scrimmage's two sides do), and the feed does not say who attacks which"
	if _, all := export.Scrimmages(export.RoundsOf(sum)); all {
		why = "whose scrimmage sides attack opposite hoops and cannot be told apart"
	}
	return fmt.Sprintf("%s: --fold: the heatmaps are not folded: one team on the roster (a practice), %s", name, why)
}

// oneTeamWarning says what a session whose sides the events could not
// tell apart cannot tell (export.LimitOneTeam, export.LimitOneTeamTracked).
// A practice speaks of sides only where its rounds are known to be
// scrimmages (live.json's, rounds.json's type SCRIMMAGE): a shooting
// drill has none, but its changes of hands are no better told apart.
func oneTeamWarning(name string, sum *track.Summary) string {
	why, limit := "only one team's players tracked: the other side's are not in the feed", export.LimitOneTeamTracked
	between, together := "between the sides", "both sides' together"
	if sum.OneTeam {
		limit = export.LimitOneTeam
		switch some, all := export.Scrimmages(export.RoundsOf(sum)); {
		case all:
			why = "one team on the roster (a practice): both sides of its scrimmage are that team"
		case some:
			why = "one team on the roster (a practice): every player the roster names is on it, and in its scrimmages (rounds of type SCRIMMAGE) both sides are that team"
			between, together = "between two of its players", "all its players' together"
		default:
			why = "one team on the roster (a practice): every player the roster names is on it"
			between, together = "between two of its players", "all its players' together"
		}
	}
	return fmt.Sprintf("%s: %s, "+
		"so a change of hands %s cannot be told a pass from a steal, nor a rebound offensive from defensive "+
		"(those passes, turnovers and rebounds are labelled %q in the events table; summary.json limits: %s); "+
		"the possessions table has no team-level rows, and the team's possession_s is %s",
		name, why, between, track.LabelUnverified, limit, together)
}

// rosterBeside is the players.json beside a bare recording (where a
// SportVU export keeps its roster), or "".
func rosterBeside(b *decode.Bundle) string {
	if b.Dir != "" || b.Path == decode.Stdin {
		return ""
	}
	beside := filepath.Join(filepath.Dir(b.Path), "players.json")
	if fi, err := os.Stat(beside); err != nil || fi.IsDir() {
		return ""
	}
	return beside
}

// OpenEngine wires input b to a new engine session that feeds sinks and
// no table writer: the court and roster of the bundle, the engine
// settings of opt, the analyzers of Attach, the bad-line accounting. The
// caller owns the sinks; opt's table settings are not used.
func OpenEngine(b *decode.Bundle, sessionID string, opt Options, sinks ...track.Sink) (*Run, error) {
	if b == nil {
		return nil, errNilBundle
	}
	r := &Run{b: b, opt: opt}
	// A live id stmotion live followed from the previous one numbers its
	// periods on from there, as live did (periods.json).
	meta := track.Meta{SessionID: sessionID, EventStart_ms: b.Live.EventStart_ms(), Periods: track.ContinuedPeriods(b.Periods), Event: track.EventKindOf(b.Live)}
	// The names of the rounds (drills) the recording holds: its own, and
	// the later ones of a recording of the whole practice (rounds.json).
	meta.Round = track.RoundOf(b.Live)
	for i := range b.Rounds {
		meta.Rounds = append(meta.Rounds, track.RoundOf(&b.Rounds[i]))
	}
	// What the bundle's side files hold that is odd (names garbled in a
	// file that is not UTF-8).
	r.warnings = append(r.warnings, b.Warnings...)
	if b.Subscribe != nil {
		meta.Roster = b.Subscribe.Teams
		if w := rosterConflictWarning(b); w != "" {
			r.warnings = append(r.warnings, w)
		}
	}
	if !b.Subscribe.HasPlayers() {
		r.warnings = append(r.warnings, noRosterWarning(b))
	}
	if w := replacedCourtWarning(b, opt); w != "" {
		r.warnings = append(r.warnings, w)
	}
	if b.Court != nil {
		var err error
		switch meta.Court, err = ParseCourt(b, opt); {
		case err != nil && b.CourtGiven:
			return nil, err
		case err != nil:
			// The bundle's own court.json, recorded as the API served
			// it: stmotion live ran the session in the sensor frame,
			// and so does its analysis.
			r.warnings = append(r.warnings, noCourtWarning(b, err))
		}
		for _, w := range meta.Court.Warnings() {
			r.warnings = append(r.warnings, courtPath(b)+": "+w)
		}
	} else {
		r.warnings = append(r.warnings, noCourtWarning(b, nil))
	}
	r.template = template(meta)
	r.court = meta.Court
	r.sensorFrame = sensorFrame(meta)
	r.rest = restState(b)
	tcfg := track.DefaultConfig()
	tcfg.Rate_Hz = opt.Rate_Hz
	if opt.Definitions != nil {
		tcfg.Definitions = opt.Definitions.Clone()
	}
	var err error
	if r.sess, err = track.NewSession(tcfg, meta, sinks...); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Path, err)
	}
	if err = Attach(r.sess, meta, opt); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Path, err)
	}
	ropt := decode.ReaderOptions{
		KeepErrors:   -1,
		MaxLineBytes: opt.MaxLineBytes,
		OnBadLine: func(e *decode.Error, _ []byte) {
			r.nBad++
			r.sess.NoteBadLine()
			if len(r.bad) < MaxReported {
				msg := *e
				msg.Line = 0 // the line is given as FILE:LINE
				hint := ""
				if errors.Is(e, decode.ErrLineTooLong) {
					hint = " (analyze --max-line raises the limit)"
				}
				r.bad = append(r.bad, fmt.Sprintf("%s:%d: %v%s", b.MessagesPath, e.Line, &msg, hint))
			}
		},
	}
	if r.reader, err = openMessages(b, ropt); err != nil {
		return nil, err
	}
	return r, nil
}

// openMessages opens b's recording; its error starts with the file, as
// the errors of reading it do (readFailure).
func openMessages(b *decode.Bundle, opt decode.ReaderOptions) (*decode.Reader, error) {
	rd, err := b.OpenMessages(opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.MessagesPath, err)
	}
	return rd, nil
}

// ParseCourt parses and checks b's court.json (or the court Supply or
// ReplaceCourt gave it), as OpenEngine does: nil without one. Its error
// starts with the court file's path. OpenEngine fails the input on the
// error of a court given for it (b.CourtGiven), and analyses one whose own
// court.json cannot be used in the sensor frame, with a warning, as
// stmotion live ran it. A caller may check a given court before
// OpenEngine, to tell an input that cannot be analysed before any work.
func ParseCourt(b *decode.Bundle, opt Options) (*court.Court, error) {
	if b.Court == nil {
		return nil, nil
	}
	c, err := court.Parse(b.Court, court.Options{AllowMirrored: opt.AllowMirrored, Template: opt.CourtTemplate})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", courtPath(b), court.NamedOption(err, opt.AllowMirroredName))
	}
	return c, nil
}

// courtPath names the file b's court came from.
func courtPath(b *decode.Bundle) string {
	if b.CourtPath == "" { // a Bundle built by hand
		return filepath.Join(b.Dir, decode.BundleCourt)
	}
	return b.CourtPath
}

// CourtSource says where b's court came from, for summary.json's court
// (export.CourtOf): its own court.json (export.CourtFromBundle), one
// Supply gave it (export.CourtFromFlag: analyze --court), or none
// (export.CourtFromNone); and the file read.
func CourtSource(b *decode.Bundle) (source, file string) {
	switch {
	case b.Court == nil:
		return export.CourtFromNone, ""
	case b.Dir != "" && (b.CourtPath == "" || b.CourtPath == filepath.Join(b.Dir, decode.BundleCourt)):
		return export.CourtFromBundle, filepath.Join(b.Dir, decode.BundleCourt)
	}
	return export.CourtFromFlag, b.CourtPath
}

// template is the court's markings for possession and images: the NBA
// court when the session stays in the sensor frame (for drawing only).
func template(meta track.Meta) court.Template { return meta.Court.Markings() }

// sensorFrame reports whether meta has no court (nil, or court.SensorFrame
// given explicitly).
func sensorFrame(meta track.Meta) bool { return meta.Court == nil || meta.Court.IsSensorFrame() }

// possessionConfig is the possession detector's configuration on meta's
// court. In the sensor frame (no court) the positions say nothing about
// where the bench or the hoops are: every tracked player may take the
// ball, and no shot (nor rebound) is detected from the ball; the feed's
// own shot messages still fill the shots table.
func possessionConfig(meta track.Meta) possession.Config {
	cfg := possession.ConfigFor(template(meta))
	cfg.SensorFrame = sensorFrame(meta)
	return cfg
}

// Attach attaches to sess the analyzers every session runs: possession
// first (it marks the ball holder, which the sinks see), then heatmaps
// (opt.Cell_m, opt.LiveOnly, opt.Fold unless the session is a practice's
// scrimmage of a one-team roster: FoldWarning), on meta's court, roster
// and event kind (track.PossessionAnalyzer.SetEvent); the
// heatmaps learn the teams' attacking directions from the possession
// analyzer's detected shots (the session passes it the feed's shots).
// It fails on a nil session, on one already fed (track.ErrStarted), and
// on one that has a possession or heatmap analyzer already (Attach called
// twice would count every heatmap cell twice), attaching nothing.
func Attach(sess *track.Session, meta track.Meta, opt Options) error {
	if sess == nil {
		return errors.New("pipeline: Attach to a nil session")
	}
	for _, a := range sess.Analyzers() {
		switch a.(type) {
		case *track.PossessionAnalyzer, *track.HeatmapAnalyzer:
			return fmt.Errorf("pipeline: Attach: the session has a %T already (attached twice?)", a)
		}
	}
	tmpl := template(meta)
	poss := track.NewPossessionAnalyzer(meta.Roster, possessionConfig(meta))
	poss.SetEvent(meta.Event)
	// A practice event's one team is known not to fold from the start;
	// without event info, the heatmap analyzer decides at the end
	// (track.Summary.OneTeam).
	fold := opt.Fold && !(meta.Event == track.EventPractice && track.OneTeamRoster(meta.Roster))
	heat := track.NewHeatmapAnalyzer(heatmap.Options{Cell_m: opt.cell_m(), Court: tmpl, LiveOnly: opt.LiveOnly, Fold: fold})
	poss.Observe(heat.Segment)
	for _, a := range []track.Analyzer{poss, heat} {
		if err := sess.Attach(a); err != nil {
			return err
		}
	}
	return nil
}

// Do feeds the whole recording to the engine and closes it. The writer's
// files (Open) are committed by the engine's Close (the writer is its
// sink) or removed on any error. Do is called once.
func (r *Run) Do(ctx context.Context) (*track.Summary, error) {
	sum, err := r.feed(ctx)
	if err != nil {
		r.failed = true
		r.canceled = errors.Is(err, ErrCanceled)
		if r.writer != nil {
			r.writer.Abort()
		}
	}
	return sum, err
}

func (r *Run) feed(ctx context.Context) (*track.Summary, error) {
	defer r.reader.Close()
	var m decode.Message
	var n int
	if r.shots != nil {
		r.shots.cur = &m
	}
	var newest_ms int64 // of the lines before the first data message (markers)
	for r.reader.Next(&m) {
		if r.rest != nil {
			// Until the feed's first data message, which the REST state
			// goes before (as stmotion live feeds it).
			t := m.OccurredAt_ms()
			switch {
			case backfill.Made(r.reader.Line()):
				// stmotion live recorded it, and fed the REST state
				// it had here: the recording holds it.
				r.rest = nil
			case t > 0 && isData(m.Kind):
				if holdsMade(ctx, r.b) {
					// Made after a later join of stmotion live's, into
					// the bundle whose stats.json and shots.json that
					// join replaced (as an stmotion before the re-join
					// recorded its state under gap/ did): they are not
					// the state at the feed's start.
					r.rest = nil
					break
				}
				if err := r.feedRest(t, newest_ms); err != nil {
					return nil, err
				}
			default:
				newest_ms = max(newest_ms, t)
			}
		}
		if err := r.sess.FeedLine(&m, r.reader.Line()); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", r.b.MessagesPath, r.reader.LineNumber(), err)
		}
		if n++; n&0xfff == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", r.b.Path, ErrCanceled)
		}
	}
	if r.rest != nil && ctx.Err() == nil {
		// No data message: the REST state is all there is.
		if err := r.feedRest(math.MaxInt64, newest_ms); err != nil {
			return nil, err
		}
	}
	// Ended while the reading was interrupted (a Bundle.Stream that stops
	// at the context's end, a pipe that closed meanwhile): what was read
	// is not the recording, whatever the reader says of it.
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%s: %w", r.b.Path, ErrCanceled)
	}
	firstBad := ""
	if len(r.bad) > 0 {
		firstBad = r.bad[0]
	}
	if err := readFailure(r.b, r.reader, r.opt, r.nBad, firstBad); err != nil {
		return nil, err
	}
	if err := r.reader.Err(); err != nil {
		// A compressed recording cut short (an interrupted copy or
		// recorder; its stream may break where the file ends in zero
		// bytes, as a file cut off while being written does): what was
		// read is analysed, as bad lines are skipped.
		r.sess.NoteTruncated()
		r.truncated = fmt.Sprintf("%s: %v; what came before was analysed (quality.truncated)", r.b.MessagesPath, err)
	} else if note := r.reader.ZeroTailNote(); note != "" {
		r.zeroTail = r.b.MessagesPath + ": " + note
	}
	sum, err := r.sess.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.b.Path, err)
	}
	r.after = SummaryWarnings(r.b.MessagesPath, sum)
	if w := FoldWarning(r.b.Path, sum, r.opt.Fold); w != "" {
		r.after = append(r.after, w)
	}
	if n := r.ShotsLeftOut(); n > 0 {
		r.after = append(r.after, fmt.Sprintf("%s: the shot charts draw the first %d shots only, of %d: a broken or hostile feed? (the shots table has them all)",
			r.b.Path, MaxChartShots, int64(len(r.Shots()))+n))
	}
	return sum, nil
}

// restState is the REST state of bundle b to feed before its feed's
// first data message (Run.feedRest); nil when b has none to feed
// (no stats.json or shots.json, or only empty ones: a join at the
// event's start), or has a periods.json: stmotion live followed its live
// id from the previous one's PLAY_NEXT / DRILL_NEXT, and fed what of its
// REST state was this live id's (not the previous one's, which the REST
// state may hold too) into its recording, where it is.
func restState(b *decode.Bundle) *backfill.State {
	if b.Dir == "" || b.Periods != nil {
		return nil
	}
	st := &backfill.State{Stats: b.Stats, Shots: b.Shots}
	if st.Empty() {
		return nil
	}
	return st
}

// feedRest feeds the bundle's REST state (r.rest) before the feed's
// first data message, at occurred_at to (math.MaxInt64: the recording
// has none; newest_ms is the newest time of its lines), by the rules
// stmotion live feeds a join's by (backfill.Filler.Join): the shots up
// to it, each player's box score, of which, when stats_details.json
// says some stats changed after it, only those that did not, with
// version 0; without stats_details.json (the documented format has
// none), or when it does not date every stat of the player, all of it
// with version 0, so that the feed's stats messages
// replace its values stat by stat: a stats.json of a later time (the
// game's end) would otherwise make every one stale, its DIST checks
// with them. Their DIST is never a DIST check (track: it dates from
// before the message it is fed at). A recording in the documented format (the feed verbatim,
// the REST state at the join beside it) thus keeps the shots and box
// scores from before the join, as stmotion live's own recordings (which
// hold what live fed) do. A stats_details.json that cannot be read is
// warned of, and stats.json taken as of that message; box scores
// without a time to give them are not fed, with a warning.
func (r *Run) feedRest(to, newest_ms int64) error {
	st := r.rest
	r.rest = nil
	if st.Stats != nil {
		d, err := decode.ReadStatsDetails(r.b.Dir)
		if err != nil {
			r.warnings = append(r.warnings, fmt.Sprintf("%v: not used: the box scores of %s are taken as of the feed's first data message", err, decode.BundleStats))
		}
		st.Details = d
	}
	var (
		seen  backfill.Memo
		dec   decode.Decoder
		m     decode.Message
		nBad  int
		first error
	)
	f := backfill.Filler{Seen: &seen, Emit: func(_ decode.Kind, _ string, line []byte) error {
		if err := dec.Decode(line, &m); err != nil {
			// A value the feed may not have (a zone 0, say): not fed,
			// as live does not.
			if nBad++; nBad == 1 {
				first = fmt.Errorf("%s: %w", line, err)
			}
			return nil
		}
		seen.Note(&m)
		if r.shots != nil {
			cur := r.shots.cur
			r.shots.cur = &m
			defer func() { r.shots.cur = cur }()
		}
		// Not read from the recording: counted apart from its
		// messages (quality.rest_messages).
		return r.sess.FeedRestState(&m, line)
	}}
	err := f.Join(st, to, newest_ms, backfill.SourceJoin)
	if nBad > 0 {
		r.warnings = append(r.warnings, fmt.Sprintf("%s: %s of %s or %s not used: not valid as feed messages; first: %v",
			r.b.Path, count(int64(nBad), "shot or box score"), decode.BundleShots, decode.BundleStats, first))
	}
	if errors.Is(err, backfill.ErrNoTime) {
		r.warnings = append(r.warnings, fmt.Sprintf("%s: not used: no message of %s has a time to give its box scores, and no %s says when they changed",
			filepath.Join(r.b.Dir, decode.BundleStats), r.b.MessagesPath, decode.BundleStatsDetails))
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: feeding %s and %s: %w", r.b.Path, decode.BundleStats, decode.BundleShots, err)
	}
	return nil
}

// holdsMade reports whether b's recording holds a line made of REST
// state (backfill.Made) anywhere: stmotion live recorded it, and may
// have joined it again later (after a crash), rewriting stats.json and
// shots.json with the state of that join (an stmotion that did not yet
// record a re-join's state under gap/), which the lines it made there
// hold. Only a recording in a file is searched (a stream can be read
// once); one that cannot be read is taken to hold none (the analysis
// reads it, and says what is wrong).
func holdsMade(ctx context.Context, b *decode.Bundle) bool {
	if b.Stream != nil {
		return false
	}
	rd, err := decode.OpenRecording(b.MessagesPath, decode.ReaderOptions{})
	if err != nil {
		return false
	}
	defer rd.Close()
	for n := 1; rd.NextLine(); n++ {
		if backfill.Made(rd.Line()) {
			return true
		}
		if n&0xfff == 0 && ctx.Err() != nil {
			return false
		}
	}
	return false
}

// isData reports whether messages of kind k are the event's data
// (location, stats, shot), whose occurred_at says where the feed
// stands, unlike a marker's (a server resends the period's markers on
// connect).
func isData(k decode.Kind) bool {
	return k == decode.KindLocation || k == decode.KindStats || k == decode.KindShot
}

// readFailure is the error that fails input b once its recording has
// been read to the end by rd, nil when it can be analysed: a read or
// decompression error (but for a compressed recording cut short,
// decode.ErrTruncated, analysed up to the break unless opt.Strict), no
// message decoded, or with opt.Strict any line that does not decode (nBad
// of them, the first reported as firstBad). Run.Do and Check fail alike.
func readFailure(b *decode.Bundle, rd *decode.Reader, opt Options, nBad int64, firstBad string) error {
	if err := rd.Err(); err != nil && (opt.Strict || !errors.Is(err, decode.ErrTruncated)) {
		return fmt.Errorf("%s: %w", b.MessagesPath, err)
	}
	if opt.Strict && nBad > 0 {
		return fmt.Errorf("%s: %s (--strict); first: %s", b.MessagesPath, linesNotDecoding(nBad, ""), firstBad)
	}
	if st := rd.Stats(); st.Messages == 0 {
		if err := rd.Err(); err != nil {
			// Cut short before its first message (a zstd file cut
			// inside its first block gives no line): say so.
			return fmt.Errorf("%s: no message decoded (%d lines, %d bad): %w", b.MessagesPath, st.Lines, st.Bad, err)
		}
		return fmt.Errorf("%s: no message decoded (%d lines, %d bad)", b.MessagesPath, st.Lines, st.Bad)
	}
	return nil
}

// Check reads b's recording to its end, as Run.Do does, without
// analysing it, and returns the error Do would fail the input with for
// what it reads (the same message): the recording cannot be opened, or
// read to its end (a corrupt compressed stream; with opt.Strict, one cut
// short too), holds no message, or with opt.Strict, has a line that does
// not decode. It tells, before any work, an input that cannot be analysed
// (analyze gives a session id that two inputs share to one that can be,
// rather than to a broken copy of the game). truncated reports, for a
// recording that can be analysed, that its compressed stream breaks
// before its end (decode.ErrTruncated): Do analyses it up to the break
// and sets quality.truncated, and analyze ranks it after a complete copy.
// A recording read from a stream (Bundle.Stream) can be read only once:
// Check returns nil for it and reads nothing. When ctx ends first, Check
// returns an error wrapping ErrCanceled, which says nothing of the
// recording.
func Check(ctx context.Context, b *decode.Bundle, opt Options) (truncated bool, err error) {
	if b == nil {
		return false, errNilBundle
	}
	if b.Stream != nil {
		return false, nil
	}
	var nBad int64
	firstBad := ""
	rd, err := openMessages(b, decode.ReaderOptions{
		KeepErrors: -1,
		OnBadLine: func(e *decode.Error, _ []byte) {
			if nBad++; nBad == 1 {
				msg := *e
				msg.Line = 0 // the line is given as FILE:LINE
				firstBad = fmt.Sprintf("%s:%d: %v", b.MessagesPath, e.Line, &msg)
			}
		},
	})
	if err != nil {
		return false, err
	}
	defer rd.Close()
	var m decode.Message
	for n := 1; rd.Next(&m); n++ {
		if n&0xfff == 0 && ctx.Err() != nil {
			return false, fmt.Errorf("%s: %w", b.Path, ErrCanceled)
		}
	}
	if ctx.Err() != nil {
		return false, fmt.Errorf("%s: %w", b.Path, ErrCanceled)
	}
	if err := readFailure(b, rd, opt, nBad, firstBad); err != nil {
		return false, err
	}
	return errors.Is(rd.Err(), decode.ErrTruncated), nil
}

// Warnings reports what the input lacks (court.json, subscribe.json) and,
// once Do has run, the zero bytes after its complete compressed stream
// (ignored), its bad lines: the first MaxReported with their line, then
// how many more (none with Options.Strict, which fails instead), and what
// the analysis found (SummaryWarnings, FoldWarning; with Strict too).
// After a Do that failed, what the input lacks is not reported: without
// outputs, a missing court or roster changes nothing (and for a file that
// is not a recording at all it would only mislead); its bad lines still
// are, which may say why. After a Do that was canceled, nothing is: the
// input was not analysed, and the last line read may be one cut short by
// the interruption.
func (r *Run) Warnings() []string {
	if r.canceled {
		return nil
	}
	var ws []string
	if !r.failed {
		ws = append(ws, r.warnings...)
	}
	if r.zeroTail != "" && !r.failed {
		ws = append(ws, r.zeroTail)
	}
	if !r.opt.Strict {
		// Under Strict a bad line or a break fails the input instead.
		ws = append(ws, r.bad...)
		if more := r.nBad - int64(len(r.bad)); more > 0 {
			ws = append(ws, fmt.Sprintf("%s: %s (skipped and counted in quality.bad_lines)", r.b.MessagesPath, linesNotDecoding(more, "more ")))
		}
		if r.truncated != "" {
			ws = append(ws, r.truncated)
		}
	}
	return append(ws, r.after...)
}

// badMessageTimesWarning says that stats, marker or shot messages had an
// occurred_at the engine could not use (quality.bad_time_messages), with
// the first such time and what likely caused it, and what became of
// them: a feed whose stats and shots are in seconds while its locations
// are in ms had been analysed without a word (its shots in 1970, period
// 0, its DIST checks dated 1970 and players flagged for them).
func badMessageTimesWarning(name string, sum *track.Summary) string {
	q := &sum.Quality
	t := sum.FirstBadMessage_ms
	when := strconv.FormatInt(t, 10)
	if track.PlausibleTime(t) {
		when = time.UnixMilli(t).UTC().Format("2006-01-02T15:04:05.000Z")
	}
	var why string
	switch {
	case t > 0 && t < y2000_ms:
		why = "occurred_at must be epoch milliseconds (seconds would give this)"
	case !track.PlausibleTime(t):
		why = "occurred_at must be epoch milliseconds, after 1970 and before year 5138 (0 or microseconds would give this)"
	case t > sum.End_ms:
		why = "the messages' clock runs ahead of the location samples' (another clock, or a wrong date?)"
	default:
		why = "the messages are dated before the event's start, or more than a day before the location samples (a wrong date?)"
	}
	return fmt.Sprintf("%s: %s had an occurred_at far from the location samples' times, the first %s (quality.bad_time_messages): %s. "+
		"They were kept without their time: the box score takes their stats, but no DIST among them is checked against the engine's distance (dist_check), "+
		"and a shot or marker dated before the session takes the time and period the feed had reached when it came",
		name, count(q.BadTimeMessages, "stats, marker or shot message"), when, why)
}

// sensorLimitWarning says what the engine's limit on distinct sensors
// (track.DefaultMaxSensors) cost a session: the samples dropped, which
// are in no table (a player the roster or the stats name is listed
// without them), and the sensors evicted to make room.
func sensorLimitWarning(name string, q *track.Quality) string {
	var parts []string
	if q.DroppedSensors > 0 {
		p := count(q.DroppedSensors, "location sample") + " of sensors beyond it were dropped (quality.dropped_sensors)"
		var of []string
		if q.DroppedBallSamples > 0 {
			of = append(of, fmt.Sprintf("%d of a ball (quality.dropped_ball_samples)", q.DroppedBallSamples))
		}
		if q.DroppedRosterSamples > 0 {
			of = append(of, fmt.Sprintf("%d of roster players (quality.dropped_roster_samples)", q.DroppedRosterSamples))
		}
		if len(of) > 0 {
			p += ", " + strings.Join(of, " and ")
		}
		parts = append(parts, p+": those samples are in no table")
	}
	if q.EvictedSensors > 0 {
		parts = append(parts, count(q.EvictedSensors, "sensor")+" not on the roster that had sent a sample or two gave their place to players the roster or the stats name, or to balls (quality.evicted_sensors)")
	}
	return fmt.Sprintf("%s: the feed has more distinct sensor ids than the engine's limit of %d: %s; corrupt ids?",
		name, track.DefaultMaxSensors, strings.Join(parts, "; "))
}

// SummaryWarnings says what an analysed session lacks that makes figures
// empty or misleading without failing it, each warning starting with
// name (Run.Warnings names the recording; live mode, the live id):
//
//   - no location message at all (the tables built from positions are
//     then empty: a subscription without the location data type);
//   - more than 1 % of its location samples dropped for their timestamps
//     (late beyond the reorder window, or impossible): how many and what
//     may cause it (with shots or markers repeated too, a recording that
//     repeats itself). They are counted in the quality table, but a feed
//     whose clock jumped back loses everything after the jump, which a
//     count alone does not make plain;
//   - stats, marker or shot messages whose occurred_at is far from the
//     location samples' (quality.bad_time_messages: in seconds while
//     the locations are in ms, before the event, ahead of the feed),
//     with the first such time and what became of them;
//   - markers that came too late to take effect at their own time
//     (quality.late_markers: analyze waits for them 6–8 s), with the
//     longest delay;
//   - shot or marker messages dropped as repeats of earlier ones
//     (track.ShotKey, track.MarkerKey): a feed replayed after a
//     reconnect, a recording concatenated twice;
//   - timestamps before 2000 (occurred_at in seconds, read as
//     milliseconds, falls in January 1970), or more than a tenth of the
//     location samples repeating their sensor's timestamp (a feed recorded
//     twice, or timestamps coarser than the samples);
//   - sensors beyond the engine's limit (track.DefaultMaxSensors
//     distinct ids): how many samples were dropped, the ball's and the
//     roster players' among them, and how many unknown ids that had sent
//     a sample or two gave their place to roster players and balls;
//   - no ball sensor: no possession, pass, shot, turnover or rebound is
//     detected (or the ball's samples were dropped beyond that limit);
//   - a roster that misses half the player sensors or more (the wrong
//     roster, or ids of another kind): those players have no name or
//     team, and possession cannot tell their teams apart;
//   - players who moved, none of them with the clock live (no LIVE
//     marker): every live-only figure is then 0;
//   - events that could not tell the two sides apart: one team on the
//     roster, a practice (export.LimitOneTeam: sides spoken of only for
//     rounds known to be scrimmages, export.Scrimmages), or only one
//     team's players tracked (export.LimitOneTeamTracked);
//   - samples that lie off the court (export.LimitOffCourt: fewer than
//     track.OffCourtMaxInBounds of them in bounds, the players' and the
//     ball's): a court.json of another court;
//   - two or more balls moving on the court at once for a while
//     (export.LimitSeveralBalls): possession follows one of them;
//   - the game ball unseen in live play for a while (its sensor silent,
//     export.LimitBallUnseen): no team is in control of it meanwhile.
func SummaryWarnings(name string, sum *track.Summary) []string {
	q := &sum.Quality
	if q.Locations == 0 {
		return []string{name + ": no location messages: the samples, possessions and heatmaps tables are empty and events holds only the markers (stats and shots only: a subscription without locations?)"}
	}
	var ws []string
	repeats := q.RepeatedShots + q.RepeatedMarkers
	// The location samples among the bad times (the others are stats,
	// marker and shot messages, kept).
	badLoc := q.BadTimes - q.BadTimeMessages
	if n := q.Late + badLoc; n*100 > q.Locations {
		why := "the feed's clock may have jumped back, its lines are far out of order, or the recording repeats part of itself"
		if repeats > 0 {
			// Samples older than the ones before them, and shots or
			// markers given twice: most likely the same lines again.
			why = fmt.Sprintf("the recording seems to repeat itself (a file concatenated twice, a feed replayed after a reconnect), as its shots or markers do "+
				"(quality.repeated_shots %d, quality.repeated_markers %d); or the feed's clock jumped back", q.RepeatedShots, q.RepeatedMarkers)
		}
		if badLoc > q.Late {
			why = "occurred_at must be epoch milliseconds, after 1970 and before year 5138 (microseconds would give this), and close to the other samples' times (a sensor whose clock jumps gives this: such samples are dropped unless the others confirm the jump)"
		}
		msgs := ""
		if q.BadTimeMessages > 0 {
			msgs = fmt.Sprintf(", %s among them", count(q.BadTimeMessages, "stats, marker or shot message"))
		}
		ws = append(ws, fmt.Sprintf("%s: %d of %d location samples (%.0f %%) were dropped for their timestamps (quality.late %d, quality.bad_times %d%s): %s",
			name, n, q.Locations, 100*float64(n)/float64(q.Locations), q.Late, q.BadTimes, msgs, why))
	}
	if q.BadTimeMessages > 0 {
		ws = append(ws, badMessageTimesWarning(name, sum))
	}
	if q.LateMarkers > 0 {
		ws = append(ws, fmt.Sprintf("%s: %s came too late to take effect at their own occurred_at, up to %.1f s after it (quality.late_markers, quality.late_marker_max_ms): "+
			"the samples' period and clock, and what is counted by them (distance_live_m, the per-period columns, possession_s), changed only where they were applied. "+
			"Does the feed's server send its markers late?",
			name, count(q.LateMarkers, "marker"), float64(q.LateMarkerMax_ms)/1000))
	}
	if repeats > 0 {
		var what []string
		if q.RepeatedShots > 0 {
			what = append(what, count(q.RepeatedShots, "shot message")+" (quality.repeated_shots)")
		}
		if q.RepeatedMarkers > 0 {
			what = append(what, count(q.RepeatedMarkers, "marker message")+" (quality.repeated_markers)")
		}
		verb := "repeated earlier ones and were dropped"
		if repeats == 1 {
			verb = "repeated an earlier one and was dropped"
		}
		ws = append(ws, fmt.Sprintf("%s: %s %s: a feed replayed after a reconnect, or a recording that repeats itself?", name, strings.Join(what, " and "), verb))
	}
	if q.RepeatsForgotten > 0 {
		ws = append(ws, fmt.Sprintf("%s: the feed sent more distinct shots or markers than the engine's repeat check remembers (the last %d shots, %d markers): "+
			"%s forgotten (quality.repeats_forgotten), and a repeat of one of them counts again: a broken or hostile feed?",
			name, track.MaxRepeatShots, track.MaxRepeatMarkers, count(q.RepeatsForgotten, "shot or marker key")))
	}
	if q.PeriodsRefused > 0 {
		ws = append(ws, fmt.Sprintf("%s: the feed opened more periods than the engine numbers (%d): %s opened none (quality.periods_refused), "+
			"their samples stay in the last period or between periods: a broken or hostile feed?",
			name, track.MaxPeriods, count(q.PeriodsRefused, "start or *_NEXT marker")))
	}
	if sum.Start_ms > 0 && sum.Start_ms < y2000_ms {
		ws = append(ws, fmt.Sprintf("%s: the timestamps start at %s: occurred_at must be epoch milliseconds (seconds would give this)",
			name, time.UnixMilli(sum.Start_ms).UTC().Format(time.RFC3339)))
	}
	if q.Duplicates*10 > q.Locations {
		ws = append(ws, fmt.Sprintf("%s: %d of %d location samples (%.0f %%) repeat their sensor's timestamp and were dropped as duplicates (quality.duplicates): a feed recorded twice, or timestamps coarser than the samples?",
			name, q.Duplicates, q.Locations, 100*float64(q.Duplicates)/float64(q.Locations)))
	}
	if q.DroppedSensors > 0 || q.EvictedSensors > 0 {
		ws = append(ws, sensorLimitWarning(name, q))
	}
	switch {
	case q.BallSensors == 0 && q.DroppedBallSamples > 0:
		ws = append(ws, fmt.Sprintf("%s: no ball sensor was tracked: the %s of ball sensors came after the engine's limit of %d sensors was reached and were dropped (quality.dropped_ball_samples): no possession, pass, shot, turnover or rebound is detected",
			name, count(q.DroppedBallSamples, "location sample"), track.DefaultMaxSensors))
	case q.BallSensors == 0:
		ws = append(ws, name+": no ball sensor sent a location: no possession, pass, shot, turnover or rebound is detected (quality.ball_sensors 0)")
	}
	if len(sum.Teams) > 0 && q.UnknownIDs > 0 {
		// A few missing players (a late signing) or most of them (another
		// session's roster): either way their events are unverified.
		why := ""
		switch {
		case q.DroppedRosterSamples > 0:
			// The roster named players the engine had no room for.
			why = fmt.Sprintf("; %s of roster players were dropped beyond the engine's limit of %d sensors (quality.dropped_roster_samples)",
				count(q.DroppedRosterSamples, "location sample"), track.DefaultMaxSensors)
		case q.UnknownIDs*2 >= q.PlayerSensors:
			why = "; is it this session's roster?"
		}
		limit := export.LimitPartialRoster
		if q.UnknownIDs >= q.PlayerSensors && q.DroppedRosterSamples == 0 {
			limit = export.LimitNoRoster
		}
		ws = append(ws, fmt.Sprintf("%s: %d of %d player sensors are not on the roster (quality.unknown_ids): they have no name, and possession no team "+
			"for them (the players table's team_id may come from the feed's stats), so the passes, turnovers and rebounds they take part in "+
			"are labelled %q (summary.json limits: %s)%s",
			name, q.UnknownIDs, q.PlayerSensors, track.LabelUnverified, limit, why))
	}
	moved, live := false, false
	for _, p := range sum.Players {
		moved = moved || p.Distance_m > 0
		live = live || p.DistanceLive_m > 0
	}
	if moved && !live {
		// Players moved, but none while the clock was live. The summary
		// cannot say why: a feed without a LIVE marker, or one whose
		// locations all came while the clock was paused (a live session
		// joined at half time gets the period's LIVE markers resent,
		// and then only the pause).
		ws = append(ws, name+": no player moved while the clock was live (no LIVE marker, or no location while the clock was live, e.g. joined during a pause): distance_live_m, possession_s and every other live-only figure are 0")
	}
	limits := export.Limits(sum)
	if slices.Contains(limits, export.LimitOneTeam) || slices.Contains(limits, export.LimitOneTeamTracked) {
		ws = append(ws, oneTeamWarning(name, sum))
	}
	if slices.Contains(limits, export.LimitOffCourt) {
		ws = append(ws, offCourtWarning(name, sum.InBounds))
	}
	if slices.Contains(limits, export.LimitSeveralBalls) {
		ws = append(ws, fmt.Sprintf("%s: two or more balls moved on the court at once for %.0f s of live time (as in a drill with several groups; summary.json limits: %s): "+
			"possession follows one ball at a time, so the players with the others get no touches, possession, passes, shots or rebounds meanwhile, "+
			"and shooter_agreement (%.3f) counts the feed's shots taken with the other balls as disagreements",
			name, sum.SeveralBalls_s, export.LimitSeveralBalls, sum.ShooterAgreement))
	}
	if slices.Contains(limits, export.LimitBallUnseen) {
		ws = append(ws, fmt.Sprintf("%s: the game ball was unseen for %.0f s of live time (quality.ball_unseen_live_s; summary.json limits: %s): its sensor fell silent while the other sensors were seen (a dead battery, out of the receivers' range?). "+
			"No team is in control of an unseen ball, so each team's possession_s misses its part of that time, and the passes, shots, turnovers and rebounds of it are missing",
			name, q.BallUnseenLive_s, export.LimitBallUnseen))
	}
	return ws
}

// offCourtWarning says that a session's samples lie off its court
// (export.LimitOffCourt), what that empties, and what to do.
func offCourtWarning(name string, c track.InBoundsCounts) string {
	off := func(in, n int64) string { return fmt.Sprintf("%.1f %%", 100*float64(n-in)/float64(n)) }
	var what []string
	if c.Players > 0 {
		what = append(what, off(c.PlayersIn, c.Players)+" of the players' samples")
	}
	if c.Balls > 0 {
		what = append(what, off(c.BallsIn, c.Balls)+" of the ball's")
	}
	return fmt.Sprintf("%s: %s lie off the court (in_bounds false; summary.json limits: %s), which no real session does, bench included: "+
		"the court.json does not belong to this feed (another court's in the facility, or an earlier survey of the sensors?), so time on court, "+
		"distance on court, possession, shots, events and the players' heatmaps are about empty; check it, and give the right one with analyze --court FILE "+
		"(which replaces a bundle's own)",
		name, strings.Join(what, " and "), export.LimitOffCourt)
}

// y2000_ms is 2000-01-01T00:00:00Z in epoch milliseconds.
const y2000_ms = 946_684_800_000

// count says n things in English: "1 shot message", "2 shot messages".
func count(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// linesNotDecoding says that n (more) lines do not decode, in English.
func linesNotDecoding(n int64, more string) string {
	if n == 1 {
		return "1 " + more + "line does not decode"
	}
	return fmt.Sprintf("%d %slines do not decode", n, more)
}

// Template is the court the images are drawn on: the bundle's, or the
// NBA court when the session stays in the sensor frame.
func (r *Run) Template() court.Template { return r.template }

// Court is the session's court in summary.json's form (export.CourtOf):
// where it came from (CourtSource), its template and how it was chosen,
// its size and placement; the sensor frame without one.
func (r *Run) Court() *export.CourtSummary {
	src, file := CourtSource(r.b)
	return export.CourtOf(r.court, src, file)
}

// Writer is the table writer of Open (nil for OpenEngine). After a
// successful Do its files are complete: see Writer.Rows and
// export.SessionSummary.SetTables.
func (r *Run) Writer() *export.Writer { return r.writer }

// Shots are the shots for the shot charts, valid after Do; nil for
// OpenEngine and with Options.NoShotCharts: the feed's shots placed on
// the court (from hoop_player_x/y), or, when the feed has none, the field
// goal attempts detected from the ball (heatmap.SourceDetected; none
// without a court). The first MaxChartShots of them: ShotsLeftOut counts
// the others.
func (r *Run) Shots() []heatmap.Shot {
	if r.shots == nil {
		return nil
	}
	return r.shots.shots()
}

// ShotsLeftOut counts the shots to chart beyond the first MaxChartShots,
// which Shots leaves out; 0 for a game.
func (r *Run) ShotsLeftOut() int64 {
	if r.shots == nil {
		return 0
	}
	return r.shots.leftOut()
}

// NoShotChartReason says, after Do, why no shot chart is drawn (Shots
// is empty), or "" when there are shots to chart.
func (r *Run) NoShotChartReason() string {
	if len(r.Shots()) > 0 {
		return ""
	}
	why := "the feed sent no shot message with hoop_player_x/y (shot charts are drawn from those) and no field goal attempt was detected from the ball"
	if r.sensorFrame {
		why = "the feed sent no shot message with hoop_player_x/y (shot charts are drawn from those), and without a court.json no shot is detected from the ball (give one with analyze --court FILE)"
	}
	return fmt.Sprintf("%s: no shot chart: %s", r.b.Path, why)
}

// Stats are the recording's reader counts (lines, bytes, messages, bad).
func (r *Run) Stats() decode.RecordingStats { return r.reader.Stats() }

// SessionID is the live id of a bundle when live.json has one, otherwise
// the name of the bundle directory or recording file without extensions
// ("stdin" for decode.Stdin), in Unicode normalisation form C: the same
// name comes from Windows and Linux precomposed (NFC, "ć" one code point)
// and from macOS decomposed (NFD, "c" and a combining accent), and the
// two would be two sessions whose ids print alike.
func SessionID(b *decode.Bundle) string {
	if b.Live != nil {
		for _, t := range b.Live.Teams {
			if t.Live.ID != "" {
				return t.Live.ID
			}
		}
	}
	if b.Path == decode.Stdin {
		return "stdin"
	}
	name := decode.RecordingBase(b.Path)
	if name == "" || name == "." || name == string(filepath.Separator) {
		name = "session"
	}
	return norm.NFC.String(name)
}

// SessionIDKey is the form in which session ids are compared, so that
// two ids with one key are one id (UniqueSessionIDs; with analyze --add,
// an id of the dataset's): case-folded, as on a case-insensitive file
// system (macOS, Windows) Game and game name one partition directory, and
// in normalisation form C, as ids that differ only in how their accents
// are encoded (a live id, or a dataset's id from before SessionID
// normalised them) print alike. It is Unicode's canonical caseless match:
// NFC(fold(NFD(id))).
func SessionIDKey(id string) string {
	return norm.NFC.String(cases.Fold().String(norm.NFD.String(id)))
}

// UniqueSessionIDs returns the session ids of one run's inputs (SessionID
// of each, in order) made unique, in a new slice: ids come from the inputs
// and may repeat (two recordings named game.jsonl), and two sessions with
// one id would share their partitions under one directory, one
// overwriting the other's tables (export.TablePath). The first input with
// an id keeps it; the k-th, k ≥ 2, gets <id>-k, or the first <id>-N
// after it that is free: that no input has as its own id and no earlier
// input was given. Ids with one SessionIDKey count as the same: on a
// case-insensitive file system (macOS, Windows) Game and game name one
// partition directory.
func UniqueSessionIDs(ids []string) []string {
	out := slices.Clone(ids)
	key := SessionIDKey
	taken := make(map[string]bool, len(ids))
	for _, id := range ids {
		taken[key(id)] = true
	}
	seen := make(map[string]int, len(ids))
	for i, id := range ids {
		seen[key(id)]++
		n := seen[key(id)]
		if n == 1 {
			continue
		}
		for taken[key(fmt.Sprintf("%s-%d", id, n))] {
			n++
		}
		out[i] = fmt.Sprintf("%s-%d", id, n)
		taken[key(out[i])] = true
	}
	return out
}
