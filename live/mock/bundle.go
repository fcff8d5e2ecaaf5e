package mock

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"

	json "github.com/goccy/go-json"

	"github.com/stmotion/stmotion/decode"
)

// ErrBundle reports a bundle directory the mock cannot serve.
var ErrBundle = errors.New("mock: bad bundle")

// BundleError says which file of a bundle is wrong and why.
type BundleError struct {
	Path string // the file
	Line int    // 1-based line in messages.jsonl, 0 when not about a line
	Err  error
}

func (e *BundleError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("mock: bundle %s line %d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("mock: bundle %s: %v", e.Path, e.Err)
}

func (e *BundleError) Unwrap() []error { return []error{ErrBundle, e.Err} }

// lineKind is the top-level "type" of a feed line, which decides whether a
// token's data types let it through.
type lineKind uint8

const (
	lineOther    lineKind = iota // markers, unknown types, unparsable lines: always sent
	lineLocation                 // needs LOCATIONS
	lineStats                    // needs STATS
	lineShot                     // needs SHOTS
	lineControl                  // a recorded ack or pong: connection-level, never replayed
)

// line is one feed line: data[start:end] of the bundle.
type line struct {
	start, end int
	kind       lineKind
	marker     bool  // a "marker" line (sent first to a connection joining its round late)
	rel_ms     int64 // replay time: running max of occurred_at, minus the first occurred_at
	e0, e1     int32 // the line's edits: bundle.edits[e0:e1]
}

// editKind says what a later pass changes in a line (see Server.appendLine).
type editKind uint8

const (
	editTime    editKind = iota // an occurred_at number: + the pass's time shift
	editVersion                 // a stats version number: + the pass's version shift
	editLiveID                  // a PLAY_NEXT / DRILL_NEXT live_id string: the pass's id of the round it names
)

// edit is a span of a line (offsets from the line's start) that differs
// from pass to pass.
type edit struct {
	off, end int32
	kind     editKind
	round    int32 // editLiveID: the round named, -1 when the id is not a round of the feed (left as it is)
}

// round is the part of the feed served under one live id: the first
// round under live.json's id, each later one under the id of the
// PLAY_NEXT / DRILL_NEXT marker that ends the round before it.
type round struct {
	first int    // index of its first line
	id    string // its live id in the first pass
	// startedAt_ms is the live information's started_at: live.json's for
	// the first round, the first line's occurred_at for the others.
	startedAt_ms int64
	// start_ms is when the replay reaches it: its first line's replay
	// time (0 for the first round).
	start_ms int64
	// info is its own live information, from the bundle's rounds.json
	// (a practice's drill: its type, SCRIMMAGE or SHOOTING); nil: the
	// first round's (live.json), under its id (a game's second half).
	info *decode.LiveInfo
	// meta is the round's live metadata (the type the team history
	// endpoints go by): info's, or live.json's.
	meta decode.LiveMeta
}

// statEvent is a stats message, kept for /stats and /stats/details.
type statEvent struct {
	// idx is the line's index; for a message made of REST state
	// (backfill.Made), not replayed, the index of the first line
	// replayed after it (the last line's at the feed's end): the state
	// holds it from there.
	idx           int
	occurredAt_ms int64
	team, player  int64
	version       int64
	stats         map[string]float64
}

// shotEvent is a shot message, kept for /shots.
type shotEvent struct {
	idx          int // as statEvent's
	team, player int64
	rec          decode.ShotRecord
}

// bundle is a session bundle loaded into memory. It is immutable after load.
type bundle struct {
	dir       string
	info      decode.LiveInfo
	liveID    string
	madeUp    bool // no live.json: info was made up (madeUpLiveInfo)
	meta      decode.LiveMeta
	sub       decode.Subscribe // roster; Token cleared
	court     []byte           // nil when the bundle has no court.json
	baseStats *decode.LiveStats
	baseShots *decode.LiveShots
	data      []byte // every line, concatenated
	// lines are the replayable lines: not the recorded ack and pong
	// lines (connection-level), nor those stmotion live made of REST
	// state (backfill.Made: never received, they go to the REST state
	// only).
	lines  []line
	edits  []edit
	rounds []round // at least one
	// maxVersion is the largest stats version (feed and stats.json): a
	// pass adds pass·maxVersion to every version, so that each pass's
	// versions are newer than the last pass's.
	maxVersion int64
	stats      []statEvent
	shots      []shotEvent
	first_ms   int64 // first occurred_at of the feed
	last_ms    int64 // largest occurred_at of the feed
	span_ms    int64 // last_ms - first_ms
	unparsed   int   // lines that are not JSON objects (replayed as they are)
	// readNote is what the reading of the recording found that the
	// replay serves around, logged by New: a compressed stream cut short
	// (the lines before the break are served, as analyze analyses them),
	// or zero bytes after a complete one (ignored); "" otherwise.
	readNote  string
	players   map[int64]decode.Player
	teamNames map[int64]string
}

// wireLine is what loading needs from a feed line.
type wireLine struct {
	Type string `json:"type"`
	Data struct {
		OccurredAt_ms  int64              `json:"occurred_at"`
		TeamID         int64              `json:"team_id"`
		PlayerID       int64              `json:"player_id"`
		Stats          map[string]float64 `json:"stats"`
		Version        int64              `json:"version"`
		IsMake         bool               `json:"is_make"`
		Is3Point       bool               `json:"is_3point"`
		Zone           int                `json:"zone"`
		HoopPlayerX_mm int64              `json:"hoop_player_x"`
		HoopPlayerY_mm int64              `json:"hoop_player_y"`
		Status         string             `json:"status"`
		MarkerType     string             `json:"type"`
		LiveID         string             `json:"live_id"`
	} `json:"data"`
	// Source is set on a line stmotion live made of REST state
	// (backfill.Key).
	Source string `json:"stmotion_source"`
}

// loadBundle reads the bundle (or bare recording) at dir; court and sub,
// when not nil, stand in for a court.json or subscribe.json it lacks.
func loadBundle(dir string, court []byte, sub *decode.Subscribe) (*bundle, error) {
	ob, err := decode.OpenBundle(dir)
	if err != nil {
		return nil, &BundleError{Path: dir, Err: err}
	}
	ob.Supply("", court, "", sub)
	b := &bundle{dir: dir, players: map[int64]decode.Player{}, teamNames: map[int64]string{}, court: ob.Court,
		baseStats: ob.Stats, baseShots: ob.Shots}
	p := filepath.Join(dir, decode.BundleLive)
	if ob.Live != nil {
		b.info = *ob.Live
	} else {
		// A bundle recorded without live.json, or a bare recording:
		// served under live information made up from what there is.
		b.info, b.madeUp = madeUpLiveInfo(dir, ob.Subscribe), true
	}
	for _, t := range b.info.Teams {
		if b.liveID == "" && t.Live.ID != "" {
			b.liveID, b.meta = t.Live.ID, t.Live
		}
		b.teamNames[t.ID] = t.Name
	}
	if b.liveID == "" {
		return nil, &BundleError{Path: p, Err: errors.New("no team has a live id")}
	}
	if ob.Subscribe != nil {
		b.sub = *ob.Subscribe
	}
	b.sub.Token, b.sub.TokenDataTypes = "", nil
	for _, t := range b.sub.Teams {
		if b.teamNames[t.ID] == "" {
			b.teamNames[t.ID] = t.Name
		}
		for _, pl := range t.Players {
			b.players[pl.ID] = pl
		}
	}
	b.court = bytes.TrimSpace(b.court)
	if err := b.loadMessages(ob.MessagesPath); err != nil {
		return nil, err
	}
	if err := b.setRoundInfo(ob.Rounds, filepath.Join(dir, decode.BundleRounds)); err != nil {
		return nil, err
	}
	if b.madeUp {
		// The made-up session starts with the feed.
		b.meta.StartedAt_ms, b.rounds[0].startedAt_ms = b.first_ms, b.first_ms
		for i := range b.info.Teams {
			b.info.Teams[i].Live.StartedAt_ms = b.first_ms
		}
	}
	return b, nil
}

// setRoundInfo gives each round the live information rounds.json (at
// path) has for its live id, and its meta; a round it does not name
// serves live.json's. An entry naming no live id, or one that no
// PLAY_NEXT / DRILL_NEXT of the feed names, is an error: the mock would
// serve it for nothing.
func (b *bundle) setRoundInfo(infos []decode.LiveInfo, path string) error {
	for k := range b.rounds {
		b.rounds[k].meta = b.meta
	}
	for i := range infos {
		li := &infos[i]
		var meta *decode.LiveMeta
		for _, t := range li.Teams {
			if t.Live.ID != "" {
				meta = &t.Live
				break
			}
		}
		if meta == nil {
			return &BundleError{Path: path, Err: fmt.Errorf("entry %d: no team has a live id", i)}
		}
		k := slices.IndexFunc(b.rounds, func(r round) bool { return r.id == meta.ID })
		if k <= 0 {
			return &BundleError{Path: path, Err: fmt.Errorf("entry %d: live id %s is not one a PLAY_NEXT / DRILL_NEXT of the feed names", i, meta.ID)}
		}
		r := &b.rounds[k]
		r.info, r.meta = li, *meta
		if meta.StartedAt_ms != 0 {
			r.startedAt_ms = meta.StartedAt_ms
		}
	}
	return nil
}

// madeUpLiveInfo is the live information of a feed without live.json: a
// game session under a live id derived from the bundle's absolute path (so
// the same bundle gets the same id in every run), named after it, for
// subscribe.json's teams (or one team 0 without it). Its start is set
// once the feed is read.
func madeUpLiveInfo(path string, sub *decode.Subscribe) decode.LiveInfo {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	h := sha256.Sum256([]byte("stmotion mock live id\x00" + abs))
	u := [16]byte(h[:16])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	meta := decode.LiveMeta{ID: formatUUID(u), Type: "GAME_ROUND", Name: decode.RecordingBase(abs), IsGameEvent: true}
	var info decode.LiveInfo
	if sub != nil {
		for _, t := range sub.Teams {
			info.Teams = append(info.Teams, decode.LiveTeam{ID: t.ID, Name: t.Name, Live: meta})
		}
	}
	if len(info.Teams) == 0 {
		info.Teams = []decode.LiveTeam{{Live: meta}}
	}
	return info
}

// dropCutLine drops the last line kept when it is the part of a line the
// break of a compressed feed cut off (r ended in decode.ErrTruncated):
// the input's last line, without its line end, that is no JSON object. So
// the lines served are the complete ones before the break, as analyze
// counts them: a client is not sent half a message. (Cut just before its
// line end, the line is whole, and served.)
func (b *bundle) dropCutLine(r *decode.Reader, lastNo int64) {
	n := len(b.lines)
	if n == 0 || !r.Unended() || lastNo != r.LineNumber() || b.lines[n-1].kind != lineOther {
		return
	}
	ln := b.lines[n-1]
	var w wireLine
	if json.Unmarshal(b.data[ln.start:ln.end], &w) == nil {
		return
	}
	b.unparsed--
	b.lines = b.lines[:n-1]
	b.edits = b.edits[:ln.e0]
	b.data = b.data[:ln.start]
}

// Lines returns the lines of a feed as the mock replays them: split at
// '\n', without the line end ("\n" or "\r\n"), blank lines (spaces,
// tabs and CRs only, as a recording's reader skips) dropped. The slices
// alias data.
func Lines(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		var l []byte
		if i < 0 {
			l, data = data, nil
		} else {
			l, data = data[:i], data[i+1:]
		}
		l = bytes.TrimSuffix(l, []byte{'\r'})
		// Not bytes.TrimSpace, which also takes "\f" or U+00A0 for
		// blank: the mock replays such a line.
		if len(bytes.Trim(l, " \t\r")) == 0 {
			continue
		}
		out = append(out, l)
	}
	return out
}

