package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/export/chart"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
	"github.com/stmotion/stmotion/track/heatmap"
	"github.com/stmotion/stmotion/track/possession"
)

func init() {
	register("analyze", "analyse recordings or session bundles into Parquet tables, summary.json and a report", runAnalyze)
}

const analyzeUsage = `Usage: stmotion analyze [flags] [INPUT...]

Analyses ShotTracker recordings and writes movement analytics.

INPUT is a session bundle directory (messages.jsonl[.gz|.zst] with live.json,
subscribe.json, court.json, ...), a bare recording (.jsonl, .jsonl.gz,
.jsonl.zst; any file is read as a recording), or a directory searched
recursively for both. Without INPUT the built-in sample game is analysed
(a deterministic simulated game).

Outputs under --out:
  one session:   <table>.parquet (.arrow with --format arrow) and summary.json
  several:       <table>/session_id=<id>/part-0.parquet (a Hive-partitioned
                 dataset DuckDB, Spark, Trino and pandas read as one) and
                 summary.json with one entry per session in sessions[]
  tables:        samples players possessions events shots boxscore
                 dist_check heatmaps quality (docs/schema.md)
  images:        images/ (several sessions: images/session_id=<id>/):
                 heatmaps per team, player and ball, shot charts, PNG and SVG
A short report per team goes to stdout; problems go to stderr, each with its
file (and line for bad lines). Lines that do not decode are skipped, counted
(quality.bad_lines) and reported; --strict fails the input instead. Inputs
are independent: a bad one (unreadable, invalid court, nothing decodable) is
reported and the others still complete. The exit status is 1 when any
input failed, and the last line says how many succeeded.

Flags:
`

// analyzeConfig is what the flags of analyze decide.
type analyzeConfig struct {
	out       string
	jobs      int
	format    export.Format
	liveOnly  bool
	cell_m    float64
	hz        float64
	strict    bool
	batchRows int
	quiet     bool
	fsync     bool
	images    bool
	// foreground writes samples batches on the engine's goroutine
	// (export.WithForeground); bench pipeline compares both ways.
	foreground bool
}

func runAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg analyzeConfig
	var format string
	fs.StringVar(&cfg.out, "out", "stmotion-out", "output `directory` (created if needed)")
	fs.IntVar(&cfg.jobs, "jobs", runtime.NumCPU(), "inputs analysed in `parallel`")
	fs.StringVar(&format, "format", "parquet", "table file `format`: parquet or arrow (Arrow IPC)")
	fs.BoolVar(&cfg.liveOnly, "live-only", false, "keep only samples and heatmap time with the game clock live")
	fs.Float64Var(&cfg.cell_m, "cell", 0.5, "heatmap cell `size` in metres")
	fs.Float64Var(&cfg.hz, "hz", 0, "output grid `rate` in Hz (0: the feed's median sample rate)")
	fs.BoolVar(&cfg.strict, "strict", false, "fail an input that has any line that does not decode (default: count, report and skip them)")
	fs.IntVar(&cfg.batchRows, "batch-rows", export.DefaultBatchRows, "rows per record batch / Parquet row group")
	fs.BoolVar(&cfg.images, "images", true, "draw heatmaps and shot charts (PNG and SVG) under <out>/images")
	fs.BoolVar(&cfg.quiet, "quiet", false, "no report on stdout and no progress bar")
	fs.BoolVar(&cfg.fsync, "fsync", false, "fsync every output file before giving it its final name (safe against power loss, slower)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), analyzeUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return exitError{code: 2} // the flag package has reported it
	}
	var err error
	if cfg.format, err = export.ParseFormat(format); err != nil {
		return usageError(fs, err)
	}
	if cfg.jobs < 1 {
		return usageError(fs, fmt.Errorf("--jobs %d: want at least 1", cfg.jobs))
	}
	if !(cfg.cell_m > 0) {
		return usageError(fs, fmt.Errorf("--cell %g: want a size > 0 m", cfg.cell_m))
	}
	if cfg.hz < 0 {
		return usageError(fs, fmt.Errorf("--hz %g: want a rate ≥ 0", cfg.hz))
	}
	args = fs.Args()
	sample := ""
	if len(args) == 0 {
		dir, err := os.MkdirTemp("", "stmotion-sample-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path, err := writeSample(ctx, dir)
		if err != nil {
			return err
		}
		fmt.Fprintln(stderr, "stmotion analyze: no input given: analysing the built-in sample game")
		args, sample = []string{path}, path
	}

	inputs, failed := planInputs(args)
	for i := range inputs {
		if inputs[i].path == sample {
			inputs[i].source = sampleSource
		}
	}
	total := len(inputs) + len(failed)
	results := make([]analyzeResult, len(inputs))
	hive := len(inputs)+len(failed) > 1
	progress := newProgress(stderr, len(inputs), cfg.quiet)
	runJobs(ctx, cfg.jobs, len(inputs), func(i int) {
		results[i] = analyzeInput(ctx, inputs[i], &cfg, hive)
		progress.Add(1)
	})
	progress.Finish()

	var sums []export.SessionSummary
	for i, r := range results {
		for _, w := range r.warnings {
			fmt.Fprintf(stderr, "stmotion analyze: warning: %s\n", w)
		}
		if r.err != nil {
			failed = append(failed, export.FailedInput{Source: inputs[i].path, Error: r.err.Error()})
			continue
		}
		sums = append(sums, r.summary)
	}
	for _, f := range failed {
		fmt.Fprintf(stderr, "stmotion analyze: %s\n", f.Error)
	}
	if len(sums) > 0 {
		var doc any = sums[0]
		if hive {
			doc = export.MultiSummary{Sessions: sums, Failed: failed}
		}
		if err := writeJSON(filepath.Join(cfg.out, "summary.json"), doc, cfg.fsync); err != nil {
			return err
		}
	}
	if !cfg.quiet {
		for i := range sums {
			writeReport(stdout, &sums[i])
		}
	}
	fmt.Fprintf(stdout, "%d of %d inputs analysed into %s\n", len(sums), total, cfg.out)
	if len(failed) > 0 {
		return exitError{code: 1}
	}
	return ctx.Err()
}

