package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
	"golang.org/x/text/width"

	"github.com/stmotion/stmotion/batch"
	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/track"
)

// What analyze shows a person: the warnings and the last line that say
// what a batch run (batch.Result) came to in the flags' words, its
// progress bar, and the report per session on stdout.

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

// untrackedPlayer reports whether p has nothing measured: no location
// (no distance, raw or filtered, no time on court, no touch) and no DIST
// stat. Such a player is a roster name only; the report lists him in one
// line, summary.json keeps his entry.
func untrackedPlayer(p *export.PlayerSummary) bool {
	return p.Distance_m == 0 && p.RawDistance_m == 0 && p.TimeOnCourt_s == 0 && p.Touches == 0 && p.DistStat_m == 0
}

// limitText says in the report what a summary.json limit (export.Limits)
// makes unreliable in session s. A one-team practice speaks of sides
// only where its rounds are known to be scrimmages (export.Scrimmages):
// a shooting drill has none.
func limitText(limit string, s *export.SessionSummary) string {
	switch limit {
	case export.LimitNoRoster:
		return "no roster (--roster): passes and steals, offensive and defensive rebounds are not told apart (events labelled " + track.LabelUnverified + ")"
	case export.LimitPartialRoster:
		return "players not on the roster (quality.unknown_ids): their passes, turnovers and rebounds are not told apart (events labelled " + track.LabelUnverified + "), and team possession misses their possessions"
	case export.LimitNoCourt:
		return "no court (--court): no shots detected from the ball, so missed and made shots read as passes or turnovers (events labelled " + track.LabelUnverified + "), and possession counts the pickup of a made basket; images in the sensor frame"
	case export.LimitOffCourt:
		return "the samples lie off the court (its court.json is another court's?): time on court, possession, shots, events and heatmaps are about empty"
	case export.LimitOneTeam:
		const effect = "passes and steals, offensive and defensive rebounds are not told apart (events labelled " + track.LabelUnverified + "); no team-level possessions, "
		switch some, all := export.Scrimmages(s.Rounds); {
		case all:
			return "one team on the roster (a practice): its scrimmage sides are not told apart, so " + effect + "the team's possession is both sides' together, heatmaps not folded"
		case some:
			return "one team on the roster (a practice): every player the roster names is on it, and in its scrimmages both sides are that team, so " + effect + "the team's possession is all its players' together, heatmaps not folded"
		}
		return "one team on the roster (a practice): every player the roster names is on it, so " + effect + "the team's possession is all its players' together, heatmaps not folded"
	case export.LimitOneTeamTracked:
		return "only one team's players tracked: the other side is not in the feed, so passes and steals, offensive and defensive rebounds are not told apart (events labelled " + track.LabelUnverified + "); no team-level possessions, the team's possession is both sides' together"
	case export.LimitSeveralBalls:
		return fmt.Sprintf("several balls moving on the court at once (%g s of live time or more): possession follows one, so the players with the others have no touches or possession meanwhile, and shooter_agreement counts their shots as disagreements", track.SeveralBallsMin_s)
	case export.LimitBallUnseen:
		return fmt.Sprintf("the game ball unseen for %.0f s of live time (quality.ball_unseen_live_s; its sensor silent while the others were seen: a dead battery, out of range): no team is in control of an unseen ball, so each team's possession misses its part of that time, and the passes, shots, turnovers and rebounds of it are missing", s.Quality.BallUnseenLive_s)
	}
	return limit
}