func (b *bundle) loadMessages(path string) error {
	r, err := decode.OpenRecording(path, decode.ReaderOptions{})
	if err != nil {
		return &BundleError{Path: path, Err: err}
	}
	defer r.Close()
	var sched_ms int64
	type nextMarker struct {
		line int
		id   string
	}
	var nextIDs []nextMarker
	var lastNo int64 // the line number of the last line kept
	for r.NextLine() {
		start := len(b.data)
		b.data = append(b.data, r.Line()...)
		end := len(b.data)
		var w wireLine
		kind := lineOther
		if err := json.Unmarshal(b.data[start:end], &w); err != nil {
			// Replayed as it is, with nothing of it read: what a
			// parse that failed half-way filled in (a cut marker's
			// PLAY_NEXT and live_id, a time, a stmotion_source) is not
			// the line's.
			w = wireLine{}
			b.unparsed++
		} else {
			switch w.Type {
			case "location":
				kind = lineLocation
			case "stats":
				kind = lineStats
			case "shot":
				kind = lineShot
			case "ack", "pong":
				kind = lineControl
			}
		}
		if kind == lineControl {
			b.data = b.data[:start]
			continue
		}
		if w.Source != "" {
			// Made of REST state by stmotion live (its join's, or a gap's:
			// shots and stats the server had, that it missed while not
			// connected): the server's REST state holds it, but never
			// sent it on the websocket.
			b.data = b.data[:start]
			b.addEvent(kind, len(b.lines), &w)
			continue
		}
		if occ := w.Data.OccurredAt_ms; occ > 0 {
			if b.first_ms == 0 {
				b.first_ms = occ
			}
			if occ > sched_ms {
				sched_ms = occ
			}
		}
		idx := len(b.lines)
		ln := line{start: start, end: end, kind: kind, rel_ms: sched_ms, marker: w.Type == "marker"}
		ln.e0 = int32(len(b.edits))
		b.edits = appendEdits(b.edits, b.data[start:end], `"occurred_at"`, editTime, -1)
		if kind == lineStats && w.Data.Version != 0 {
			b.edits = appendEdits(b.edits, b.data[start:end], `"version"`, editVersion, w.Data.Version)
			b.maxVersion = max(b.maxVersion, w.Data.Version)
		}
		if ln.marker && (w.Data.MarkerType == "PLAY_NEXT" || w.Data.MarkerType == "DRILL_NEXT") && w.Data.LiveID != "" {
			nextIDs = append(nextIDs, nextMarker{line: idx, id: w.Data.LiveID})
			b.edits = appendEdits(b.edits, b.data[start:end], `"live_id"`, editLiveID, -1) // round set below
		}
		ln.e1 = int32(len(b.edits))
		slices.SortFunc(b.edits[ln.e0:], func(x, y edit) int { return cmp.Compare(x.off, y.off) })
		b.lines = append(b.lines, ln)
		lastNo = r.LineNumber()
		b.addEvent(kind, idx, &w)
	}
	switch err := r.Err(); {
	case errors.Is(err, decode.ErrTruncated):
		b.dropCutLine(r, lastNo)
		b.readNote = fmt.Sprintf("%v; the lines before the break are served", err)
	case err != nil:
		return &BundleError{Path: path, Err: err}
	case r.ZeroTailNote() != "":
		b.readNote = path + ": " + r.ZeroTailNote()
	}
	if len(b.lines) == 0 {
		return &BundleError{Path: path, Err: errors.New("the feed has no messages to replay")}
	}
	// REST-made messages after the last line replayed: the state holds
	// them once it is.
	for i := len(b.stats) - 1; i >= 0 && b.stats[i].idx == len(b.lines); i-- {
		b.stats[i].idx--
	}
	for i := len(b.shots) - 1; i >= 0 && b.shots[i].idx == len(b.lines); i-- {
		b.shots[i].idx--
	}
	// Lines before the first timestamp replay at time 0.
	for i := range b.lines {
		if b.lines[i].rel_ms == 0 {
			b.lines[i].rel_ms = b.first_ms
		}
		b.lines[i].rel_ms -= b.first_ms
	}
	b.last_ms = sched_ms
	b.span_ms = sched_ms - b.first_ms
	if b.baseStats != nil {
		for _, t := range b.baseStats.Teams {
			for _, p := range t.PlayerStats {
				b.maxVersion = max(b.maxVersion, p.Version)
			}
		}
	}
	// Rounds: a PLAY_NEXT / DRILL_NEXT marker starts a round under the
	// live id it names (the second half of a game, the next drill), as
	// the API serves it; the marker ends the round before. One that ends
	// the feed (a bundle `stmotion live` recorded ends so) starts a round
	// with no lines, started at the marker: a client that follows it is
	// told where the feed goes on, not 404. A marker naming a known round
	// only announces it again.
	b.rounds = []round{{first: 0, id: b.liveID, startedAt_ms: b.meta.StartedAt_ms}}
	for _, nm := range nextIDs {
		if slices.ContainsFunc(b.rounds, func(r round) bool { return r.id == nm.id }) {
			continue
		}
		k := int32(len(b.rounds))
		first := nm.line + 1
		at := b.lines[min(first, len(b.lines)-1)].rel_ms
		b.rounds = append(b.rounds, round{first: first, id: nm.id, startedAt_ms: b.first_ms + at, start_ms: at})
		ln := b.lines[nm.line]
		for j := ln.e0; j < ln.e1; j++ {
			if b.edits[j].kind == editLiveID {
				b.edits[j].round = k
			}
		}
	}
	return nil
}