// writeJSON writes v as indented JSON, atomically, fsynced only with sync
// (an fsync costs a few hundred ms on a busy disk: more than analysing a
// game).
func writeJSON(path string, v any, sync bool) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return export.WriteFileAtomic(path, append(b, '\n'), sync)
}

func usageError(fs *flag.FlagSet, err error) error {
	fmt.Fprintf(fs.Output(), "stmotion analyze: %v\n", err)
	fs.Usage()
	return exitError{code: 2}
}

// input is one session to analyse.
type input struct {
	path      string // as found: bundle directory or recording file
	source    string // what to call it in summary.json and the report, if not path
	sessionID string
	bundle    *decode.Bundle
}

// sampleSource names the built-in sample, which lives in a temporary
// directory only while analyze runs.
const sampleSource = "built-in sample (synth.SampleConfig)"

// planInputs expands the arguments into inputs with unique session ids.
// An argument that cannot be expanded or opened is a failed input; the
// others go on.
func planInputs(args []string) ([]input, []export.FailedInput) {
	var ins []input
	var failed []export.FailedInput
	seen := map[string]int{}
	for _, a := range args {
		paths, err := decode.FindBundles(a)
		if err != nil {
			failed = append(failed, export.FailedInput{Source: a, Error: err.Error()})
			continue
		}
		for _, p := range paths {
			b, err := decode.OpenBundle(p)
			if err != nil {
				failed = append(failed, export.FailedInput{Source: p, Error: err.Error()})
				continue
			}
			id := sessionID(b)
			seen[id]++
			if n := seen[id]; n > 1 {
				id = fmt.Sprintf("%s-%d", id, n)
			}
			ins = append(ins, input{path: p, sessionID: id, bundle: b})
		}
	}
	return ins, failed
}

// sessionID is the live id of a bundle when live.json has one, otherwise
// the name of the bundle directory or recording file without extensions.
func sessionID(b *decode.Bundle) string {
	if b.Live != nil {
		for _, t := range b.Live.Teams {
			if t.Live.ID != "" {
				return t.Live.ID
			}
		}
	}
	name := filepath.Base(filepath.Clean(b.Path))
	for _, ext := range []string{".gz", ".zst", ".jsonl", ".ndjson", ".json"} {
		name = strings.TrimSuffix(name, ext)
	}
	if name == "" || name == "." || name == string(filepath.Separator) {
		name = "session"
	}
	return name
}

// analyzeResult is what one input gave.
type analyzeResult struct {
	summary  export.SessionSummary
	rows     int64 // samples rows written
	warnings []string
	err      error
}