// writeHeader prints a session's first lines: its id and source, and
// the round of the event it is (a drill's name and type, live.json) with
// the period it is in the tables; a recording of several rounds (a whole
// practice) lists each with its period, as the feed's *_NEXT markers and
// rounds.json name them (summary.json rounds). A round the recording
// holds no period of, and that nothing names, is left out.
func writeHeader(w io.Writer, s *export.SessionSummary) {
	fmt.Fprintf(w, "\nsession %s (%s)", decode.Printable(s.SessionID), decode.Printable(s.Source))
	var rounds []export.RoundSummary
	for _, r := range s.Rounds {
		if r.Period > 0 || r.Name != "" || r.Type != "" {
			rounds = append(rounds, r)
		}
	}
	// what is a round's name and type: "Shooting drill (drill 2), SHOOTING".
	what := func(r export.RoundSummary) string {
		var parts []string
		for _, p := range []string{r.Name, r.Type} {
			if p != "" {
				parts = append(parts, decode.Printable(p))
			}
		}
		return strings.Join(parts, ", ")
	}
	if len(rounds) == 1 {
		// One round (a drill's live id): on the session's line.
		r := rounds[0]
		line := what(r)
		if r.Period > 0 {
			if line != "" {
				line += ", "
			}
			line += fmt.Sprintf("period %d", r.Period)
		}
		fmt.Fprintf(w, ": %s\n", line)
		return
	}
	if s.Name != "" || s.Type != "" {
		fmt.Fprintf(w, ": %s", what(export.RoundSummary{Name: s.Name, Type: s.Type}))
	}
	fmt.Fprintln(w)
	for _, r := range rounds {
		period := "no period"
		if r.Period > 0 {
			period = fmt.Sprintf("period %d", r.Period)
		}
		switch name := what(r); {
		case r.LiveID == "" && name == "":
			fmt.Fprintf(w, "  %s: the recording's first round (no live.json names it)\n", period)
		case r.LiveID == "":
			fmt.Fprintf(w, "  %s: %s\n", period, name)
		case name != "":
			fmt.Fprintf(w, "  %s: %s (live id %s)\n", period, name, decode.Printable(r.LiveID))
		default:
			fmt.Fprintf(w, "  %s: live id %s\n", period, decode.Printable(r.LiveID))
		}
	}
}

