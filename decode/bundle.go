package decode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// A session bundle is a directory holding what a client learned from the
// ShotTracker API plus the raw feed (see ARCHITECTURE.md):
//
//	live.json         GET /v1/data/live/{live_id}
//	subscribe.json    GET /v1/data/live/{live_id}/_subscribe (token redacted)
//	court.json        GET /v1/data/live/{live_id}/court (stmotion live: the court
//	                  the session used, its --court when the API's was not usable;
//	                  with "template", the court's markings, when its
//	                  --court-template names them: package court, Body.Template)
//	court_api.json    stmotion live: the API's /court body, when it was not
//	                  usable and --court replaced it (not read by OpenBundle)
//	stats.json        /stats at join time (optional)
//	stats_details.json
//	                  /stats/details at join time (optional; stmotion live
//	                  records it): when each stat of stats.json changed
//	shots.json        /shots at join time (optional)
//	messages.jsonl    every websocket message, one per line (or .jsonl.gz, .jsonl.zst)
//	truth.json        simulator bundles only: the noise-free ground truth
//	periods.json      stmotion live, a live id it followed from a PLAY_NEXT /
//	                  DRILL_NEXT: where the event's period count and clock
//	                  stood (Continuation)
//	rounds.json       GET /v1/data/live/{live_id} of each later live id the feed's
//	                  PLAY_NEXT / DRILL_NEXT markers name, as a JSON array
//	                  (optional; a simulated practice: each drill's type)
//
// stats.json and shots.json hold the event's state before the feed
// starts: `stmotion analyze` feeds them before the feed's first data
// message (package backfill), unless the recording already holds them
// (the lines `stmotion live` made of them, marked "stmotion_source").
//
// A bare recording file is accepted wherever a bundle is; Bundle.Supply
// gives it (or a bundle that lacks them) a court and a roster read from
// files of any name (ReadCourt, ReadRoster), and Bundle.ReplaceCourt gives
// it a court in place of its own.

// Bundle file names.
const (
	BundleLive      = "live.json"
	BundleSubscribe = "subscribe.json"
	BundleCourt     = "court.json"
	BundleStats     = "stats.json"
	BundleShots     = "shots.json"
	BundleMessages  = "messages.jsonl" // also with .gz or .zst appended
	BundleTruth     = "truth.json"
	BundlePeriods   = "periods.json"
	BundleRounds    = "rounds.json"
	// BundleStatsDetails is /stats/details at join time, which says when
	// each stat of stats.json changed; not read by OpenBundle (see
	// ReadStatsDetails).
	BundleStatsDetails = "stats_details.json"
	// BundleCourtAPI is the API's /court body that stmotion live did
	// not use, as it failed validation and a court given (live --court)
	// replaced it: kept for the record, not read by OpenBundle.
	BundleCourtAPI = "court_api.json"
)

// maxBundleJSON_bytes bounds the REST bodies read into memory; real ones are
// a few KiB.
const maxBundleJSON_bytes = 64 << 20

// Stdin is the path that names standard input: OpenBundle takes it as a
// bare recording, OpenRecording reads it (plain, gzip or zstd, told apart
// by the first bytes as for files) and does not close it, and FindBundles
// passes it through.
const Stdin = "-"

// ErrNotBundle means a path is neither a bundle directory (one holding a
// messages.jsonl[.gz|.zst]) nor a recording file.
var ErrNotBundle = errors.New("not a session bundle or recording")