// maxReported is how many bad lines of one input are reported one by one.
const maxReported = 5

// analyzeInput runs one input through decode → engine → tables. Its
// errors name the file, and the line when one is to blame. On failure no
// table of the input is left on disk.
func analyzeInput(ctx context.Context, in input, cfg *analyzeConfig, hive bool) (res analyzeResult) {
	p, err := openPipeline(in, cfg, hive)
	if err != nil {
		res.err = err
		return res
	}
	res.warnings = p.warnings
	sum, err := p.run(ctx)
	res.warnings = append(res.warnings, p.badLineWarnings()...)
	if err != nil {
		res.err = err
		return res
	}
	res.summary = export.Summarize(sum)
	res.summary.Source = in.path
	if in.source != "" {
		res.summary.Source = in.source
	}
	res.summary.SetTables(cfg.out, p.writer)
	res.rows = p.writer.Rows(export.TableSamples)
	if cfg.images {
		dir := imageDir(cfg, in.sessionID, hive)
		files, err := renderImages(dir, sum, p.shots.chart.Shots, p.template, cfg.cell_m, cfg.fsync)
		if err != nil {
			res.warnings = append(res.warnings, fmt.Sprintf("%s: images: %v", in.path, err))
		}
		for _, f := range files {
			if rel, err := filepath.Rel(cfg.out, f); err == nil {
				f = filepath.ToSlash(rel)
			}
			res.summary.Images = append(res.summary.Images, f)
		}
	}
	return res
}

// pipeline is one input wired from its recording to its table writer.
type pipeline struct {
	in       input
	cfg      *analyzeConfig
	sess     *track.Session
	template court.Template // the court's markings, for images
	writer   *export.Writer
	shots    *feedShots // in front of writer
	poss     *possessionAnalyzer
	reader   *decode.Reader
	warnings []string
	bad      []string // the first maxReported bad lines
	nBad     int64
}

func openPipeline(in input, cfg *analyzeConfig, hive bool) (*pipeline, error) {
	opts := []export.Option{export.WithFormat(cfg.format), export.WithBatchRows(cfg.batchRows)}
	if hive {
		opts = append(opts, export.WithHiveLayout())
	}
	if cfg.liveOnly {
		opts = append(opts, export.WithLiveOnly())
	}
	if cfg.fsync {
		opts = append(opts, export.WithSync())
	}
	if cfg.foreground {
		opts = append(opts, export.WithForeground())
	}
	w, err := export.NewWriter(cfg.out, in.sessionID, opts...)
	if err != nil {
		return nil, err
	}
	shots := &feedShots{Sink: w}
	p, err := openEngine(in, cfg, shots)
	if err != nil {
		w.Abort()
		return nil, err
	}
	shots.chart = heatmap.NewShotChart(p.template)
	p.writer, p.shots = w, shots
	return p, nil
}

// openEngine wires an input's recording to a new engine session that
// feeds sinks: the court and roster of the bundle, the engine settings of
// the flags, the bad-line accounting. The caller owns the sinks.
func openEngine(in input, cfg *analyzeConfig, sinks ...track.Sink) (*pipeline, error) {
	b := in.bundle
	p := &pipeline{in: in, cfg: cfg}
	meta := track.Meta{SessionID: in.sessionID}
	if b.Subscribe != nil {
		meta.Roster = b.Subscribe.Teams
	} else {
		p.warnings = append(p.warnings, fmt.Sprintf("%s: no %s: players have no names or teams", in.path, decode.BundleSubscribe))
	}
	if b.Court != nil {
		courtPath := filepath.Join(b.Dir, decode.BundleCourt)
		body, err := court.ParseBody(b.Court)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", courtPath, err)
		}
		if meta.Court, err = court.New(body, court.Options{}); err != nil {
			return nil, fmt.Errorf("%s: %w", courtPath, err)
		}
		p.template = meta.Court.Template
	} else {
		p.template = court.NBA // for drawing only: the session stays in the sensor frame
		p.warnings = append(p.warnings, fmt.Sprintf("%s: no %s: positions stay in the sensor frame", in.path, decode.BundleCourt))
	}
	tcfg := track.DefaultConfig()
	tcfg.Rate_Hz = cfg.hz
	var err error
	if p.sess, err = track.NewSession(tcfg, meta, sinks...); err != nil {
		return nil, fmt.Errorf("%s: %w", in.path, err)
	}
	// Possession first: it marks the ball holder the heatmaps do not need
	// but the sinks do.
	p.poss = newPossessionAnalyzer(p.template, meta.Roster)
	for _, a := range []track.Analyzer{p.poss, newHeatAnalyzer(p.template, cfg)} {
		if err := p.sess.Attach(a); err != nil {
			return nil, fmt.Errorf("%s: %w", in.path, err)
		}
	}
	ropt := decode.ReaderOptions{
		KeepErrors: -1,
		OnBadLine: func(e *decode.Error, _ []byte) {
			p.nBad++
			p.sess.NoteBadLine()
			if len(p.bad) < maxReported {
				p.bad = append(p.bad, fmt.Sprintf("%s:%d: %v", b.MessagesPath, e.Line, e))
			}
		},
	}
	if p.reader, err = decode.OpenRecording(b.MessagesPath, ropt); err != nil {
		return nil, err
	}
	return p, nil
}