// writeReport prints one session's players per team: minutes on court,
// distance, top speed, sprints, possession and the DIST ratio. A
// practice's also shows the minutes on court in its drills: players stand
// on the court in the breaks between, which the other figures count
// (Marcus Brennan's 19.9 min of a 20-minute practice held 6 min of
// breaks), and a line under the tables says so (practiceNote).
func writeReport(w io.Writer, s *export.SessionSummary) {
	writeHeader(w, s)
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
	// Team possession is measured for the roster's teams only, which are
	// summary.json's teams[]; a player's team_id may also come from the
	// feed's stats (track: the box score), as every team of a bare
	// recording's does. Such a team has no possession figure: printing 0
	// would contradict the summary, which has no entry for it.
	// A roster team none of whose players is one of the feed's sensors
	// has no possession measured (its 0 is for want of any: the engine
	// knows a holder's team from the roster only), while its players by
	// the feed's stats may show theirs: say so rather than print 0.
	poss := map[int64]float64{}
	matched := map[int64]bool{}
	tabled := false // a player's row was printed
	for _, t := range s.Teams {
		poss[t.TeamID] = t.Possession_s
		matched[t.TeamID] = t.PlayerSensors > 0
	}
	for _, id := range order {
		ps := byTeam[id]
		if len(ps) == 0 {
			continue
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].Distance_m > ps[j].Distance_m })
		name := decode.Printable(teams[id])
		if name == "" {
			name = fmt.Sprintf("team %d", id)
		}
		p, rostered := poss[id]
		switch {
		case id == 0 && slices.Contains(s.Limits, export.LimitNoRoster):
			fmt.Fprintf(w, "\nplayers (no roster: no teams):\n")
		case id == 0:
			fmt.Fprintf(w, "\nnot on the roster:\n")
		case !rostered:
			fmt.Fprintf(w, "\n%s (from the feed's stats, not on a roster: no team possession):\n", name)
		case !matched[id] && s.Quality.DroppedRosterSamples > 0:
			fmt.Fprintf(w, "\n%s (none of its players tracked: roster players' samples were dropped beyond the engine's limit of %d sensors; no team possession measured):\n", name, track.DefaultMaxSensors)
		case !matched[id]:
			fmt.Fprintf(w, "\n%s (the roster matched none of the player sensors: no team possession measured):\n", name)
		case slices.Contains(s.Limits, export.LimitOneTeam):
			// Every player is the team's, both sides of a scrimmage
			// too: its figure is theirs together, no side's.
			together := "all its players together"
			if _, all := export.Scrimmages(s.Rounds); all {
				together = "both sides together"
			}
			fmt.Fprintf(w, "\n%s: possession %.0f s, %s (one team on the roster)\n", name, p, together)
		case slices.Contains(s.Limits, export.LimitOneTeamTracked):
			// The untracked side's ball time goes to the tracked
			// players near the ball.
			fmt.Fprintf(w, "\n%s: possession %.0f s, both sides together (only one team's players tracked)\n", name, p)
		default:
			fmt.Fprintf(w, "\n%s: possession %.0f s\n", name, p)
		}
		var rows [][]string
		// A roster player who never sent a location (and has no DIST
		// stat) is named in one line: a row of zeros would read as
		// measured.
		var untracked []string
		header := false
		for _, p := range ps {
			player := decode.Printable(p.Name)
			if player == "" {
				player = fmt.Sprint(p.PlayerID)
			}
			if untrackedPlayer(&p) {
				untracked = append(untracked, player)
				continue
			}
			if !header {
				if s.Practice {
					rows = append(rows, []string{"player", "min", "drill min", "dist m", "top m/s", "sprints", "poss s", "DIST ratio"})
				} else {
					rows = append(rows, []string{"player", "min", "dist m", "top m/s", "sprints", "poss s", "DIST ratio"})
				}
				header = true
			}
			ratio := "-"
			switch {
			case p.DistRatio > 0:
				ratio = fmt.Sprintf("%.3f", p.DistRatio)
			case p.DistFlag == track.DistFlagNoDIST:
				// He ran, but the feed sent no DIST to compare: not
				// the "-" of a bench player.
				ratio = "no DIST"
			}
			row := []string{player, fmt.Sprintf("%.1f", p.TimeOnCourt_s/60), fmt.Sprintf("%.0f", p.Distance_m),
				fmt.Sprintf("%.2f", p.TopSpeed_mps), fmt.Sprint(p.Sprints), fmt.Sprintf("%.1f", p.Possession_s), ratio}
			if s.Practice {
				drill_s := 0.0
				for _, d := range p.TimeOnCourtPeriod_s {
					drill_s += d
				}
				row = slices.Insert(row, 2, fmt.Sprintf("%.1f", drill_s/60))
			}
			rows = append(rows, row)
			tabled = true
		}
		writeColumns(w, rows)
		if len(untracked) > 0 {
			sort.Strings(untracked)
			what := "no tracking data"
			if s.Quality.DroppedSensors > 0 {
				// Their samples may be among those dropped beyond the
				// engine's sensor limit (a burst of bogus ids, no
				// roster to say who is real): not "never sent any".
				what = fmt.Sprintf("no tracking data, or samples dropped beyond the engine's limit of %d sensors (quality.dropped_sensors)", track.DefaultMaxSensors)
			}
			fmt.Fprintf(w, "%s (%d): %s\n", what, len(untracked), strings.Join(untracked, ", "))
		}
	}
	if s.Practice && tabled {
		fmt.Fprintf(w, "\n%s\n", practiceNote(s))
	}
	if len(s.Limits) > 0 {
		fmt.Fprintf(w, "\nlimits (summary.json limits: %s):\n", strings.Join(s.Limits, ", "))
		for _, l := range s.Limits {
			fmt.Fprintf(w, "  %s\n", limitText(l, s))
		}
	}
	if line := definitionsLine(s); line != "" {
		fmt.Fprintf(w, "\n%s\n", line)
	}
	if line := settingsLine(s); line != "" {
		fmt.Fprintf(w, "\n%s\n", line)
	}
	q := s.Quality
	repeats := ""
	if q.RepeatedShots+q.RepeatedMarkers > 0 {
		// Only when there are any: a feed without repeats reads as before.
		repeats = fmt.Sprintf(", %d repeated shots, %d repeated markers", q.RepeatedShots, q.RepeatedMarkers)
	}
	rest := ""
	if q.RestMessages > 0 {
		// The recording's messages (inspect's count), and apart those
		// made of the bundle's REST state.
		rest = fmt.Sprintf(" (and %d made of stats.json and shots.json)", q.RestMessages)
	}
	fmt.Fprintf(w, "\nquality: %d messages%s, %d locations, %d bad lines, %d duplicates, %d late, %d gaps, %d teleports, %d outliers, %d unknown ids%s\n",
		q.Messages, rest, q.Locations, q.BadLines, q.Duplicates, q.Late, q.Gaps, q.Teleports, q.Outliers, q.UnknownIDs, repeats)
	if q.GridPeriod_ms > 0 {
		fmt.Fprintf(w, "grid: %d ms (%.4g Hz), sensor noise σ %.0f mm\n", q.GridPeriod_ms, 1000/float64(q.GridPeriod_ms), 1000*q.Noise_m)
	}
	if line := courtLine(s.Court); line != "" {
		fmt.Fprintln(w, line)
	}
}

