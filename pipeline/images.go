package pipeline

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	gosync "sync"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/export/chart"
	"github.com/stmotion/stmotion/track"
	"github.com/stmotion/stmotion/track/heatmap"
)

// RenderImages draws the session's heatmaps (each team, each player, the
// ball; in the sensor frame, sum.Quality.NoCourt, without court markings
// and saying so) and shot charts (all shots, each team; titled as
// detected from the ball when shots are Run.Shots' detected ones) as PNG
// and SVG under dir
// (export.ImageDir), with the names export gives them (export.HeatmapImage,
// export.AllShotsImage, export.ShotsImage), which are those
// export.ListImages finds again.
// Files are written atomically, fsynced only with sync. It returns the
// files written, also on error (a chart that fails does not stop the
// others; the error is the first failing chart's). fold says
// the heatmaps were asked folded (Options.Fold): their titles say the
// offence is on the east (right) half, or, for a roster of one team
// (sum.OneTeam: a practice's scrimmage), which is not folded (FoldWarning), that they are
// not folded. The heatmaps of a session analysed with Options.LiveOnly
// (sum.Heatmap.LiveOnly) say LiveOnlyTitle in their titles. These labels
// are chart.Options.TitleLabels: a title too wide for its image keeps them
// and shortens the name before them (a long name and a shot chart's too,
// with "..."). shotsLeftOut counts the shots to chart beyond shots
// (Run.ShotsLeftOut: beyond MaxChartShots): with any, the shot charts'
// titles say they draw the first len(shots) of them.
func RenderImages(dir string, sum *track.Summary, shots []heatmap.Shot, shotsLeftOut int64, tmpl court.Template, cell_m float64, fold, sync bool) ([]string, error) {
	names := map[string]string{} // "scope/id" -> title
	for _, t := range sum.Teams {
		names[fmt.Sprintf("team/%d", t.TeamID)] = t.Name
	}
	for _, p := range sum.Players {
		names[fmt.Sprintf("player/%d", p.PlayerID)] = p.Name
	}
	opt := chart.Options{From_ms: sum.Start_ms, To_ms: sum.End_ms}
	heatOpt := opt
	// Without a court the positions are the sensor's: court markings
	// would make the maps look calibrated (the shot charts' positions
	// are the feed's, relative to the hoop, and keep theirs).
	heatOpt.SensorFrame = sum.Quality.NoCourt
	var charts []chartJob
	add := func(base string, draw func(w io.Writer, f chart.Format) error) {
		charts = append(charts, chartJob{base: base, draw: draw})
	}
	for _, g := range heatGrids(sum.Heatmaps, tmpl, cell_m) {
		o := heatOpt
		o.Title = chartTitle(fmt.Sprintf("%s %d %s", g.Scope, g.ID, names[fmt.Sprintf("%s/%d", g.Scope, g.ID)]))
		// The labels say what the map counts: chart keeps them whole
		// and shortens the name when the line does not fit.
		var labels []string
		if sum.Heatmap.LiveOnly {
			labels = append(labels, LiveOnlyTitle)
		}
		switch {
		case fold && sum.OneTeam:
			labels = append(labels, "not folded: one team, its sides not told apart")
		case fold && g.Scope == heatmap.ScopeBall:
			labels = append(labels, "folded by the team in control: its offence right")
		case fold:
			labels = append(labels, "folded: offence right, defence left")
		}
		o.TitleLabels = strings.Join(labels, ", ")
		add(export.HeatmapImage(g.Scope, g.ID), func(w io.Writer, f chart.Format) error {
			return chart.Heatmap(w, f, g, tmpl, o)
		})
	}
	if len(shots) > 0 {
		// A chart of the first MaxChartShots only says so.
		var capped string
		if shotsLeftOut > 0 {
			capped = fmt.Sprintf("the first %d of %d shots", len(shots), int64(len(shots))+shotsLeftOut)
		}
		o := opt
		o.TitleLabels = capped
		o.Title = "Shots, all teams"
		detected := shots[0].Source == heatmap.SourceDetected
		if detected {
			o.Title = "Shots detected from the ball (the feed sent none), all teams"
		}
		add(export.AllShotsImage, func(w io.Writer, f chart.Format) error { return chart.ShotChart(w, f, shots, tmpl, o) })
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
			if id == 0 {
				// No team (no roster, or a shooter it does not name): the
				// all-teams chart has them; team 0 is no team of its own,
				// as in the heatmaps.
				continue
			}
			o := opt
			if capped != "" {
				o.TitleLabels = "of " + capped
			}
			o.Title = chartTitle(fmt.Sprintf("Shots, team %d %s", id, names[fmt.Sprintf("team/%d", id)]))
			if detected {
				o.Title = chartTitle(fmt.Sprintf("Shots detected from the ball, team %d %s", id, names[fmt.Sprintf("team/%d", id)]))
			}
			ts := byTeam[id]
			add(export.ShotsImage(id), func(w io.Writer, f chart.Format) error { return chart.ShotChart(w, f, ts, tmpl, o) })
		}
	}
	return renderCharts(dir, charts, sync)
}

// LiveOnlyTitle is what a heatmap's title says when it counts only time
// with the clock live (Options.LiveOnly: track.Summary.Heatmap.LiveOnly).
const LiveOnlyTitle = "live time only"

// chartJob is one chart RenderImages draws, in both formats.
type chartJob struct {
	base  string // file name without extension
	draw  func(w io.Writer, f chart.Format) error
	files []string // written
	err   error
}

// chartFormats are the formats of export.ImageExts, in that order: the
// images' extensions are named once, in export, beside their names.
var chartFormats = func() []chart.Format {
	var fs []chart.Format
	for _, ext := range export.ImageExts() {
		f, err := chart.ParseFormat(ext)
		if err != nil {
			// export names an image format chart cannot draw: a
			// programming error, which any test of this package shows.
			panic(err)
		}
		fs = append(fs, f)
	}
	return fs
}()

// renderCharts draws and writes the charts on up to GOMAXPROCS goroutines
// (a game has about thirty, and encoding a PNG takes most of a chart's
// time), each chart as PNG then SVG. It returns the files written, in the
// order of charts, and the error of the first chart that failed to draw or
// write, if any (the others are still written).
func renderCharts(dir string, charts []chartJob, sync bool) ([]string, error) {
	next := make(chan *chartJob)
	var wg gosync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(charts)) {
		wg.Go(func() {
			var buf bytes.Buffer
			for c := range next {
				for _, f := range chartFormats {
					buf.Reset()
					if c.err = c.draw(&buf, f); c.err != nil {
						c.err = fmt.Errorf("%s: %w", c.base, c.err)
						break
					}
					path := filepath.Join(dir, c.base+"."+f.String())
					if c.err = export.WriteFileAtomic(path, buf.Bytes(), sync); c.err != nil {
						break
					}
					c.files = append(c.files, path)
				}
			}
		})
	}
	for i := range charts {
		next <- &charts[i]
	}
	close(next)
	wg.Wait()
	var files []string
	var err error
	for _, c := range charts {
		files = append(files, c.files...)
		if err == nil {
			err = c.err
		}
	}
	return files, err
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
	gm := heatmap.GeomFor(heatmap.Options{Cell_m: cell_m, Court: tmpl})
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

// chartTitle is a chart's title line: s without surrounding spaces, its
// control characters escaped as the report prints names
// (decode.Printable). Other characters are kept: the SVG shows them as
// they are, the PNG transliterated for its ASCII font (package chart).
func chartTitle(s string) string {
	return decode.Printable(strings.TrimSpace(s))
}