// errCanceled is wrapped when the context ends an input.
var errCanceled = errors.New("canceled")

// run feeds the whole recording to the engine and closes it. The
// writer's files are committed by the engine's Close (the writer is its
// sink) or removed on any error.
func (p *pipeline) run(ctx context.Context) (*track.Summary, error) {
	sum, err := p.feed(ctx)
	if err != nil && p.writer != nil {
		p.writer.Abort()
	}
	return sum, err
}

func (p *pipeline) feed(ctx context.Context) (*track.Summary, error) {
	defer p.reader.Close()
	var m decode.Message
	var n int
	if p.shots != nil {
		p.shots.cur = &m
	}
	for p.reader.Next(&m) {
		if m.Kind == decode.KindShot {
			p.poss.feedShot(&m.Shot)
		}
		if err := p.sess.Feed(&m); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", p.in.bundle.MessagesPath, p.reader.LineNumber(), err)
		}
		if n++; n&0xfff == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", p.in.path, errCanceled)
		}
	}
	if err := p.reader.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", p.in.bundle.MessagesPath, err)
	}
	if p.cfg.strict && p.nBad > 0 {
		return nil, fmt.Errorf("%s: %d lines do not decode (--strict); first: %s", p.in.bundle.MessagesPath, p.nBad, p.bad[0])
	}
	if st := p.reader.Stats(); st.Messages == 0 {
		return nil, fmt.Errorf("%s: no message decoded (%d lines, %d bad)", p.in.bundle.MessagesPath, st.Lines, st.Bad)
	}
	sum, err := p.sess.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.in.path, err)
	}
	return sum, nil
}

// badLineWarnings reports the input's bad lines: the first few with their
// line, then how many more.
func (p *pipeline) badLineWarnings() []string {
	if p.cfg.strict {
		return nil
	}
	ws := append([]string(nil), p.bad...)
	if more := p.nBad - int64(len(p.bad)); more > 0 {
		ws = append(ws, fmt.Sprintf("%s: %d more lines do not decode (skipped and counted in quality.bad_lines)", p.in.bundle.MessagesPath, more))
	}
	return ws
}

// runJobs calls do(i) for i in [0, n) on up to jobs goroutines.
func runJobs(ctx context.Context, jobs, n int, do func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(jobs, n) {
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

// progress is a progress bar on stderr when stderr is a terminal, and
// nothing otherwise.
type progress struct{ bar *progressbar.ProgressBar }

func newProgress(stderr io.Writer, n int, quiet bool) progress {
	f, ok := stderr.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) || n < 1 {
		return progress{}
	}
	return progress{bar: progressbar.NewOptions(n,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("analyze"),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100_000_000),
	)}
}

func (p progress) Add(n int) {
	if p.bar != nil {
		p.bar.Add(n)
	}
}