// practiceNote says what a practice's min, dist m and sprints count
// beside drill min: all the time the recording holds, which is not the
// practice's when the session is one drill's live id (stmotion live
// records a practice so, a session per drill): that one holds its drill
// and the break after it, up to the DRILL_NEXT naming the next drill, or
// the last drill alone. The drills are the rounds the session numbered a
// period in (summary.json rounds), or without any, the periods any
// player was on court in; a round named after them, with no period (the
// next drill), says the recording ends at its DRILL_NEXT.
func practiceNote(s *export.SessionSummary) string {
	drills, last := 0, -1
	for i, r := range s.Rounds {
		if r.Period > 0 {
			drills, last = drills+1, i
		}
	}
	next := last+1 < len(s.Rounds)
	if drills == 0 {
		var onCourt []bool
		for _, p := range s.Players {
			for i, d := range p.TimeOnCourtPeriod_s {
				if i == len(onCourt) {
					onCourt = append(onCourt, false)
				}
				onCourt[i] = onCourt[i] || d > 0
			}
		}
		for _, on := range onCourt {
			if on {
				drills++
			}
		}
	}
	const drillMin = "drill min is the time on court in the drills only (summary.json time_on_court_period_s, one entry per drill)"
	switch {
	case drills > 1:
		return "min, dist m and sprints are the whole recording's (the practice's, when it holds all of it), the breaks between drills included (players stand on the court there); " + drillMin
	case drills == 1 && next:
		return "min, dist m and sprints are this recording's, one drill's live id: its drill and the break after it, up to the DRILL_NEXT naming the next drill (players stand on the court there), not the whole practice's; drill min is the time on court in the drill only (summary.json time_on_court_period_s, its drill's entry)"
	case drills == 1:
		return "min, dist m and sprints are this recording's, its drill's and any time on court outside it (before its DRILL_START, after its DRILL_END), not the whole practice's; drill min is the time on court in the drill only (summary.json time_on_court_period_s, its drill's entry)"
	}
	return "min, dist m and sprints are this recording's, which holds no drill (its time on court is outside any); " + drillMin
}

