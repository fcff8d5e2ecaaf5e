package bench

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/stmotion/stmotion/decode"
)

// game builds a generated corpus for a test.
func game(t testing.TB, opt GameOptions) *Corpus {
	t.Helper()
	c, err := GameCorpus(opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// GameCorpus fails on a duration it cannot build a game of, instead of
// running the default 600 s for a negative one, a feed of markers only
// for NaN or a fraction of a second, or panicking on a huge one.
func TestGameCorpusDuration(t *testing.T) {
	for _, d := range []float64{-5, 0.01, 0.999, math.NaN(), math.Inf(1), math.Inf(-1), MaxGameDuration_s + 1, 1e12} {
		if c, err := GameCorpus(GameOptions{Duration_s: d}); err == nil || c != nil {
			t.Errorf("Duration_s %g: corpus %v, error %v; want an error and no corpus", d, c != nil, err)
		}
	}
	c := game(t, GameOptions{Duration_s: MinGameDuration_s})
	if c.KindCounts["location"] < 250 {
		t.Errorf("the shortest game: %s; want about 275 locations", c.Describe())
	}
}

func TestGameCorpusDeterministic(t *testing.T) {
	a := game(t, GameOptions{Seed: 7, Duration_s: 30})
	b := game(t, GameOptions{Seed: 7, Duration_s: 30})
	c := game(t, GameOptions{Seed: 8, Duration_s: 30})
	if !bytes.Equal(a.Data, b.Data) {
		t.Error("same options gave different corpora")
	}
	if bytes.Equal(a.Data, c.Data) {
		t.Error("different seeds gave the same corpus")
	}
	if a.Len() != len(a.Starts) || int64(len(a.Data)) != a.MsgBytes+int64(a.Len()) {
		t.Errorf("%d messages, %d starts, %d data bytes, %d message bytes: inconsistent", a.Len(), len(a.Starts), len(a.Data), a.MsgBytes)
	}
}

// TestGameCorpusShape checks the corpus is the feed the issue describes:
// 10 players and the ball at 25 Hz, about 99% locations of about 110 bytes,
// stats, shots and markers interleaved, and that every line decodes.
func TestGameCorpusShape(t *testing.T) {
	const duration_s = 60
	c := game(t, GameOptions{Seed: 1, Duration_s: duration_s})
	var d decode.Decoder
	var m decode.Message
	samples := map[int64][]int64{} // sensor id -> occurred_at_ms
	kinds := map[decode.Kind]int{}
	var locBytes int
	for i := range c.Len() {
		if err := d.Decode(c.Line(i), &m); err != nil {
			t.Fatalf("line %d %q: %v", i+1, c.Line(i), err)
		}
		kinds[m.Kind]++
		if m.Kind == decode.KindLocation {
			samples[m.Location.ID] = append(samples[m.Location.ID], m.Location.OccurredAt_ms)
			locBytes += len(c.Line(i))
		}
	}
	if len(samples) != 11 || samples[GameBallID] == nil {
		t.Errorf("%d sensors (ball present: %v), want 10 players and the ball", len(samples), samples[GameBallID] != nil)
	}
	for id, ts := range samples {
		rate_Hz := float64(len(ts)-1) / (float64(ts[len(ts)-1]-ts[0]) / 1000)
		if rate_Hz < 24.5 || rate_Hz > 25.5 {
			t.Errorf("sensor %d: %.2f Hz, want 25", id, rate_Hz)
		}
	}
	locShare := float64(kinds[decode.KindLocation]) / float64(c.Len())
	avg := float64(locBytes) / float64(kinds[decode.KindLocation])
	if locShare < 0.985 || locShare > 0.995 || avg < 100 || avg > 120 || kinds[decode.KindStats] == 0 || kinds[decode.KindShot] == 0 || kinds[decode.KindMarker] < 6 {
		t.Errorf("kinds %v, location share %.4f, %.1f bytes per location: want ~99%% locations of ~110 bytes with stats, shots and markers", kinds, locShare, avg)
	}
}

// TestPeersAgree is the harness's correctness core: on the plain and the
// shuffled corpus every peer gives the checksum of encoding/json, and the
// shuffled corpus carries the same values as the plain one.
func TestPeersAgree(t *testing.T) {
	var sums []string
	for _, shuffled := range []bool{false, true} {
		c := game(t, GameOptions{Seed: 3, Duration_s: 20, Shuffled: shuffled})
		for _, p := range Peers() {
			d, err := p.New()
			if err != nil {
				t.Logf("%s not available: %v", p.Name, err)
				continue
			}
			s, _, err := checksumCorpus(d, c, nil)
			if err != nil {
				t.Fatalf("%s on %s: %v", p.Name, c.Name, err)
			}
			sums = append(sums, fmt.Sprintf("%016x", s))
			if sums[len(sums)-1] != sums[0] {
				t.Errorf("%s on %s: checksum %s, want %s", p.Name, c.Name, sums[len(sums)-1], sums[0])
			}
		}
	}
	if len(sums) < 6 {
		t.Errorf("only %d decoder runs", len(sums))
	}
}

// liar is a decoder that gets one field of one message wrong.
type liar struct {
	Decoder
	n int
}

func (l *liar) Decode(line []byte, m *decode.Message) error {
	err := l.Decoder.Decode(line, m)
	if l.n++; l.n%1000 == 500 && m.Kind == decode.KindLocation {
		m.Location.Y_mm++
	}
	return err
}

// failer is a decoder that fails on one message.
type failer struct{ Decoder }

func (f failer) Decode(line []byte, m *decode.Message) error {
	if bytes.Contains(line, []byte("PLAY_END")) {
		return errors.New("cannot")
	}
	return f.Decoder.Decode(line, m)
}

func TestMeasureFailsLoudly(t *testing.T) {
	c := game(t, GameOptions{Seed: 1, Duration_s: 5})
	ej := Peers()[1]
	if ej.Name != "encoding/json" {
		t.Fatalf("Peers()[1] is %s", ej.Name)
	}
	tests := []struct {
		name string
		wrap func(Decoder) Decoder
		want string
	}{
		{"wrong field", func(d Decoder) Decoder { return &liar{Decoder: d} }, "first difference at message"},
		{"error", func(d Decoder) Decoder { return failer{d} }, "cannot"},
	}
	for _, tt := range tests {
		bad := Peer{Name: "bad", New: func() (Decoder, error) { d, _ := newStmotion(); return tt.wrap(d), nil }}
		_, err := Measure(c, Options{Reps: 1, MinTime: time.Millisecond, Peers: []Peer{ej, bad}})
		if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "bad") {
			t.Errorf("%s: got %v, want ErrMismatch naming the decoder and %q", tt.name, err, tt.want)
		}
	}
}

// firstPassOnly decodes for real on the checked pass over the corpus (its
// first n calls), then returns at once, leaving m as it was: a decoder
// that is right when checked and skips work while timed.
type firstPassOnly struct {
	Decoder
	left int
}

func (f *firstPassOnly) Decode(line []byte, m *decode.Message) error {
	if f.left > 0 {
		f.left--
		return f.Decoder.Decode(line, m)
	}
	return nil
}

// Every timed pass is checked, not only the pass before timing: a decoder
// that does no work once checked fails the run instead of winning.
func TestMeasureChecksTimedPasses(t *testing.T) {
	c := game(t, GameOptions{Seed: 1, Duration_s: 5})
	ej := Peers()[1]
	for _, left := range []int{c.Len(), 2 * c.Len(), 2*c.Len() + 7} {
		cheat := Peer{Name: "cheat", New: func() (Decoder, error) { d, _ := newStmotion(); return &firstPassOnly{Decoder: d, left: left}, nil }}
		rs, err := Measure(c, Options{Reps: 2, MinTime: time.Millisecond, Peers: []Peer{ej, cheat}})
		if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "cheat decoded differently while timed") {
			t.Errorf("right for %d messages, then no work: results %+v, error %v; want ErrMismatch naming the decoder", left, rs, err)
		}
	}
}