func (p progress) Finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// writeReport prints one session's players per team: minutes on court,
// distance, top speed, sprints, possession and the DIST ratio.
func writeReport(w io.Writer, s *export.SessionSummary) {
	fmt.Fprintf(w, "\nsession %s (%s)\n", s.SessionID, s.Source)
	teams := map[int64]string{}
	var order []int64
	for _, t := range s.Teams {
		teams[t.TeamID] = t.Name
		order = append(order, t.TeamID)
	}
	byTeam := map[int64][]export.PlayerSummary{}
	for _, p := range s.Players {
		if _, ok := teams[p.TeamID]; !ok {
			teams[p.TeamID] = ""
			order = append(order, p.TeamID)
		}
		byTeam[p.TeamID] = append(byTeam[p.TeamID], p)
	}
	poss := map[int64]float64{}
	for _, t := range s.Teams {
		poss[t.TeamID] = t.Possession_s
	}
	for _, id := range order {
		ps := byTeam[id]
		if len(ps) == 0 {
			continue
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].Distance_m > ps[j].Distance_m })
		name := teams[id]
		switch {
		case id == 0:
			name = "not on the roster"
		case name == "":
			name = fmt.Sprintf("team %d", id)
		}
		fmt.Fprintf(w, "\n%s: possession %.0f s\n", name, poss[id])
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "player\tmin\tdist m\ttop m/s\tsprints\tposs s\tDIST ratio\t")
		for _, p := range ps {
			player := p.Name
			if player == "" {
				player = fmt.Sprint(p.PlayerID)
			}
			ratio := "-"
			if p.DistRatio > 0 {
				ratio = fmt.Sprintf("%.3f", p.DistRatio)
			}
			fmt.Fprintf(tw, "%s\t%.1f\t%.0f\t%.2f\t%d\t%.1f\t%s\t\n", player, p.TimeOnCourt_s/60, p.Distance_m, p.TopSpeed_mps, p.Sprints, p.Possession_s, ratio)
		}
		tw.Flush()
	}
	q := s.Quality
	fmt.Fprintf(w, "\nquality: %d messages, %d locations, %d bad lines, %d duplicates, %d late, %d gaps, %d teleports, %d unknown ids\n",
		q.Messages, q.Locations, q.BadLines, q.Duplicates, q.Late, q.Gaps, q.Teleports, q.UnknownIDs)
}

// writeSample writes the built-in sample game (synth.SampleConfig) as a
// bundle under dir and returns the bundle's path.
func writeSample(ctx context.Context, dir string) (string, error) {
	path := filepath.Join(dir, "sample")
	if _, err := synth.Write(ctx, synth.SampleConfig(), path, nil); err != nil {
		return "", fmt.Errorf("built-in sample: %w", err)
	}
	return path, nil
}

// feedShots sits in front of the table writer. The engine emits a feed
// shot's segment while it is fed the shot message, without a court
// position: feedShots places it (the hoop-relative hoop_player_x/y put on
// the half court whose hoop is east, as shot charts draw it, since the
// feed does not say which end was attacked) and keeps the shots for the
// shot charts. Segments that already carry a position pass unchanged.
type feedShots struct {
	track.Sink
	cur   *decode.Message // the message being fed
	chart *heatmap.ShotChart
}

func (f *feedShots) Segment(g *track.Segment) error {
	if g.Type != track.SegFeedShot {
		return f.Sink.Segment(g)
	}
	if g.StartX_m != 0 || g.StartY_m != 0 {
		f.chart.Shots = append(f.chart.Shots, heatmap.Shot{T_ms: g.Start_ms, PlayerID: g.PlayerID, TeamID: g.TeamID,
			X_m: g.StartX_m, Y_m: g.StartY_m, Made: g.Made, Is3Point: g.Is3Point, Zone: g.Zone, Source: heatmap.SourceFeed})
		return f.Sink.Segment(g)
	}
	m := f.cur
	if m == nil || m.Kind != decode.KindShot || m.Shot.Present&decode.HasHoopPlayerXY == 0 || m.Shot.OccurredAt_ms != g.Start_ms {
		return f.Sink.Segment(g)
	}
	sh := &m.Shot
	f.chart.AddFeed(sh.OccurredAt_ms, sh.PlayerID, sh.TeamID, sh.HoopPlayerX_mm, sh.HoopPlayerY_mm, sh.IsMake, sh.Is3Point, sh.Zone)
	s := f.chart.Shots[len(f.chart.Shots)-1]
	c := *g
	c.StartX_m, c.StartY_m, c.EndX_m, c.EndY_m = s.X_m, s.Y_m, s.X_m, s.Y_m
	return f.Sink.Segment(&c)
}