// writeColumns writes rows of cells right-aligned in columns two spaces
// apart, each row on a line, as text/tabwriter with AlignRight and
// padding 2 does, but measuring a cell by the columns a terminal gives it
// (displayWidth), not its runes: a name in CJK characters takes two
// columns each, and tabwriter put every figure of its row that much to the
// right of its header.
func writeColumns(w io.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		b.Reset()
		for i, c := range r {
			b.WriteString(strings.Repeat(" ", widths[i]+2-displayWidth(c)))
			b.WriteString(c)
		}
		b.WriteByte('\n')
		io.WriteString(w, b.String())
	}
}

// displayWidth is the number of terminal columns s takes: two for each
// East Asian wide or fullwidth character (CJK, Hangul, fullwidth forms;
// Unicode's East Asian Width, golang.org/x/text/width), none for a
// combining mark or a format character (an accent written after its
// letter, a zero-width joiner), one for any other. s holds no control
// characters (decode.Printable escapes them).
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r < 0x300:
			n++ // ASCII and Latin-1: one column, the common case
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		default:
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				n += 2
			default:
				n++
			}
		}
	}
	return n
}

// gridWarning is the warning of a run adding sessions to a dataset whose
// other sessions were analysed on another grid period (g): the one
// figure-changing setting summary.json records (quality.grid_period_ms,
// set by --hz, here hz, or the feed's rate). --cell, --live-only and
// --fold are recorded (summary.json settings) but not compared.
func gridWarning(hz float64, g *batch.GridMismatch) string {
	ms := func(ps []int64) string {
		var s []string
		for _, p := range ps {
			s = append(s, fmt.Sprint(p))
		}
		return strings.Join(s, ", ") + " ms"
	}
	flag := fmt.Sprintf("--hz %g", hz)
	if hz == 0 {
		flag = "--hz 0, the feed's rate"
	}
	return fmt.Sprintf("--add: --hz: this run's sessions have a %s grid (%s), the dataset's other sessions %s (quality.grid_period_ms): their samples and figures are not on one grid", ms(g.Run_ms), flag, ms(g.Others_ms))
}

// unlistedWarning is the warning of a run that leaves sessions under out
// that no summary.json entry describes (export.FindUnlisted): which, where
// their partitions are, why, and what to do; listed says summary.json was
// written, listing them under unlisted.
func unlistedWarning(out string, us []export.UnlistedSession, listed bool) string {
	ids := make([]string, len(us))
	tables, images := false, false
	for i, u := range us {
		ids[i] = u.SessionID
		tables = tables || len(u.Tables) > 0
		images = images || len(u.Images) > 0
	}
	var what, dirs []string
	part := export.SessionColumn + "=<id>"
	if len(us) == 1 {
		part = export.PartitionDir(ids[0])
	}
	if tables {
		what, dirs = append(what, "tables"), append(dirs, "<table>/"+part+"/")
	}
	if images {
		what, dirs = append(what, "images"), append(dirs, export.ImagesDir+"/"+part+"/")
	}
	it, its := "them", "their games"
	if len(us) == 1 {
		it, its = "it", "its game"
	}
	msg := fmt.Sprintf("--out %s holds the %s of %s (%s), which no summary.json entry describes (a run killed before it wrote summary.json, or summary.json moved away) but readers of the dataset read", out, strings.Join(what, " and "), sessionList(ids), strings.Join(dirs, " and "))
	if listed {
		msg += ": summary.json lists " + it + " under unlisted, without figures"
	}
	return msg + "; add " + its + " again to describe " + it + ", or remove those directories"
}

// sessionList names sessions in a message: "session a", "sessions a, b
// and c", "sessions a, b, c and 2 more".
func sessionList(ids []string) string {
	if len(ids) == 1 {
		return "session " + ids[0]
	}
	list := strings.Join(ids[:min(len(ids), 3)], ", ")
	if len(ids) > 3 {
		return fmt.Sprintf("sessions %s and %d more", list, len(ids)-3)
	}
	if i := strings.LastIndex(list, ", "); i >= 0 {
		list = list[:i] + " and " + list[i+2:]
	}
	return "sessions " + list
}

