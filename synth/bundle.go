package synth

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/geom"
)

// Bundle file names.
const (
	FileLive      = "live.json"
	FileSubscribe = "subscribe.json"
	FileCourt     = "court.json"
	FileStats     = "stats.json"
	FileShots     = "shots.json"
	FileMessages  = "messages.jsonl" // + ".gz" or ".zst" when compressed
	FileTruth     = "truth.json"
	// FileRounds is a practice's: the live information of each later drill
	// (decode.BundleRounds).
	FileRounds = "rounds.json"
)

// MessagesFile is the name of the recording for a compression setting.
func MessagesFile(compress string) string {
	if compress == "" {
		return FileMessages
	}
	return FileMessages + "." + compress
}

// Write simulates cfg and writes a session bundle into dir (created if
// needed): live.json, subscribe.json (token "REDACTED"), court.json,
// stats.json and shots.json as a client joining at the start would get
// them, the recording messages.jsonl (.gz/.zst with cfg.Compress),
// truth.json and, for a practice, rounds.json (the live information of
// each later drill: its type). A bundle already in dir is replaced as a whole: the files are
// written under hidden temporary names and renamed into place only once
// all are complete, and a recording of another compression
// (messages.jsonl[.gz|.zst]) is removed, since a bundle holds one. On an
// error or a cancelled ctx the temporary files are removed and dir is left
// as it was (a directory Write made for it, dir or a parent, is removed). progress, when not nil, is called now and then with the
// simulated and total seconds. The returned Truth is the one written to
// truth.json.
func Write(ctx context.Context, cfg Config, dir string, progress func(done, total float64)) (tr *Truth, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	made, err := mkdirAll(dir)
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	// tmp holds the files written so far under their temporary names, in
	// the order they are renamed; all are removed unless everything works,
	// and so are the directories made for them: an interrupted run had
	// left an empty dir that analyze then read as a bundle with nothing
	// in it.
	type tmpFile struct{ tmp, name string }
	var tmp []tmpFile
	defer func() {
		if err != nil {
			for _, t := range tmp {
				os.Remove(t.tmp)
			}
			for i := len(made) - 1; i >= 0; i-- {
				os.Remove(made[i]) // only if empty: nothing of another's is removed
			}
		}
	}()
	create := func(name string) (*os.File, error) {
		f, err := os.CreateTemp(dir, "."+name+".*.tmp")
		if err != nil {
			return nil, fmt.Errorf("synth: %w", err)
		}
		tmp = append(tmp, tmpFile{f.Name(), name})
		if err := f.Chmod(0o644); err != nil {
			f.Close()
			return nil, fmt.Errorf("synth: %w", err)
		}
		return f, nil
	}

	name := MessagesFile(cfg.Compress)
	f, err := create(name)
	if err != nil {
		return nil, err
	}
	var w io.Writer = f
	var closer io.Closer
	switch cfg.Compress {
	case "gz":
		zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
		w, closer = zw, zw
	case "zst":
		zw, err := zstd.NewWriter(f, zstd.WithEncoderLevel(zstd.SpeedFastest))
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("synth: %w", err)
		}
		w, closer = zw, zw
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	g, err := run(ctx, cfg, bw, progress, nil)
	if err == nil {
		err = bw.Flush()
	}
	if closer != nil {
		if e := closer.Close(); err == nil {
			err = e
		}
	}
	if e := f.Close(); err == nil {
		err = e
	}
	if err != nil {
		return nil, fmt.Errorf("synth: write %s: %w", filepath.Join(dir, name), err)
	}
	docs := map[string]any{
		FileLive:      g.liveInfo(),
		FileSubscribe: g.subscribe(),
		FileCourt:     court.BodyFor(g.tpl, g.sensorFromCourt()),
		FileStats:     g.joinStats(),
		FileShots:     g.joinShots(),
		FileTruth:     g.tr,
	}
	if rounds := g.roundInfos(); len(rounds) > 0 {
		docs[FileRounds] = rounds
	}
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := json.MarshalIndent(docs[n], "", "  ")
		if err != nil {
			return nil, fmt.Errorf("synth: encode %s: %w", n, err)
		}
		f, err := create(n)
		if err != nil {
			return nil, err
		}
		_, err = f.Write(append(b, '\n'))
		if e := f.Close(); err == nil {
			err = e
		}
		if err != nil {
			return nil, fmt.Errorf("synth: write %s: %w", filepath.Join(dir, n), err)
		}
	}
	for _, c := range []string{"", "gz", "zst"} {
		if c == cfg.Compress {
			continue
		}
		if err := os.Remove(filepath.Join(dir, MessagesFile(c))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("synth: remove the earlier recording: %w", err)
		}
	}
	if _, ok := docs[FileRounds]; !ok {
		// An earlier practice's: not this bundle's.
		if err := os.Remove(filepath.Join(dir, FileRounds)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("synth: remove the earlier %s: %w", FileRounds, err)
		}
	}
	for i, t := range tmp {
		if err := os.Rename(t.tmp, filepath.Join(dir, t.name)); err != nil {
			tmp = tmp[i:] // the ones renamed are in place: keep them
			return nil, fmt.Errorf("synth: %w", err)
		}
	}
	return g.tr, nil
}