// imageDir is where a session's images go: images/, or with several
// sessions images/session_id=<id>/ named as the tables' partitions are
// (the id URL-escaped: it comes from the input and must not name a path).
func imageDir(cfg *analyzeConfig, sessionID string, hive bool) string {
	if hive {
		return filepath.Join(cfg.out, "images", export.SessionColumn+"="+url.PathEscape(sessionID))
	}
	return filepath.Join(cfg.out, "images")
}

// renderImages draws the session's heatmaps (each team, each player, the
// ball) and shot charts (all shots, each team) as PNG and SVG under dir.
// It returns the files written.
func renderImages(dir string, sum *track.Summary, shots []heatmap.Shot, tmpl court.Template, cell_m float64, sync bool) ([]string, error) {
	names := map[string]string{} // "scope/id" -> title
	for _, t := range sum.Teams {
		names[fmt.Sprintf("team/%d", t.TeamID)] = t.Name
	}
	for _, p := range sum.Players {
		names[fmt.Sprintf("player/%d", p.PlayerID)] = p.Name
	}
	opt := chart.Options{From_ms: sum.Start_ms, To_ms: sum.End_ms}
	var files []string
	write := func(base string, draw func(w io.Writer, f chart.Format) error) error {
		for _, f := range []chart.Format{chart.PNG, chart.SVG} {
			var buf bytes.Buffer
			if err := draw(&buf, f); err != nil {
				return fmt.Errorf("%s: %w", base, err)
			}
			path := filepath.Join(dir, base+"."+f.String())
			if err := export.WriteFileAtomic(path, buf.Bytes(), sync); err != nil {
				return err
			}
			files = append(files, path)
		}
		return nil
	}
	for _, g := range heatGrids(sum.Heatmaps, tmpl, cell_m) {
		o := opt
		o.Title = asciiTitle(fmt.Sprintf("%s %d %s", g.Scope, g.ID, names[fmt.Sprintf("%s/%d", g.Scope, g.ID)]))
		if err := write(fmt.Sprintf("heatmap_%s_%d", g.Scope, g.ID), func(w io.Writer, f chart.Format) error {
			return chart.Heatmap(w, f, g, tmpl, o)
		}); err != nil {
			return files, err
		}
	}
	if len(shots) > 0 {
		o := opt
		o.Title = "Shots, all teams"
		if err := write("shots_all", func(w io.Writer, f chart.Format) error { return chart.ShotChart(w, f, shots, tmpl, o) }); err != nil {
			return files, err
		}
		byTeam := map[int64][]heatmap.Shot{}
		var teams []int64
		for _, s := range shots {
			if _, ok := byTeam[s.TeamID]; !ok {
				teams = append(teams, s.TeamID)
			}
			byTeam[s.TeamID] = append(byTeam[s.TeamID], s)
		}
		sort.Slice(teams, func(i, j int) bool { return teams[i] < teams[j] })
		for _, id := range teams {
			o := opt
			o.Title = asciiTitle(fmt.Sprintf("Shots, team %d %s", id, names[fmt.Sprintf("team/%d", id)]))
			ts := byTeam[id]
			if err := write(fmt.Sprintf("shots_team_%d", id), func(w io.Writer, f chart.Format) error { return chart.ShotChart(w, f, ts, tmpl, o) }); err != nil {
				return files, err
			}
		}
	}
	return files, nil
}