// Bundle is an opened session bundle. The REST bodies that were present are
// parsed; absent ones are nil. Nothing of the feed is read yet: open
// MessagesPath with OpenRecording (or Bundle.OpenMessages).
type Bundle struct {
	Path string // what was opened: the directory, or the bare recording file
	Dir  string // the bundle directory; "" for a bare recording

	Live      *LiveInfo  // live.json
	Subscribe *Subscribe // subscribe.json
	Stats     *LiveStats // stats.json
	Shots     *LiveShots // shots.json
	// Court is court.json verbatim (package court parses and validates it);
	// nil when absent, in which case analysis stays in the sensor frame.
	Court []byte

	// CourtPath and SubscribePath name the files Court and Subscribe were
	// read from: the bundle's own, or those given to Supply or
	// ReplaceCourt; "" when absent.
	CourtPath, SubscribePath string
	// CourtGiven: Court was given for the input (Supply, ReplaceCourt:
	// analyze's --court), not the bundle's own court.json. One that
	// cannot be used is the giver's error, while the bundle's own is a
	// fact of the recording (package pipeline then analyses it in the
	// sensor frame, as stmotion live ran it).
	CourtGiven bool
	// ReplacedCourt and ReplacedCourtPath are the bundle's own court.json
	// when ReplaceCourt put another in its place (to say so); nil and ""
	// otherwise.
	ReplacedCourt     []byte
	ReplacedCourtPath string

	MessagesPath string // the recording: messages.jsonl[.gz|.zst] or the bare file
	// Stream, when set, is read for the recording instead of the file at
	// MessagesPath, which still names it (OpenMessages): a caller reading
	// standard input or a pipe sets it to a reader it can interrupt.
	// Closing the Reader of OpenMessages closes it if it is an io.Closer.
	Stream    io.Reader
	TruthPath string // truth.json, "" when absent (only simulator bundles have it)
	// Rounds is rounds.json: the live information of the later live ids
	// of a feed that holds several (the drills of a whole practice), in
	// the order their PLAY_NEXT / DRILL_NEXT markers name them; nil
	// without the file (each such live id is then taken for one like
	// live.json's: a game's second half is).
	Rounds []LiveInfo
	// Periods is periods.json: nil unless `stmotion live` followed the
	// session's live id from the previous one's PLAY_NEXT / DRILL_NEXT.
	Periods *Continuation
	// Warnings say what OpenBundle read that is odd, each naming its
	// file: a live.json, subscribe.json or rounds.json that is not UTF-8
	// text (saved as Windows-1252), whose names read garbled.
	Warnings []string
}

// Continuation is periods.json, stmotion's own file in the bundle of a
// live id that `stmotion live` followed from the previous live id's
// PLAY_NEXT / DRILL_NEXT (the next drill of a practice, a game's second
// half): where the event's period count and game clock stood when the
// live id began, so that `stmotion analyze` of the bundle numbers its
// periods on from there and starts in that clock state, as live did, and
// as a recording of the whole event has them (drill k is period k, not 1;
// its samples before its first LIVE are paused, as the previous
// DRILL_END left the clock). The API's own bodies do not say it.
type Continuation struct {
	// PreviousLiveID is the live id whose PLAY_NEXT / DRILL_NEXT named
	// this one.
	PreviousLiveID string `json:"previous_live_id"`
	// Period is the last period the event had opened (0 to
	// MaxContinuationPeriod): this live id's first start marker opens
	// Period+1, a START_SECOND_HALF at least 2.
	Period int32 `json:"period"`
	// PeriodOpen: that period was still open, opened by the PLAY_NEXT /
	// DRILL_NEXT inside it (a quarter or drill change without end
	// marker); this live id's feed is in it until its next start marker
	// after the first (a start marker right after the *_NEXT opens none).
	PeriodOpen bool `json:"period_open"`
	// Clock is the game clock's state when the live id began, as the
	// previous one's markers left it: "live", "paused" or "foul" (a drill
	// followed after its DRILL_END: "paused"), so that the samples before
	// this live id's first state marker have the clock a recording of the
	// whole event gives them; "" (left out, and in the periods.json of an
	// stmotion before it recorded it) or "unknown": no state marker yet,
	// as in a live id joined straight.
	Clock string `json:"clock,omitempty"`
}

// The values of Continuation.Clock (and of the samples table's clock
// column): the states the LIVE, PAUSED and FOUL markers set.
const (
	ClockUnknown = "unknown"
	ClockLive    = "live"
	ClockPaused  = "paused"
	ClockFoul    = "foul"
)

// MaxContinuationPeriod bounds Continuation.Period (the engine's
// track.MaxPeriods).
const MaxContinuationPeriod = 1024