// mkdirAll is os.MkdirAll(dir, 0o755), returning the directories it
// made, outermost first.
func mkdirAll(dir string) (made []string, err error) {
	for d := filepath.Clean(dir); ; {
		if _, err := os.Lstat(d); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		made = append(made, d)
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	slices.Reverse(made)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return made, nil
}

// WriteMessages simulates cfg and writes only the recording (uncompressed
// JSONL, whatever cfg.Compress says) to w, returning the truth. It is what
// a mock server or a demo uses to stream a session without files.
func WriteMessages(ctx context.Context, cfg Config, w io.Writer, progress func(done, total float64)) (*Truth, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	g, err := run(ctx, cfg, bw, progress, nil)
	if err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	return g.tr, nil
}

// run simulates the whole session, writing lines to w. observe, when not
// nil, sees the game at every step after the players chose their
// accelerations (tests use it to check the noise-free motion).
func run(ctx context.Context, cfg Config, w io.Writer, progress func(done, total float64), observe func(*game)) (*game, error) {
	g, err := newGame(cfg)
	if err != nil {
		return nil, err
	}
	f := newFeed(cfg, g, w)
	n := int(math.Round(g.dur / step_s))
	g.start()
	if progress != nil {
		progress(0, g.dur)
	}
	for j := 0; ; j++ {
		g.t = float64(j) * step_s
		if j == n {
			g.finish()
			f.store(j)
			break
		}
		g.direct()
		f.store(j)
		if observe != nil {
			observe(g)
		}
		f.ticks(false)
		g.integrate(step_s)
		if j%3000 == 2999 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("synth: %w", err)
			}
			if f.err != nil {
				return nil, f.err
			}
			if progress != nil {
				progress(g.t, g.dur)
			}
		}
	}
	f.finish()
	if f.err != nil {
		return nil, f.err
	}
	g.buildTruth(f)
	if progress != nil {
		progress(g.dur, g.dur)
	}
	return g, nil
}

func (g *game) sensorFromCourt() geom.Similarity2 {
	return geom.NewSimilarity2(1000, g.cfg.Rotation_deg*math.Pi/180, geom.Vec2{X: g.cfg.TX_mm, Y: g.cfg.TY_mm})
}