// heatGrids rebuilds the engine's heatmaps (long form, one row per
// non-empty cell) as grids for drawing, in a stable order. The geometry is
// the heatmap package's for the court and the cell size the cells show
// (cell_m when a grid has a single column of cells).
func heatGrids(cells []track.HeatCell, tmpl court.Template, cell_m float64) []*heatmap.Grid {
	if len(cells) == 0 {
		return nil
	}
	// Cell size and origin from the cells themselves.
	c0 := cells[0]
	for _, c := range cells[1:] {
		if c.IX != c0.IX {
			cell_m = (c.X_m - c0.X_m) / float64(c.IX-c0.IX)
			break
		}
	}
	gm := heatmap.New(heatmap.Options{Cell_m: cell_m, Court: tmpl}).Geom()
	minX, minY := c0.X_m-(float64(c0.IX)+0.5)*cell_m, c0.Y_m-(float64(c0.IY)+0.5)*cell_m
	var maxIX, maxIY int32
	for _, c := range cells {
		maxIX, maxIY = max(maxIX, c.IX), max(maxIY, c.IY)
	}
	if math.Abs(gm.MinX_m-minX) > 1e-6 || math.Abs(gm.MinY_m-minY) > 1e-6 || int(maxIX) >= gm.NX || int(maxIY) >= gm.NY {
		// Not the default geometry (another margin): the cells' own.
		gm.MinX_m, gm.MinY_m, gm.Cell_m = minX, minY, cell_m
		gm.NX, gm.NY = max(gm.NX, int(maxIX)+1), max(gm.NY, int(maxIY)+1)
	}
	type key struct {
		scope string
		id    int64
	}
	grids := map[key]*heatmap.Grid{}
	var order []key
	for _, c := range cells {
		k := key{c.Scope, c.ID}
		g, ok := grids[k]
		if !ok {
			g = &heatmap.Grid{Scope: parseScope(c.Scope), ID: c.ID, Geom: gm, Seconds: make([]float64, gm.Len())}
			grids[k] = g
			order = append(order, k)
		}
		if c.IX >= 0 && c.IY >= 0 {
			g.Seconds[gm.Index(int(c.IX), int(c.IY))] += c.Seconds
			g.Total_s += c.Seconds
		}
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].scope != order[j].scope {
			return order[i].scope > order[j].scope // team, player, ball
		}
		return order[i].id < order[j].id
	})
	out := make([]*heatmap.Grid, len(order))
	for i, k := range order {
		out[i] = grids[k]
	}
	return out
}

func parseScope(s string) heatmap.Scope {
	for _, sc := range []heatmap.Scope{heatmap.ScopePlayer, heatmap.ScopeTeam, heatmap.ScopeBall} {
		if sc.String() == s {
			return sc
		}
	}
	return 0
}

// asciiTitle keeps a chart title to the ASCII the PNG font can draw.
func asciiTitle(s string) string {
	b := []byte(strings.TrimSpace(s))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return string(b)
}

// The engine runs analyses that need whole frames through track.Analyzer;
// possession and heatmaps are written against plain inputs (they do not
// import track). The two adapters below connect them as the packages'
// docs describe the seam. They belong beside the engine so that live mode
// can attach them too; until then analyze and bench pipeline attach them.

// possessionAnalyzer decides the ball holder frame by frame, marks it in
// the samples (Sample.BallHolder), turns the detector's events into
// segments and adds possession totals and the shooter cross-check to the
// summary.
type possessionAnalyzer struct {
	d       *possession.Detector
	players []possession.PlayerPos
	emit    func(*track.Segment) error
	period  int32
	seg     track.Segment
	err     error // the first error of emit, returned by Frame or Finish
}

func newPossessionAnalyzer(tmpl court.Template, roster []decode.RosterTeam) *possessionAnalyzer {
	teamOf := map[int64]int64{}
	for _, t := range roster {
		for _, p := range t.Players {
			teamOf[p.ID] = t.ID
		}
	}
	a := &possessionAnalyzer{}
	a.d = possession.New(possession.ConfigFor(tmpl), func(id int64) int64 { return teamOf[id] }, a.event)
	return a
}

func (a *possessionAnalyzer) Frame(f *track.Frame, emit func(*track.Segment) error) error {
	a.emit, a.period = emit, f.Period
	live := f.Clock == track.ClockLive
	if len(f.Balls) == 0 {
		a.d.Tick(f.T_ms, live)
		return a.takeErr()
	}
	// Every player with a sample: the detector leaves out players far
	// from the ball (the bench) by itself.
	a.players = a.players[:0]
	for i := range f.Players {
		p := &f.Players[i]
		a.players = append(a.players, possession.PlayerPos{ID: p.SensorID, X_m: p.X_m, Y_m: p.Y_m})
	}
	b := &f.Balls[0]
	a.d.Update(f.T_ms, b.X_m, b.Y_m, b.Z_m, a.players, live)
	if h, ok := a.d.Holder(); ok {
		for i := range f.Players {
			if f.Players[i].SensorID == h {
				f.Players[i].BallHolder = true
			}
		}
	}
	return a.takeErr()
}

// feedShot passes a shot message of the feed to the detector (shooter
// agreement, assists).
func (a *possessionAnalyzer) feedShot(s *decode.Shot) {
	a.d.FeedShot(s.OccurredAt_ms, s.PlayerID, s.IsMake)
}