// summaryState is what became of summary.json in an interrupted run:
// whether it was to be written (tried), was written, how many earlier
// entries of the canceled sessions it kept (batch.Result.KeptEarlier),
// and the session whose entry the move of one-session outputs into the
// Hive layout rewrote (batch.Result.SummaryMoved, with --add; "" when
// none), which a run that writes no summary.json of its own has changed
// all the same.
type summaryState struct {
	tried, wrote bool
	kept         int
	moved        string
}

// interruptedMessage says what an interrupted run left: which inputs it
// did not analyse, that their earlier outputs stay, and what summary.json
// says of them, as it happened.
func interruptedMessage(cfg *analyzeConfig, canceled []export.CanceledInput, hive bool, sum summaryState) string {
	var names []string
	for _, c := range canceled[:min(len(canceled), 3)] {
		names = append(names, c.Source)
	}
	list := strings.Join(names, ", ")
	if len(canceled) > 3 {
		list += fmt.Sprintf(" and %d more", len(canceled)-3)
	}
	msg := "interrupted"
	if len(canceled) > 0 {
		them, their := "them", "their sessions"
		if len(canceled) == 1 {
			them, their = "it", "its session"
		}
		msg += fmt.Sprintf(": %s not analysed (%s); what earlier runs wrote for %s under %s is left in place", plural(len(canceled), "input"), list, them, cfg.out)
		switch {
		case !hive:
			// One input: no summary.json is written for it.
		case sum.wrote:
			msg += ", and summary.json lists " + them + " under canceled"
			switch {
			case sum.kept == len(canceled):
				msg += ", the earlier entries of " + their + " kept in sessions[] with earlier_run"
			case sum.kept > 0:
				msg += fmt.Sprintf(", the earlier entries of %d of their sessions kept in sessions[] with earlier_run (the others had none there)", sum.kept)
			default:
				msg += " (the earlier summary.json had no entry of " + their + " to keep)"
			}
		case sum.tried:
			msg += ", but summary.json could not be written (the error below)"
		case sum.moved != "":
			msg += fmt.Sprintf(", and so is summary.json as the move of session %s into the Hive layout rewrote it (its entry's paths; no input was analysed or failed)", sum.moved)
		default:
			if _, err := os.Stat(filepath.Join(cfg.out, export.SummaryFile)); err == nil {
				msg += ", and so is summary.json, not rewritten as no input was analysed or failed"
			} else {
				msg += "; no summary.json was written, as no input was analysed or failed"
			}
		}
	}
	if cfg.overwrite {
		msg += "; --overwrite removed no other session's outputs"
	}
	return msg
}

// maxListedFailures is how many failed inputs the last line of analyze
// names; with more, it counts them.
const maxListedFailures = 3

// failedList is what the last line of analyze says of the failed inputs:
// "; 2 failed: a, b", or with more than maxListedFailures, "; 9 failed
// (the error: lines on stderr)"; "" when none failed.
func failedList(failed []export.FailedInput) string {
	if len(failed) == 0 {
		return ""
	}
	if len(failed) > maxListedFailures {
		return fmt.Sprintf("; %d failed (the error: lines on stderr)", len(failed))
	}
	names := make([]string, len(failed))
	for i, f := range failed {
		names[i] = f.Source
	}
	return fmt.Sprintf("; %d failed: %s", len(failed), strings.Join(names, ", "))
}

// skippedCount is what the last line of analyze says of the inputs --add
// did not analyse, as their recording's bundle is in the dataset already
// (batch.Run.Skipped; each has its warning): "; 1 not analysed, as its
// bundle is there", or "".
func skippedCount(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "; 1 not analysed, as its bundle is there"
	}
	return fmt.Sprintf("; %d not analysed, as their bundles are there", n)
}