func (g *game) buildTruth(f *feed) {
	tr := g.tr
	tr.Format = TruthFormat
	tr.Definitions = definitions()
	tr.Config = g.cfg
	tr.LiveID = g.liveID
	tr.Court = g.tpl.Name
	tr.CourtLength_m, tr.CourtWidth_m = g.tpl.Length_m, g.tpl.Width_m
	tr.Start_ms, tr.End_ms = g.start_ms, g.ms(g.dur)
	tr.Duration_s = g.dur
	tr.BallID = BallID
	tr.SensorFromCourt = Transform{
		Rotation_deg: g.cfg.Rotation_deg, TX_mm: g.cfg.TX_mm, TY_mm: g.cfg.TY_mm, Scale_mm_per_m: 1000,
		Formula: "x_mm = 1000·(cos r·x_m − sin r·y_m) + tx_mm; y_mm = 1000·(sin r·x_m + cos r·y_m) + ty_mm; z_mm = 1000·z_m",
	}
	inv := g.sensorFromCourt().Inverse()
	tr.CourtFromSensor = InverseTransform{
		Rotation_deg: -g.cfg.Rotation_deg, TX_m: round6(inv.T.X), TY_m: round6(inv.T.Y), Scale_m_per_mm: 0.001,
		Formula: "x_m = 0.001·(cos r·x_mm − sin r·y_mm) + tx_m; y_m = 0.001·(sin r·x_mm + cos r·y_mm) + ty_m (r = rotation_deg)",
	}
	n := len(g.ag) / 2
	names := decode.StatNames()
	for i := range g.ag {
		a := &g.ag[i]
		box := map[string]float64{}
		for s, v := range a.box {
			if v != 0 {
				box[names[s]] = v
			}
		}
		tr.Players = append(tr.Players, PlayerTruth{
			ID: a.id, TeamID: g.teamID[a.side], Side: a.side, Name: a.first + " " + a.last, Jersey: a.jersey,
			Starter: i%n < 5, Distance_m: round6(a.dist_m), DistanceLive_m: round6(a.distLive_m),
			TopSpeed_mps: round6(a.top_mps), TimeOnCourt_s: round3(a.onCourt_s), TimeInsideCourt_s: round3(a.inside_s),
			Possession_s: round3(a.hold_s), PossessionLive_s: round3(a.holdLive_s), Touches: a.touches, Sprints: a.sprints,
			DIST_cm: int64(math.Round(a.dist_m * 100)), Box: box,
		})
	}
	for i := range tr.Teams {
		tr.Teams[i].Possession_s = round3(tr.Teams[i].Possession_s)
	}
	tr.Feed = f.n
	// Empty lists are written as [] rather than null.
	if tr.Passes == nil {
		tr.Passes = []Pass{}
	}
	if tr.Shots == nil {
		tr.Shots = []ShotTruth{}
	}
	if tr.FreeThrows == nil {
		tr.FreeThrows = []FreeThrow{}
	}
	if tr.Turnovers == nil {
		tr.Turnovers = []Turnover{}
	}
	if tr.Substitutions == nil {
		tr.Substitutions = []Substitution{}
	}
	if tr.Corrections == nil {
		tr.Corrections = []Correction{}
	}
	if tr.Holds == nil {
		tr.Holds = []Hold{}
	}
	if tr.TeamPossessions == nil {
		tr.TeamPossessions = []TeamPossession{}
	}
}

// rosterTeams is the roster as /_subscribe lists it: two teams, or in a
// practice one team with everybody.
func (g *game) rosterTeams() []decode.RosterTeam {
	var out []decode.RosterTeam
	for side := 0; side < 2; side++ {
		if g.cfg.Practice && side == 1 {
			break
		}
		t := decode.RosterTeam{ID: g.teamID[side], Name: sideNames[side]}
		for i := range g.ag {
			if g.ag[i].side == side || g.cfg.Practice {
				t.Players = append(t.Players, g.ag[i].player())
			}
		}
		out = append(out, t)
	}
	return out
}

// liveInfo is live.json: the live information of the session's first
// live id (a practice's first drill).
func (g *game) liveInfo() decode.LiveInfo { return g.roundInfo(0, g.liveID, g.start_ms) }