func (a *possessionAnalyzer) Finish(sum *track.Summary, emit func(*track.Segment) error) error {
	a.emit = emit
	a.d.Flush(sum.End_ms)
	for _, b := range sum.BoxScore {
		a.d.FeedStats(b.PlayerID, possession.FeedCounts{AST: b.Values["AST"], TO: b.Values["TO"], STL: b.Values["STL"], REB: b.Values["REB"]})
	}
	sum.ShooterAgreement = a.d.Check().ShooterAgreement
	byPlayer := map[int64]possession.PlayerTotal{}
	for _, p := range a.d.Players(nil) {
		byPlayer[p.PlayerID] = p
	}
	for i := range sum.Players {
		p := &sum.Players[i]
		t := byPlayer[p.PlayerID]
		p.Possession_s, p.Touches = t.Possession_s, t.Touches
	}
	byTeam := map[int64]possession.TeamTotal{}
	for _, t := range a.d.Teams(nil) {
		byTeam[t.TeamID] = t
	}
	for i := range sum.Teams {
		sum.Teams[i].Possession_s = byTeam[sum.Teams[i].TeamID].Possession_s
	}
	return a.takeErr()
}

func (a *possessionAnalyzer) takeErr() error {
	err := a.err
	a.err = nil
	return err
}

// event converts a detector event into the engine's segment (the mapping
// of the possession package's doc) and emits it.
func (a *possessionAnalyzer) event(e *possession.Event) {
	if a.err != nil || a.emit == nil {
		return
	}
	g := &a.seg
	*g = track.Segment{
		Start_ms: e.Start_ms, End_ms: e.End_ms, PlayerID: e.PlayerID, TeamID: e.TeamID,
		StartX_m: e.StartX_m, StartY_m: e.StartY_m, EndX_m: e.EndX_m, EndY_m: e.EndY_m,
		Touches: e.Touches, Period: a.period,
	}
	switch e.Kind {
	case possession.KindPossession:
		g.Type = track.SegPossession
	case possession.KindTeamPossession:
		g.Type = track.SegTeamPossession
	case possession.KindPass:
		g.Type, g.ToPlayerID, g.Length_m, g.Speed_mps = track.SegPass, e.ToPlayerID, e.Length_m, e.Speed_mps
	case possession.KindShot:
		g.Type, g.Made, g.Is3Point, g.Zone, g.Length_m = track.SegShot, e.Made, e.Is3Point, e.Zone, e.Length_m
		if e.FreeThrow {
			g.Label = "free_throw"
		}
	case possession.KindTurnover:
		g.Type, g.ToPlayerID = track.SegTurnover, e.ToPlayerID
		if e.Steal {
			g.Label = "steal"
		}
	case possession.KindRebound:
		g.Type, g.Label = track.SegRebound, "defensive"
		if e.Offensive {
			g.Label = "offensive"
		}
	default:
		return
	}
	a.err = a.emit(g)
}

// heatAnalyzer accumulates the time-weighted occupancy heatmaps: each
// player on the court (in bounds, so a player's map sums to its time on
// court), each team, and the ball.
type heatAnalyzer struct {
	acc *heatmap.Accumulator
}

func newHeatAnalyzer(tmpl court.Template, cfg *analyzeConfig) *heatAnalyzer {
	return &heatAnalyzer{acc: heatmap.New(heatmap.Options{Cell_m: cfg.cell_m, Court: tmpl, LiveOnly: cfg.liveOnly})}
}

func (h *heatAnalyzer) Frame(f *track.Frame, _ func(*track.Segment) error) error {
	live := f.Clock == track.ClockLive
	for i := range f.Players {
		p := &f.Players[i]
		if p.InBounds {
			h.acc.AddPlayer(p.SensorID, p.TeamID, f.Period, p.X_m, p.Y_m, f.Dt_s, live)
		}
	}
	for i := range f.Balls {
		b := &f.Balls[i]
		h.acc.AddBall(b.SensorID, 0, f.Period, b.X_m, b.Y_m, f.Dt_s, live)
	}
	return nil
}

func (h *heatAnalyzer) Finish(sum *track.Summary, _ func(*track.Segment) error) error {
	for _, c := range h.acc.Cells(nil) {
		sum.Heatmaps = append(sum.Heatmaps, track.HeatCell{Scope: c.Scope.String(), ID: c.ID, IX: c.IX, IY: c.IY, X_m: c.X_m, Y_m: c.Y_m, Seconds: c.Seconds})
	}
	return nil
}