// canceledCount is what the last line of analyze says of the inputs an
// interrupt cut short or left unstarted: "; 2 canceled", or "".
func canceledCount(canceled []export.CanceledInput) string {
	if len(canceled) == 0 {
		return ""
	}
	return fmt.Sprintf("; %d canceled", len(canceled))
}

// definitionsLine says in the report which definitions of the session's
// sprints, accelerations, speed bands and DIST flags were not the
// defaults (the flags given), so that its counts are not read as the
// defaults'; "" when all were.
func definitionsLine(s *export.SessionSummary) string {
	d, def := recordedDefinitions(s), track.DefaultConfig().Definitions
	var parts []string
	if d.Sprint_mps != def.Sprint_mps || d.SprintMin_s != def.SprintMin_s {
		parts = append(parts, fmt.Sprintf("sprints at %g m/s or more held %g s or more", d.Sprint_mps, d.SprintMin_s))
	}
	if d.Accel_mps2 != def.Accel_mps2 || d.AccelMin_s != def.AccelMin_s {
		parts = append(parts, fmt.Sprintf("accels and decels at %g m/s² or more held %g s or more", d.Accel_mps2, d.AccelMin_s))
	}
	if x := formatFloats(d.SpeedBands_mps); x != formatFloats(def.SpeedBands_mps) {
		parts = append(parts, fmt.Sprintf("speed bands at %s m/s", x))
	}
	if d.DistRatioLo != def.DistRatioLo || d.DistRatioHi != def.DistRatioHi {
		parts = append(parts, fmt.Sprintf("DIST ratios flagged outside %s", formatFloats([]float64{d.DistRatioLo, d.DistRatioHi})))
	}
	if len(parts) == 0 {
		return ""
	}
	return "definitions (not the defaults; summary.json definitions): " + strings.Join(parts, "; ")
}

// settingsLine says in the report which settings of the session's samples
// table and heatmaps were not the defaults (--live-only, --fold, --cell),
// as definitionsLine does for the definitions, so that a live-time-only or
// folded map is not read as the whole session's; "" when all were the
// defaults or the entry does not record them.
func settingsLine(s *export.SessionSummary) string {
	st := s.Settings
	if st == nil {
		return ""
	}
	var parts []string
	if st.LiveOnly {
		parts = append(parts, "live time only: samples and heatmaps count only time with the clock live (--live-only)")
	}
	if st.Folded {
		parts = append(parts, "heatmaps folded: each team's offence right (--fold)")
	}
	if st.Cell_m != pipeline.DefaultCell_m {
		parts = append(parts, fmt.Sprintf("heatmap cells of %g m (--cell)", st.Cell_m))
	}
	if len(parts) == 0 {
		return ""
	}
	return "settings (not the defaults; summary.json settings): " + strings.Join(parts, "; ")
}

// columnDriftWarning is the warning of a run adding to a dataset some of
// whose sessions' tables have other columns than this run's (written by
// another stmotion version): readers that take a dataset's columns from
// one file miss the others' or fail on a query naming them. "" when the
// columns agree.
func columnDriftWarning(out string, drift []export.ColumnDrift) string {
	if len(drift) == 0 {
		return ""
	}
	var parts []string
	for _, d := range drift {
		var what []string
		if len(d.Missing) > 0 {
			what = append(what, "without "+strings.Join(d.Missing, ", "))
		}
		if len(d.Extra) > 0 {
			what = append(what, "with "+strings.Join(d.Extra, ", ")+" too")
		}
		parts = append(parts, fmt.Sprintf("%s %s (%s)", d.Table, strings.Join(what, "; "), plural(len(d.Sessions), "session")))
	}
	return fmt.Sprintf("--add: tables under %s have other columns than this run's, written by another stmotion version: %s; "+
		"DuckDB's read_parquet takes the columns of one file unless given union_by_name=true (docs/querying.md), "+
		"or analyse those sessions again", out, strings.Join(parts, "; "))
}