// ReadContinuation reads a bundle directory's periods.json; nil, nil when
// it has none. A count out of range is an error naming the file.
func ReadContinuation(dir string) (*Continuation, error) {
	c, err := readBundleJSON[Continuation](dir, BundlePeriods)
	if c == nil || err != nil {
		return nil, err
	}
	if c.Period < 0 || c.Period > MaxContinuationPeriod || (c.PeriodOpen && c.Period == 0) {
		return nil, fmt.Errorf("%s: decode: period %d (open %v): want 0 to %d, open only when not 0",
			filepath.Join(dir, BundlePeriods), c.Period, c.PeriodOpen, MaxContinuationPeriod)
	}
	switch c.Clock {
	case "", ClockUnknown, ClockLive, ClockPaused, ClockFoul:
	default:
		return nil, fmt.Errorf("%s: decode: clock %q: want %s, %s, %s or %s (or none)",
			filepath.Join(dir, BundlePeriods), c.Clock, ClockLive, ClockPaused, ClockFoul, ClockUnknown)
	}
	return c, nil
}

// ReadStatsDetails reads a bundle directory's stats_details.json; nil,
// nil when it has none. OpenBundle does not read it: only the analysis
// of a bundle whose stats.json it feeds needs it, and it is no reason to
// refuse the bundle (the caller warns, and takes stats.json as it is).
func ReadStatsDetails(dir string) (*LiveStatsDetails, error) {
	return readBundleJSON[LiveStatsDetails](dir, BundleStatsDetails)
}

// OpenBundle opens a bundle directory or a bare recording file. It parses
// live.json, subscribe.json, stats.json, shots.json, rounds.json and
// periods.json when present, keeps
// court.json as bytes, and locates the messages and truth files. An error
// names the file that was wrong and, for a JSON file, where in it: the
// byte offset (with line and column) and, for a value that is not what
// its field wants, the value's key path ("teams.0.players.1.id"). A
// syntax error wraps ErrSyntax; a directory without a messages file wraps
// ErrNotBundle. With an error, the Bundle returned holds what was read
// before it (Path, Dir, and Live once live.json was read: it is read
// first), so that a caller can still name the session whose input failed;
// it is nil when path itself cannot be read.
func OpenBundle(path string) (*Bundle, error) {
	if path == Stdin {
		return &Bundle{Path: path, MessagesPath: path}, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: decode: open bundle: %w", path, unwrapPath(err))
	}
	if !fi.IsDir() {
		return &Bundle{Path: path, MessagesPath: path}, nil
	}
	b := &Bundle{Path: path, Dir: path}
	var warning string
	note := func() {
		if warning != "" {
			b.Warnings = append(b.Warnings, warning)
		}
	}
	if b.Live, warning, err = readBundleText[LiveInfo](path, BundleLive); err != nil {
		return b, err
	}
	note()
	if b.MessagesPath, err = findMessages(path); err != nil {
		if errors.Is(err, ErrNotBundle) && b.Live != nil {
			return b, fmt.Errorf("%s: decode: an incomplete session bundle: %s but no %s, %s.gz or %s.zst", path, BundleLive, BundleMessages, BundleMessages, BundleMessages)
		}
		return b, err
	}
	if b.Subscribe, warning, err = readBundleText[Subscribe](path, BundleSubscribe); err != nil {
		return b, err
	}
	note()
	if b.Subscribe != nil {
		b.SubscribePath = filepath.Join(path, BundleSubscribe)
	}
	if b.Stats, err = readBundleJSON[LiveStats](path, BundleStats); err != nil {
		return b, err
	}
	if b.Shots, err = readBundleJSON[LiveShots](path, BundleShots); err != nil {
		return b, err
	}
	if b.Court, err = readBundleFile(path, BundleCourt); err != nil {
		return b, err
	}
	if b.Court != nil {
		b.CourtPath = filepath.Join(path, BundleCourt)
		if err := checkSyntax(b.Court); err != nil {
			return b, fmt.Errorf("%s: decode: not valid JSON: %w", b.CourtPath, err)
		}
	}
	if r, warning, err := readBundleText[[]LiveInfo](path, BundleRounds); err != nil {
		return b, err
	} else if r != nil {
		b.Rounds = *r
		if warning != "" {
			b.Warnings = append(b.Warnings, warning)
		}
	}
	if b.Periods, err = ReadContinuation(path); err != nil {
		return b, err
	}
	if _, err := os.Stat(filepath.Join(path, BundleTruth)); err == nil {
		b.TruthPath = filepath.Join(path, BundleTruth)
	}
	return b, nil
}