// addEvent keeps a stats or shot line w for the REST state, as of line
// idx.
func (b *bundle) addEvent(kind lineKind, idx int, w *wireLine) {
	switch kind {
	case lineStats:
		b.stats = append(b.stats, statEvent{idx: idx, occurredAt_ms: w.Data.OccurredAt_ms, team: w.Data.TeamID,
			player: w.Data.PlayerID, version: w.Data.Version, stats: w.Data.Stats})
		b.maxVersion = max(b.maxVersion, w.Data.Version)
	case lineShot:
		b.shots = append(b.shots, shotEvent{idx: idx, team: w.Data.TeamID, player: w.Data.PlayerID, rec: decode.ShotRecord{
			OccurredAt_ms: w.Data.OccurredAt_ms, IsMake: w.Data.IsMake, Is3Point: w.Data.Is3Point, Zone: w.Data.Zone,
			HoopPlayerX_mm: w.Data.HoopPlayerX_mm, HoopPlayerY_mm: w.Data.HoopPlayerY_mm, Status: w.Data.Status,
		}})
	}
}

// roundOf returns the round line i belongs to.
func (b *bundle) roundOf(i int) int {
	return sort.Search(len(b.rounds), func(k int) bool { return b.rounds[k].first > i }) - 1
}

// appendEdits appends an edit for each value of key in the JSON object
// line: a number (editTime; editVersion only when it equals want) or a
// string's contents (editLiveID). A key inside a string value cannot
// match: its quotes are escaped there; nor can one inside a longer key
// (`"x\"occurred_at"`), whose first quote is escaped.
func appendEdits(edits []edit, l []byte, key string, kind editKind, want int64) []edit {
	from := 0
	for {
		i := bytes.Index(l[from:], []byte(key))
		if i < 0 {
			return edits
		}
		i += from
		j := i + len(key)
		from = j
		if escaped(l, i) {
			continue
		}
		for j < len(l) && isSpace(l[j]) {
			j++
		}
		if j >= len(l) || l[j] != ':' {
			continue
		}
		j++
		for j < len(l) && isSpace(l[j]) {
			j++
		}
		start := j
		if kind == editLiveID {
			if j >= len(l) || l[j] != '"' {
				continue
			}
			start = j + 1
			end := start
			for end < len(l) && l[end] != '"' {
				if l[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(l) {
				continue
			}
			edits = append(edits, edit{off: int32(start), end: int32(end), kind: kind, round: -1})
			continue
		}
		for j < len(l) && l[j] >= '0' && l[j] <= '9' {
			j++
		}
		if j == start || j-start > 18 || (j < len(l) && (l[j] == '.' || l[j] == 'e' || l[j] == 'E')) {
			continue // not an integer (that int64 holds)
		}
		if kind == editTime && string(l[start:j]) == "0" {
			continue // no time: stays none
		}
		if kind == editVersion {
			if v, err := strconv.ParseInt(string(l[start:j]), 10, 64); err != nil || v != want {
				continue
			}
		}
		edits = append(edits, edit{off: int32(start), end: int32(j), kind: kind})
	}
}

// escaped reports whether l[i] follows an odd number of backslashes.
func escaped(l []byte, i int) bool {
	n := 0
	for i > 0 && l[i-1] == '\\' {
		n, i = n+1, i-1
	}
	return n%2 == 1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// line returns the bytes of line i (aliasing the bundle; never modify).
func (b *bundle) line(i int) []byte { return b.data[b.lines[i].start:b.lines[i].end] }

// countAt returns how many lines have a replay time ≤ off_ms.
func (b *bundle) countAt(off_ms int64) int {
	return sort.Search(len(b.lines), func(i int) bool { return b.lines[i].rel_ms > off_ms })
}

// firstAt returns the index of the first line with a replay time ≥ off_ms.
func (b *bundle) firstAt(off_ms int64) int {
	return sort.Search(len(b.lines), func(i int) bool { return b.lines[i].rel_ms >= off_ms })
}