// roundInfo is the live information of live id id, started at start_ms:
// the game's (both halves are GAME_ROUNDs), or a practice's drill k
// (0-based), whose type says what it is: SCRIMMAGE, or SHOOTING for a
// shooting drill, as the API describes a shooting drill's live id.
func (g *game) roundInfo(k int, id string, start_ms int64) decode.LiveInfo {
	typ, name, event := "GAME_ROUND", sideNames[0]+" vs "+sideNames[1], ""
	if g.cfg.Practice {
		typ, name, event = "SCRIMMAGE", fmt.Sprintf("Scrimmage (drill %d)", k+1), "Practice"
		if shootingDrill(k) {
			typ, name = "SHOOTING", fmt.Sprintf("Shooting drill (drill %d)", k+1)
		}
	}
	if event == "" {
		event = name
	}
	// The event id comes from its own stream so that the game stays as it is.
	seed := uint64(g.cfg.Seed)
	eventID := uuidFrom(rand.New(rand.NewPCG(seed, seed^0xe7e47)))
	var li decode.LiveInfo
	for _, t := range g.rosterTeams() {
		li.Teams = append(li.Teams, decode.LiveTeam{ID: t.ID, Name: t.Name, Live: decode.LiveMeta{
			StartedAt_ms: start_ms, ID: id, Type: typ, Name: name,
			FacilityName: "stmotion Arena", CourtName: "Main Court (" + g.tpl.Title + ")",
			LocationID:      "/114118d4-2e50-11e6-b4a4-deecc6e6f111/9e4118d4-2e50-11e6-b4a4-deecc6e6f112",
			IsPracticeEvent: g.cfg.Practice, IsGameEvent: !g.cfg.Practice,
			Event: &decode.LiveEvent{StartedAt_ms: g.start_ms, ID: eventID, Name: event},
		}})
	}
	return li
}

// roundInfos is a practice's rounds.json: the live information of each
// drill after the first, under the live id its DRILL_NEXT names, started
// at that marker (a game's second half is a GAME_ROUND like the first:
// its live information is live.json's under its own id, and the bundle
// has no rounds.json).
func (g *game) roundInfos() []decode.LiveInfo {
	if !g.cfg.Practice {
		return nil
	}
	var out []decode.LiveInfo
	for _, m := range g.tr.Markers {
		if m.Type == decode.MarkerDrillNext.String() && m.LiveID != "" {
			out = append(out, g.roundInfo(len(out)+1, m.LiveID, m.At_ms))
		}
	}
	return out
}

func (g *game) apiURL(rest string) string {
	return "https://api.shottracker.com/v1/data/live/" + g.liveID + rest
}

func (g *game) subscribe() decode.Subscribe {
	return decode.Subscribe{
		Token: "REDACTED", TokenDataTypes: []string{"STATS", "SHOTS", "LOCATIONS"}, ActiveState: "LIVE",
		Teams: g.rosterTeams(), StatsURL: g.apiURL("/stats"), StatsDetailsURL: g.apiURL("/stats/details"),
		ShotsURL: g.apiURL("/shots"),
	}
}

func details(p decode.Player) decode.PlayerDetails {
	return decode.PlayerDetails{ID: p.ID, FirstName: p.FirstName, LastName: p.LastName}
}

// joinStats is /stats for a client joining at the start: nothing yet.
func (g *game) joinStats() decode.LiveStats {
	var ls decode.LiveStats
	for _, t := range g.rosterTeams() {
		ts := decode.TeamPlayerStats{ID: t.ID, PlayerStats: []decode.PlayerStats{}}
		for _, p := range t.Players {
			ts.PlayerStats = append(ts.PlayerStats, decode.PlayerStats{ID: p.ID, PlayerDetails: details(p), Stats: map[string]float64{}})
		}
		ls.Teams = append(ls.Teams, ts)
	}
	return ls
}

// joinShots is /shots for a client joining at the start: nothing yet.
func (g *game) joinShots() decode.LiveShots {
	var ls decode.LiveShots
	for _, t := range g.rosterTeams() {
		ts := decode.TeamPlayerShots{ID: t.ID, PlayerShots: []decode.PlayerShots{}}
		for _, p := range t.Players {
			ts.PlayerShots = append(ts.PlayerShots, decode.PlayerShots{ID: p.ID, PlayerDetails: details(p), Shots: []decode.ShotRecord{}})
		}
		ls.Teams = append(ls.Teams, ts)
	}
	return ls
}