// findMessages returns the one messages file of a bundle directory.
func findMessages(dir string) (string, error) {
	var found []string
	for _, ext := range []string{"", ".gz", ".zst"} {
		p := filepath.Join(dir, BundleMessages+ext)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("%s: decode: no %s, %s.gz or %s.zst: %w", dir, BundleMessages, BundleMessages, BundleMessages, ErrNotBundle)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("%s: decode: more than one messages file (%s): keep one", dir, strings.Join(found, ", "))
}

// readBundleFile reads dir/name, or returns nil, nil when it does not exist.
// Its errors, as those of the other bundle files, start with the file's
// path ("g01/court.json: decode: ..."), as the engine's do
// ("g01/court.json: court: ...").
func readBundleFile(dir, name string) ([]byte, error) {
	p := filepath.Join(dir, name)
	data, err := readBody(p, "decode: ")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// readBody reads a REST body from the file at p (at most
// maxBundleJSON_bytes); its errors start with p, then tag. Every side
// file is read here (the bundle's JSON files, ReadCourt, ReadRoster), so
// that each takes what a text editor may save: a leading UTF-8 byte
// order mark (which RFC 8259 lets a parser ignore, and which a
// recording's Reader skips too) is dropped, and the offsets, lines and
// columns of an error count from after it, as an editor shows them.
// A file that is UTF-16 text, a zip archive or compressed (sniffStart:
// none of which is JSON) is refused with an error that says so and how
// to make it readable (wrapping ErrSyntax and ErrNotText, at offset 0),
// where the JSON parser would quote its first bytes.
func readBody(p, tag string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %s%w", p, tag, unwrapPath(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %s%w", p, tag, unwrapPath(err))
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s: %sis a directory", p, tag)
	}
	if fi.Size() > maxBundleJSON_bytes {
		return nil, fmt.Errorf("%s: %s%d bytes, more than the %d a REST body may have", p, tag, fi.Size(), maxBundleJSON_bytes)
	}
	data := make([]byte, fi.Size())
	if _, err := f.ReadAt(data, 0); err != nil && fi.Size() > 0 {
		return nil, fmt.Errorf("%s: %s%w", p, tag, unwrapPath(err))
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if k := sniffStart(data); k != startText && k != startUTF8BOM {
		msg := ErrNotText.Error() + ": " + notTextDetail(k, p, "JSON file")
		return nil, fmt.Errorf("%s: %s%w", p, tag, newBodyError(data, 0, "", msg, errors.Join(ErrSyntax, ErrNotText)))
	}
	return data, nil
}

// unwrapPath drops the *fs.PathError around err (its path is already in
// the message), keeping what errors.Is matches.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// readBundleJSON parses dir/name into a T, or returns nil, nil when the file
// does not exist.
func readBundleJSON[T any](dir, name string) (*T, error) {
	v, _, err := readBundleText[T](dir, name)
	return v, err
}

// readBundleText is readBundleJSON for a file whose strings reach the
// outputs (names: live.json, subscribe.json, rounds.json): warning says,
// when the file is not UTF-8 text, that those strings are garbled
// (notUTF8Warning); "" otherwise. (The other files hold ids, numbers and
// the names of enums, which a byte that is not UTF-8 makes unknown.)
func readBundleText[T any](dir, name string) (v *T, warning string, err error) {
	data, err := readBundleFile(dir, name)
	if data == nil || err != nil {
		return nil, "", err
	}
	v = new(T)
	if err := unmarshalBody(data, v); err != nil {
		return nil, "", fmt.Errorf("%s: decode: %w", filepath.Join(dir, name), err)
	}
	return v, notUTF8Warning(filepath.Join(dir, name), data), nil
}

// ReadCourt reads a /court body (a court.json) from the file at path, for
// inputs that have none of their own (Bundle.Supply). It checks that the
// body is JSON; package court parses and validates it.
func ReadCourt(path string) ([]byte, error) {
	data, err := readBody(path, "")
	if err != nil {
		return nil, fmt.Errorf("decode: court file %w", err)
	}
	if err := checkSyntax(data); err != nil {
		return nil, fmt.Errorf("decode: court file %s: not valid JSON: %w", path, err)
	}
	return data, nil
}

// ReadRoster reads a roster from the file at path, for inputs that have
// none of their own (Bundle.Supply): a /_subscribe body (a subscribe.json,
// of which the teams are what analysis uses) or a bare JSON array of teams
// as in its "teams". A file that has no team, or no player in any team,
// is an error (a live.json or a truth.json given by mistake parses as one
// with no players). A file that is not UTF-8 text (a players.json saved
// as Windows-1252) is read, and warning says that its names are garbled
// and how to convert it; "" otherwise.
func ReadRoster(path string) (sub *Subscribe, warning string, err error) {
	data, err := readBody(path, "")
	if err != nil {
		return nil, "", fmt.Errorf("decode: roster file %w", err)
	}
	if sub, err = parseRoster(path, data); err != nil {
		return nil, "", err
	}
	return sub, notUTF8Warning(path, data), nil
}

// parseRoster is ReadRoster's reading of data, the file at path.
func parseRoster(path string, data []byte) (*Subscribe, error) {
	var err error
	sub := new(Subscribe)
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '[' {
		err = unmarshalBody(data, &sub.Teams)
	} else {
		err = unmarshalBody(data, sub)
	}
	if err != nil {
		return nil, fmt.Errorf("decode: roster file %s: %w", path, err)
	}
	if len(sub.Teams) == 0 {
		return nil, fmt.Errorf("decode: roster file %s: no teams (want a subscribe.json, or a JSON array of teams with their players)", path)
	}
	if !sub.HasPlayers() {
		return nil, fmt.Errorf("decode: roster file %s: %d teams but no players (want a subscribe.json, or a JSON array of teams with their players)", path, len(sub.Teams))
	}
	return sub, nil
}

// Supply gives b the court and roster it lacks: court (the body read from
// courtPath, see ReadCourt) when b has no court.json, and sub (read from
// subPath, see ReadRoster) when it has no subscribe.json, or one that
// lists no player (Subscribe.HasPlayers: its teams were not set up), as
// for analysis it has no roster either. What b has of its own stays; nil
// arguments supply nothing.
func (b *Bundle) Supply(courtPath string, court []byte, subPath string, sub *Subscribe) {
	if b.Court == nil && court != nil {
		b.Court, b.CourtPath, b.CourtGiven = court, courtPath, true
	}
	if !b.Subscribe.HasPlayers() && sub != nil {
		b.Subscribe, b.SubscribePath = sub, subPath
	}
}

// ReplaceCourt gives b court (the body read from courtPath, see
// ReadCourt) in place of the court it has, its own court.json included,
// which it keeps in ReplacedCourt: a court given for every input
// (analyze --court), such as the venue's right one for a bundle whose
// court.json is another court's. A nil court changes nothing, and so does
// a second call (the first court given stays).
func (b *Bundle) ReplaceCourt(courtPath string, court []byte) {
	if court == nil || b.CourtGiven {
		return
	}
	if b.Court != nil {
		b.ReplacedCourt, b.ReplacedCourtPath = b.Court, b.CourtPath
	}
	b.Court, b.CourtPath, b.CourtGiven = court, courtPath, true
}

// IsRecordingName reports whether a file name looks like a recording:
// .jsonl or .ndjson, optionally followed by .gz or .zst (or both: a file
// compressed twice), in any case (GAME2.JSONL.GZ, as a Windows or FAT
// tool may write it: those systems match *.jsonl whatever the case).
func IsRecordingName(name string) bool {
	name = trimCompression(name)
	return hasSuffixFold(name, ".jsonl") || hasSuffixFold(name, ".ndjson")
}

// RecordingBase returns the last element of path without a recording's
// extensions, in any case (.gz or .zst, up to two of them, then .jsonl,
// .ndjson or .json): "game" for "/x/game.jsonl.gz" and for
// "/x/game.JSONL.GZ", and a bundle directory's name as it is.
func RecordingBase(path string) string {
	name := trimCompression(filepath.Base(filepath.Clean(path)))
	for _, ext := range []string{".jsonl", ".ndjson", ".json"} {
		if hasSuffixFold(name, ext) {
			return name[:len(name)-len(ext)]
		}
	}
	return name
}

// trimCompression returns name without its compression extensions, .gz
// or .zst in any case, up to two (a recording read through two layers of
// compression, NewReader).
func trimCompression(name string) string {
	for range 2 {
		switch {
		case hasSuffixFold(name, ".gz"):
			name = name[:len(name)-len(".gz")]
		case hasSuffixFold(name, ".zst"):
			name = name[:len(name)-len(".zst")]
		default:
			return name
		}
	}
	return name
}

// hasSuffixFold reports whether s ends in suffix, ignoring ASCII case
// (file extensions: Windows and macOS match them so).
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// FindBundles expands paths into the bundles and recordings to analyse, in
// a stable (sorted) order per argument:
//   - a file is taken as a recording, whatever its name, and so is Stdin;
//   - a directory holding a messages.jsonl[.gz|.zst] is one bundle (with
//     more than one of them, OpenBundle fails and says which to keep), and
//     so is one holding a live.json but no messages file: an incomplete
//     bundle, for which OpenBundle says what is missing, rather than its
//     session being skipped without a word;
//   - any other directory is searched recursively for bundle directories
//     (not descended into) and recording files (IsRecordingName: by
//     extension, in any case); entries whose name starts with "." are
//     skipped.
//
// Symbolic links are followed, to directories as to files. A directory
// reached again (through another link, or a loop) is neither searched nor
// listed again, so the walk ends and lists each bundle once; a link to a
// recording file is listed under its own name, as its target is (the
// caller tells them apart with os.SameFile).
//
// A directory that cannot be searched (its entries cannot be read: no
// permission, an I/O error; or it cannot be looked at: gone during the
// search, a path too long), the argument itself or one under it, does
// not stop the search: it is returned in unsearched, and what was found
// beside it is listed all the same, so that a caller reports it as an
// input that failed, as it would a recording under it that cannot be
// read, and goes on with the others.
//
// What a search finds it does not open, but for a recording's name on
// what is not a regular file (a named pipe, a socket, a device) and a
// bundle under the argument whose messages file is not one: those are
// returned in unsearched too, Skipped (ErrSpecialFile), not listed. A
// named pipe left in a directory (a tar keeps them) would make its
// reader wait for a writer that never comes; named as a path of its own
// (or its bundle directory as the argument), it is listed and read.
//
// A path that does not exist is an error, and so is a directory holding
// nothing to analyse and nothing that could not be searched (wrapping
// ErrNotBundle).
func FindBundles(paths ...string) (found []string, unsearched []*SearchError, err error) {
	for _, p := range paths {
		if p == Stdin {
			found = append(found, p)
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			// The path is first already: say only why.
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, nil, fmt.Errorf("%s: decode: find bundles: %w", p, err)
		}
		if !fi.IsDir() {
			found = append(found, p)
			continue
		}
		w := walker{}
		w.walk(p, fi, true)
		if len(w.found) == 0 && len(w.unsearched) == 0 {
			return nil, nil, fmt.Errorf("%s: decode: find bundles: no bundle or recording file (.jsonl, .ndjson, with .gz or .zst) under it: %w", p, ErrNotBundle)
		}
		sort.Strings(w.found)
		found = append(found, w.found...)
		unsearched = append(unsearched, w.unsearched...)
	}
	return found, unsearched, nil
}

// SearchError is a directory FindBundles could not search, nothing under
// it listed, or (Skipped) a path it found but did not list: a file with
// a recording's name that is not a regular file (a named pipe, a socket,
// a device), or a bundle whose messages file is not one. Opening a named
// pipe waits for its writer: one left in a directory searched would hang
// the search's caller; named as an input of its own it is read.
type SearchError struct {
	Path string // as found: the argument, or it joined with the names under it
	// Err is why: as os.ReadDir or os.Stat said (errors.Is(err,
	// fs.ErrPermission), ...), or for Skipped one wrapping ErrSpecialFile.
	Err     error
	Skipped bool
}

func (e *SearchError) Error() string {
	if e.Skipped {
		return fmt.Sprintf("%s: decode: find bundles: skipped: %v", e.Path, e.Err)
	}
	return fmt.Sprintf("%s: decode: find bundles: cannot search the directory: %v", e.Path, unwrapPath(e.Err))
}

func (e *SearchError) Unwrap() error { return e.Err }

// readDir is os.ReadDir. Tests replace it: root, which CI runs as, reads
// any directory whatever its mode.
var readDir = os.ReadDir

// walker is FindBundles' search of one directory argument.
type walker struct {
	searched   []fs.FileInfo // the directories searched, to search none twice
	found      []string
	unsearched []*SearchError
}

// walk searches directory dir (fi: its os.Stat, the target of a link),
// the argument itself when given is true. A directory it cannot search
// goes to w.unsearched, and the search goes on.
func (w *walker) walk(dir string, fi fs.FileInfo, given bool) {
	if slices.ContainsFunc(w.searched, func(s fs.FileInfo) bool { return os.SameFile(s, fi) }) {
		return
	}
	w.searched = append(w.searched, fi)
	// A bundle, or a directory that means to be one (several messages
	// files, or live.json without one): OpenBundle then says what is
	// wrong, rather than each recording being read as a bare one
	// without the bundle's court and roster, or the session missed.
	msgs, err := findMessages(dir)
	if err == nil || !errors.Is(err, ErrNotBundle) || isIncompleteBundle(dir) {
		// A bundle given is read whatever its messages file (a named
		// pipe's writer may be on its way); one found is not opened
		// unless its messages file is a regular file.
		if fi, serr := os.Stat(msgs); !given && err == nil && serr == nil && !fi.Mode().IsRegular() {
			w.unsearched = append(w.unsearched, &SearchError{Path: dir, Skipped: true,
				Err: fmt.Errorf("its %s is %w", filepath.Base(msgs), specialFile(fi.Mode(), "the bundle"))})
			return
		}
		w.found = append(w.found, dir)
		return
	}
	// The entries read before an error are searched all the same.
	entries, err := readDir(dir)
	if err != nil {
		w.unsearched = append(w.unsearched, &SearchError{Path: dir, Err: err})
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		q := filepath.Join(dir, e.Name())
		isDir := e.IsDir()
		var target fs.FileInfo
		if e.Type()&fs.ModeSymlink != 0 {
			// A link that leads nowhere is taken as what its name
			// says: a recording name is then an input that fails and
			// says why.
			if target, err = os.Stat(q); err == nil {
				isDir = target.IsDir()
			}
		}
		if isDir {
			if target == nil {
				if target, err = os.Stat(q); err != nil {
					w.unsearched = append(w.unsearched, &SearchError{Path: q, Err: err})
					continue
				}
			}
			w.walk(q, target, false)
			continue
		}
		if !IsRecordingName(e.Name()) {
			continue
		}
		mode := e.Type()
		if target != nil {
			mode = target.Mode().Type()
		}
		if mode&fs.ModeSymlink == 0 && !mode.IsRegular() {
			w.unsearched = append(w.unsearched, &SearchError{Path: q, Skipped: true, Err: specialFile(mode, "it")})
			continue
		}
		w.found = append(w.found, q)
	}
}

// ErrSpecialFile is wrapped by the SearchError of a path FindBundles
// skipped: a recording's name on what is not a regular file.
var ErrSpecialFile = errors.New("not a regular file")

// specialFile is the error of a search that met a file of mode (not a
// regular file); what names what to give as an input of its own ("it",
// "the bundle") to read a named pipe.
func specialFile(mode fs.FileMode, what string) error {
	if mode.Type() == fs.ModeNamedPipe {
		return fmt.Errorf("a named pipe, %w: a search reads regular files only, as opening a pipe waits for its writer; name %s as an INPUT of its own to read it", ErrSpecialFile, what)
	}
	return fmt.Errorf("%s, %w: a search reads regular files only (a recording is a regular file or a named pipe)", modeText(mode), ErrSpecialFile)
}

// isIncompleteBundle reports whether dir holds a live.json, which only a
// session bundle has: without a messages file, a bundle cut short (a copy
// in progress, a recorder that failed), not a directory to search.
func isIncompleteBundle(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, BundleLive))
	return err == nil && !fi.IsDir()
}