// plural is "1 what" or "n whats".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// templateMisfits is the setup error for the inputs whose own court.json
// the --court-template named does not fit (their batch.Input.Err, a
// court's failed template check), nil when there are none: the command
// line's mistake, said before any work, as for --court's.
func templateMisfits(template string, inputs []batch.Input) error {
	if template == "" {
		return nil
	}
	var misfit []string
	for _, in := range inputs {
		if errors.Is(in.Err, court.ErrTemplate) {
			misfit = append(misfit, in.Err.Error())
		}
	}
	if len(misfit) == 0 {
		return nil
	}
	return fmt.Errorf("analyze: --court-template %s does not fit the court of %s: %s; analyse them without it, or with a template their size fits",
		template, plural(len(misfit), "input"), strings.Join(misfit, "; "))
}

// unusedTemplateWarning says, once for the run, which sessions had no
// court for --court-template (template) to apply to: their positions
// stay in the sensor frame, with no markings (summary.json court.source
// "none"). Before, the flag was ignored for them without a word. "" when
// every session had a court, or no template was named.
func unusedTemplateWarning(template string, sessions []export.SessionSummary) string {
	if template == "" {
		return ""
	}
	var ids []string
	for i := range sessions {
		if c := sessions[i].Court; c != nil && c.Source == export.CourtFromNone {
			ids = append(ids, sessions[i].SessionID)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	who := "session " + ids[0]
	if len(ids) > 1 {
		who = fmt.Sprintf("%d sessions (%s)", len(ids), strings.Join(ids, ", "))
	}
	return fmt.Sprintf("--court-template %s is not used for %s: no court.json, so positions stay in the sensor frame, without markings "+
		"(summary.json court.source \"none\"); give the venue's court with --court", template, who)
}

// templateWarning says, once for the run, which sessions' courts had
// their template chosen by size among several that fit it (summary.json
// court.alternatives: an NBA-sized court is also a WNBA, NCAA and 94-ft
// high-school one, whose three-point lines, lanes and zones differ), and
// how to name the venue's: one warning per template and alternatives.
func templateWarnings(sessions []export.SessionSummary) []string {
	type choice struct{ template, alternatives string }
	groups := map[choice][]string{}
	var order []choice
	for i := range sessions {
		c := sessions[i].Court
		if c == nil || c.TemplateFrom != court.FromSize || len(c.Alternatives) == 0 {
			continue
		}
		k := choice{c.Template, strings.Join(c.Alternatives, ", ")}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], sessions[i].SessionID)
	}
	var ws []string
	for _, k := range order {
		ids := groups[k]
		who := "session " + ids[0]
		if n := len(ids); n > 1 {
			const named = 5
			list := strings.Join(ids[:min(n, named)], ", ")
			if n > named {
				list += fmt.Sprintf(" and %d more", n-named)
			}
			who = fmt.Sprintf("%d sessions (%s)", n, list)
		}
		t, _ := court.TemplateByName(k.template)
		ws = append(ws, fmt.Sprintf("%s: the court's size (%.2f × %.2f m) is also that of the %s courts, whose three-point lines, lanes and zones differ: "+
			"analysed with the %s markings, the first of that size (summary.json court.template_from \"size\", court.alternatives); name the venue's with --court-template",
			who, t.Length_m, t.Width_m, k.alternatives, k.template))
	}
	return ws
}

// courtLine says in the report which court session s ran on
// (summary.json court): its template and how it was chosen, its size,
// placement and fit, and where it came from; "" for an entry without
// one.
func courtLine(c *export.CourtSummary) string {
	if c == nil {
		return ""
	}
	if c.Source == export.CourtFromNone {
		return "court: none: positions in the sensor frame (summary.json limits: no_court)"
	}
	line := "court: " + c.TextNaming("--court-template")
	switch {
	case c.File != "":
		line += "; from " + decode.Printable(c.File)
	case c.Source == export.CourtFromAPI:
		line += "; from the API"
	}
	return line
}