func TestMeasure(t *testing.T) {
	for _, clock := range []Clock{ClockCPU, ClockWall} {
		testMeasure(t, clock)
	}
	c := game(t, GameOptions{Duration_s: 1})
	for _, opt := range []Options{{Clock: "sundial"}, {Reps: -1}, {MinTime: -time.Millisecond}} {
		if _, err := Measure(c, opt); err == nil {
			t.Errorf("Measure with %+v: want an error", opt)
		}
	}
}

func testMeasure(t *testing.T, clock Clock) {
	c := game(t, GameOptions{Seed: 1, Duration_s: 5})
	unavailable := Peer{Name: "nope", New: func() (Decoder, error) { return nil, errors.New("not here") }}
	peers := append(Peers(), unavailable)
	rs, err := Measure(c, Options{Reps: 2, MinTime: time.Millisecond, Peers: peers, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if rs[0].Clock != clock {
		t.Errorf("clock %q, want %q", rs[0].Clock, clock)
	}
	if len(rs) != len(peers) {
		t.Fatalf("%d results for %d peers", len(rs), len(peers))
	}
	for i, r := range rs {
		if r.Decoder != peers[i].Name || r.Msgs != c.Len() || r.Bytes != c.MsgBytes || r.Reps != 2 {
			t.Errorf("result %d: %+v", i, r)
		}
		if !r.Available {
			if r.Error == "" || r.MB_per_s != 0 {
				t.Errorf("%s unavailable without a reason, or with figures: %+v", r.Decoder, r)
			}
			continue
		}
		if r.MB_per_s <= 0 || r.WallMB_per_s <= 0 || r.Ns_per_msg <= 0 || r.Msgs_per_s <= 0 || r.Checksum != rs[0].Checksum || r.Passes < 1 {
			t.Errorf("%s: %+v", r.Decoder, r)
		}
		// Consistency of the derived figures (no timing assertion).
		if got := r.Msgs_per_s * r.Ns_per_msg; got < 0.999e9 || got > 1.001e9 {
			t.Errorf("%s: msgs/s x ns/msg = %v, want 1e9", r.Decoder, got)
		}
	}
	if rs[1].RatioVsEncodingJSON != 1 {
		t.Errorf("encoding/json ratio %v, want 1", rs[1].RatioVsEncodingJSON)
	}
	if rs[len(rs)-1].Error != "not here" {
		t.Errorf("unavailable peer: %+v", rs[len(rs)-1])
	}
	// encoding/json into a struct with a map allocates for every message;
	// a result of 0 would mean the counting is broken.
	if rs[1].Allocs_per_msg < 1 {
		t.Errorf("encoding/json: %v allocs/msg, want at least 1", rs[1].Allocs_per_msg)
	}
}

// On a corpus of one message a pass takes less time than reading the CPU
// clock: Measure reads it once per batch of passes, not after every pass.
func TestMeasureReadsTheClockPerBatch(t *testing.T) {
	if _, ok := ProcessCPUTime(); !ok {
		t.Skip("no process CPU clock here")
	}
	reads := 0
	cpuClock = func() (time.Duration, bool) { reads++; return ProcessCPUTime() }
	defer func() { cpuClock = ProcessCPUTime }()
	c := &Corpus{Name: "one"}
	c.add(game(t, GameOptions{Seed: 1, Duration_s: 1}).Line(2))
	rs, err := Measure(c, Options{Reps: 1, MinTime: 5 * time.Millisecond, Peers: Peers()[:2]})
	if err != nil {
		t.Fatal(err)
	}
	passes := rs[0].Passes + rs[1].Passes
	if reads*10 > passes {
		t.Errorf("%d clock reads for %d passes over a one-message corpus; want far fewer reads than passes", reads, passes)
	}
}

func TestLoadCorpus(t *testing.T) {
	g := game(t, GameOptions{Seed: 1, Duration_s: 2})
	var text bytes.Buffer
	text.WriteString("\n{not json\n")
	text.Write(g.Data)
	text.WriteString(`{"type":"marker","data":{"type":"LIVE"}}` + "\r\n") // stmotion: missing occurred_at
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(text.Bytes())
	zw.Close()
	p := filepath.Join(t.TempDir(), "rec.jsonl.gz")
	if err := os.WriteFile(p, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCorpus(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c.Data, g.Data) || c.Skipped != 2 || c.Len() != g.Len() {
		t.Errorf("loaded %d messages (%d skipped), want the %d generated and 2 skipped", c.Len(), c.Skipped, g.Len())
	}
	if _, err := LoadCorpus(filepath.Join(t.TempDir(), "missing.jsonl")); err == nil {
		t.Error("missing file: want an error")
	}
}

// A recording whose live_id holds JSON escapes (many encoders escape "/"
// or non-ASCII text) is measured: every decoder's checksum takes the text
// unescaped, stmotion's too.
func TestMeasureEscapedLiveID(t *testing.T) {
	g := game(t, GameOptions{Seed: 1, Duration_s: 2})
	text := append([]byte(nil), g.Data...)
	for _, id := range []string{`ab\u0063d`, `2026\/11\/27`, `caf\u00e9 \"live\"`, `\ud83c\udfc0`} {
		text = append(text, `{"type":"marker","data":{"occurred_at":1500571400000,"type":"LIVE","live_id":"`+id+`"}}`+"\n"...)
	}
	p := filepath.Join(t.TempDir(), "escaped.jsonl")
	if err := os.WriteFile(p, text, 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCorpus(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Skipped != 0 || c.Len() != g.Len()+4 {
		t.Fatalf("loaded %d messages, %d skipped; want %d and none", c.Len(), c.Skipped, g.Len()+4)
	}
	rs, err := Measure(c, Options{Reps: 1, MinTime: time.Millisecond, Peers: Peers()[:3]})
	if err != nil {
		t.Fatalf("escaped live_id: %v", err)
	}
	for _, r := range rs {
		if r.Checksum != rs[1].Checksum {
			t.Errorf("%s: checksum %s, encoding/json %s", r.Decoder, r.Checksum, rs[1].Checksum)
		}
	}
}

// idLiar reports a live_id one letter off.
type idLiar struct{ Decoder }

func (l idLiar) LiveID(line []byte, m *decode.Message) []byte {
	return append([]byte("x"), l.Decoder.LiveID(line, m)...)
}

// The disagreement names the decoder and prints the values the checksum
// compares, the live_id texts included, not spans into the line.
func TestMismatchPrintsComparedValues(t *testing.T) {
	c := &Corpus{Name: "one marker"}
	c.add([]byte(`{"type":"marker","data":{"occurred_at":1500571400000,"type":"LIVE","live_id":"ab\u0063d"}}`))
	bad := Peer{Name: "liar", New: func() (Decoder, error) { d, _ := newStmotion(); return idLiar{d}, nil }}
	_, err := Measure(c, Options{Reps: 1, MinTime: time.Millisecond, Peers: []Peer{Peers()[1], bad}})
	for _, want := range []string{
		"encoding/json: marker occurred_at_ms=1500571400000 type=LIVE live_id=\"abcd\"",
		"liar:          marker occurred_at_ms=1500571400000 type=LIVE live_id=\"xabcd\"",
	} {
		if !errors.Is(err, ErrMismatch) || !strings.Contains(fmt.Sprint(err), want) {
			t.Errorf("error %v\nwant it to hold %q", err, want)
		}
	}
}

var (
	gameCorpus     = sync.OnceValues(func() (*Corpus, error) { return GameCorpus(GameOptions{Seed: 1}) })
	shuffledCorpus = sync.OnceValues(func() (*Corpus, error) { return GameCorpus(GameOptions{Seed: 1, Shuffled: true}) })
)

// BenchmarkDecode measures every peer on the generated game corpus (10
// players and the ball at 25 Hz, ~99% locations of ~110 bytes); one op is
// one message. MB/s uses the mean message length. Each decoder's checksum
// is checked against encoding/json's before it is timed, and each timed
// pass is checked as Measure checks it (benchPeer); unlike Measure
// ("stmotion bench decode") it times the decoders one after another, on
// wall time: use it to profile, and bench decode to compare.
//
// Use -cpu 1 for the harness's single-core conditions. Profile ours with:
//
//	go test ./bench -run '^$' -bench 'Decode/stmotion$' -cpu 1 -benchtime 3s -cpuprofile /tmp/cpu.out
//	go tool pprof -top -nodecount 30 /tmp/cpu.out
func BenchmarkDecode(b *testing.B) { benchDecode(b, gameCorpus) }

// BenchmarkDecodeShuffled is BenchmarkDecode with keys in random order and
// extra whitespace.
func BenchmarkDecodeShuffled(b *testing.B) { benchDecode(b, shuffledCorpus) }

func benchDecode(b *testing.B, corpus func() (*Corpus, error)) {
	c, err := corpus()
	if err != nil {
		b.Fatal(err)
	}
	ref, err := referenceChecksum(c)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range Peers() {
		b.Run(p.Name, func(b *testing.B) {
			d, err := p.New()
			if err != nil {
				b.Skip(err)
			}
			// As Measure does: time only a decoder that does the work.
			if err := checkPeer(d, c, ref); err != nil {
				b.Fatalf("%s: %v", p.Name, err)
			}
			benchPeer(b, d, c, ref)
		})
	}
}

// benchPeer times d on c, message by message, and folds every message
// into its pass's passFold as Measure does (every decoder pays the same for
// it): a pass that does not fold to ref's fails the benchmark. b.N need
// not be a whole number of passes: the last pass, cut short, must fold to
// what ref's as many first messages fold to (checked untimed).
func benchPeer(b *testing.B, d Decoder, c *Corpus, ref reference) {
	var m decode.Message
	b.SetBytes((c.MsgBytes + int64(c.Len())/2) / int64(c.Len()))
	b.ReportAllocs()
	j, pass, f := 0, 1, newPassFold()
	for b.Loop() {
		line := c.Data[c.Starts[j]:c.Ends[j]]
		if err := d.Decode(line, &m); err != nil {
			b.Fatalf("pass %d, message %d: %v", pass, j+1, err)
		}
		f = f.add(d, line, &m)
		if j++; j == c.Len() {
			if f != ref.fold {
				b.Fatalf("%v: timed pass %d folds to %016x, encoding/json's checked pass to %016x: the decoder did not do the whole work", ErrMismatch, pass, uint64(f), uint64(ref.fold))
			}
			j, pass, f = 0, pass+1, newPassFold()
		}
	}
	if j > 0 && f != ref.prefix[j] {
		b.Fatalf("%v: timed pass %d, the last, cut by b.N after %d of the %d messages, folds to %016x, encoding/json's first %d to %016x: the decoder did not do the whole work",
			ErrMismatch, pass, j, c.Len(), uint64(f), j, uint64(ref.prefix[j]))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// replay is a decoder that does almost nothing: it copies the next of a
// few locations decoded beforehand into m, as a decoder stores its fields.
type replay struct {
	locs []decode.Location
	i    int
}

func (r *replay) Decode(_ []byte, m *decode.Message) error {
	m.Kind, m.Location = decode.KindLocation, r.locs[r.i]
	if r.i++; r.i == len(r.locs) {
		r.i = 0
	}
	return nil
}

func (r *replay) LiveID([]byte, *decode.Message) []byte { return nil }

// BenchmarkPassFold measures what checking every timed pass adds to each
// message's time in Measure and BenchmarkDecode (every decoder pays it):
// passes of a decoder that only copies 64 locations decoded beforehand,
// bare and with the pass folded. The difference of their ns/msg is the
// fold's cost.
//
//	go test ./bench -run '^$' -bench PassFold -cpu 1 -count 5
func BenchmarkPassFold(b *testing.B) {
	c := game(b, GameOptions{Seed: 1, Duration_s: 60})
	var locs []decode.Location
	var d decode.Decoder
	var m decode.Message
	for i := 0; i < c.Len() && len(locs) < 64; i++ {
		if d.Decode(c.Line(i), &m) == nil && m.Kind == decode.KindLocation {
			locs = append(locs, m.Location)
		}
	}
	ns := func(b *testing.B, passes int) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(passes*c.Len()), "ns/msg")
	}
	b.Run("bare", func(b *testing.B) {
		r := &replay{locs: locs}
		passes := 0
		for b.Loop() {
			if err := barePass(r, c, &m); err != nil {
				b.Fatal(err)
			}
			passes++
		}
		ns(b, passes)
	})
	b.Run("folded", func(b *testing.B) {
		r := &replay{locs: locs}
		passes := 0
		for b.Loop() {
			if _, err := foldPass(r, c, &m, nil); err != nil {
				b.Fatal(err)
			}
			passes++
		}
		ns(b, passes)
	})
}

// barePass is foldPass without the fold.
//
//go:noinline
func barePass(d Decoder, c *Corpus, m *decode.Message) error {
	for j := range c.Ends {
		if err := d.Decode(c.Data[c.Starts[j]:c.Ends[j]], m); err != nil {
			return passError{j, err}
		}
	}
	return nil
}

// reference is what encoding/json's checked pass over a corpus gives.
type reference struct {
	sum  uint64   // Checksum
	fold passFold // what every timed pass must fold to
	// prefix[j] is what the first j messages fold to (prefix[len] is
	// fold): what a last pass cut short by b.N must fold to.
	prefix []passFold
}

// referenceChecksum is encoding/json's checksum of c.
func referenceChecksum(c *Corpus) (reference, error) {
	for _, p := range Peers() {
		if p.Name == "encoding/json" {
			d, err := p.New()
			if err != nil {
				return reference{}, err
			}
			s, f, err := checksumCorpus(d, c, nil)
			if err != nil {
				return reference{}, err
			}
			prefix := make([]passFold, c.Len()+1)
			prefix[0] = newPassFold()
			var m decode.Message
			for j := range c.Ends {
				line := c.Line(j)
				if err := d.Decode(line, &m); err != nil {
					return reference{}, fmt.Errorf("message %d: %w", j+1, err)
				}
				prefix[j+1] = prefix[j].add(d, line, &m)
			}
			if prefix[c.Len()] != f {
				return reference{}, fmt.Errorf("%w: encoding/json folds the corpus to %016x, then to %016x", ErrMismatch, uint64(f), uint64(prefix[c.Len()]))
			}
			return reference{s, f, prefix}, nil
		}
	}
	return reference{}, errors.New("no encoding/json among the peers")
}

// checkPeer decodes c once with d and fails, wrapping ErrMismatch, unless
// it gives the reference checksum.
func checkPeer(d Decoder, c *Corpus, ref reference) error {
	s, _, err := checksumCorpus(d, c, nil)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMismatch, err)
	}
	if s != ref.sum {
		return fmt.Errorf("%w: checksum %016x, encoding/json %016x", ErrMismatch, s, ref.sum)
	}
	return nil
}

// The Go benchmarks check every timed pass as Measure does: a decoder
// that is right on the checked pass and skips work afterwards fails.
func TestBenchPeerChecksTimedPasses(t *testing.T) {
	c := game(t, GameOptions{Seed: 1, Duration_s: 2})
	ref, err := referenceChecksum(c)
	if err != nil {
		t.Fatal(err)
	}
	ours, _ := newStmotion()
	cheat := &firstPassOnly{Decoder: ours, left: c.Len()}
	if err := checkPeer(cheat, c, ref); err != nil {
		t.Fatalf("the checked pass: %v", err)
	}
	r := testing.Benchmark(func(b *testing.B) { benchPeer(b, cheat, c, ref) })
	if r.N >= 2*c.Len() {
		t.Errorf("a decoder that does no work once checked ran %d timed messages (%d passes) unnoticed", r.N, r.N/c.Len())
	}
	honest, _ := newStmotion()
	if r := testing.Benchmark(func(b *testing.B) { benchPeer(b, honest, c, ref) }); r.N == 0 {
		t.Error("stmotion's decoder failed the benchmark's check")
	}
}

// The last pass of a Go benchmark is checked too when b.N ends it part
// way through the corpus: its messages fold to what encoding/json's first
// ones fold to, or the benchmark fails. A decoder that stops working in
// that pass does not go unnoticed.
func TestBenchPeerChecksLastPartialPass(t *testing.T) {
	c := game(t, GameOptions{Seed: 1, Duration_s: 2})
	ref, err := referenceChecksum(c)
	if err != nil {
		t.Fatal(err)
	}
	// -test.benchtime=Nx makes b.N exactly N: one pass and a half.
	bt := flag.Lookup("test.benchtime")
	old := bt.Value.String()
	t.Cleanup(func() { bt.Value.Set(old) })
	n := c.Len() + c.Len()/2
	bt.Value.Set(fmt.Sprintf("%dx", n))
	for _, right := range []int{c.Len() + 1, c.Len() + c.Len()/3, n - 1} {
		ours, _ := newStmotion()
		cheat := &firstPassOnly{Decoder: ours, left: right}
		if r := testing.Benchmark(func(b *testing.B) { benchPeer(b, cheat, c, ref) }); r.N != 0 {
			t.Errorf("a decoder right for %d messages, then doing no work, ran %d timed messages (the last %d unchecked) without failing", right, r.N, r.N-c.Len())
		}
	}
	honest, _ := newStmotion()
	if r := testing.Benchmark(func(b *testing.B) { benchPeer(b, honest, c, ref) }); r.N != n {
		t.Errorf("stmotion's decoder ran %d messages, want %d: it failed the check of the last partial pass", r.N, n)
	}
}

// The Go benchmarks check each decoder as Measure does before timing it:
// a decoder that gets a field wrong or fails on a message is refused.
func TestCheckPeer(t *testing.T) {
	c := game(t, GameOptions{Seed: 1, Duration_s: 5})
	ref, err := referenceChecksum(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Peers() {
		d, err := p.New()
		if err != nil {
			continue
		}
		if err := checkPeer(d, c, ref); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
	ours, _ := newStmotion()
	for _, bad := range []Decoder{&liar{Decoder: ours}, failer{ours}} {
		if err := checkPeer(bad, c, ref); !errors.Is(err, ErrMismatch) {
			t.Errorf("%T: %v, want ErrMismatch", bad, err)
		}
	}
}

func ExampleGameCorpus() {
	c, err := GameCorpus(GameOptions{Seed: 1, Duration_s: 60})
	if err != nil {
		panic(err) // a duration out of range
	}
	fmt.Println(c.Describe())
	fmt.Printf("%s\n", c.Line(2))
	// Output:
	// game: 16667 msgs, 1.8 MB, 110 bytes/msg, 99.0% location
	// {"type":"location","data":{"occurred_at":1500571321535,"type":"PLAYER","id":2942,"x":10870,"y":-2198,"z":62}}
}

func ExampleMeasure() {
	c, err := GameCorpus(GameOptions{Seed: 1, Duration_s: 2})
	if err != nil {
		panic(err) // a duration out of range
	}
	// sonic is left out here only because it is not built on every machine.
	results, err := Measure(c, Options{Reps: 1, MinTime: time.Millisecond, Peers: Peers()[:3]})
	if err != nil {
		panic(err) // a decoder disagreed with encoding/json
	}
	for _, r := range results {
		// r.MB_per_s, r.Ns_per_msg, r.Allocs_per_msg and r.RatioVsEncodingJSON
		// hold the figures; they vary from run to run.
		fmt.Println(r.Decoder, r.Checksum, r.Msgs)
	}
	// Output:
	// stmotion d94ea8f84c7ca13c 563
	// encoding/json d94ea8f84c7ca13c 563
	// goccy/go-json d94ea8f84c7ca13c 563
}
