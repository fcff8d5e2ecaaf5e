package bench

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/pipeline"
)

// ErrMismatch means two decoders disagreed on a corpus: their checksums
// differ, or one failed on a message another decoded. The harness refuses
// to print speeds for decoders that do not do the same work.
var ErrMismatch = errors.New("bench: decoders disagree")

// Options configures Measure.
type Options struct {
	// Reps is how many timed repetitions each decoder gets; the best one
	// is reported (0: the default, 5; negative is an error). Decoders take
	// turns within a repetition, so a noisy neighbour on the machine slows
	// all of them alike.
	Reps int
	// MinTime is the least time one repetition of one decoder runs: whole
	// passes over the corpus are repeated until it is reached (0: the
	// default, 200ms; negative is an error).
	MinTime time.Duration
	// Peers are the decoders to measure (default Peers()). The ratios are
	// relative to the one named "encoding/json", which must be among them.
	Peers []Peer
	// Clock is what a repetition's time is: ClockCPU (the default) or
	// ClockWall.
	Clock Clock
}

// Clock selects how Measure times a repetition.
type Clock string

const (
	// ClockCPU is the CPU time of the whole process (user + system, every
	// thread, so the garbage collector's work on other threads is paid by
	// the decoder that allocated). On a shared machine it leaves out the
	// time the kernel gives to other processes, which wall time does not;
	// cache and memory-bandwidth interference remain. Where the OS gives
	// no process CPU time, Measure uses ClockWall and says so in Result.Clock.
	ClockCPU Clock = "cpu"
	// ClockWall is elapsed time.
	ClockWall Clock = "wall"
)

// Result is one decoder's measurement. The JSON keys are what
// "stmotion bench decode --json" prints, one object per line.
type Result struct {
	Decoder string `json:"decoder"`
	// Available is false when the decoder cannot run here (see Error);
	// the figures are then zero.
	Available  bool    `json:"available"`
	Error      string  `json:"error,omitempty"`
	MB_per_s   float64 `json:"mb_per_s"` // 1 MB = 1e6 bytes of message text, newlines excluded
	Msgs_per_s float64 `json:"msgs_per_s"`
	Ns_per_msg float64 `json:"ns_per_msg"`
	// Allocs_per_msg is runtime.MemStats.Mallocs over every timed pass per
	// message. It counts the whole process, so the runtime's own rare
	// allocations show as about 1e-7 for a decoder that allocates nothing.
	Allocs_per_msg      float64 `json:"allocs_per_msg"`
	RatioVsEncodingJSON float64 `json:"ratio_vs_encoding_json"`
	Checksum            string  `json:"checksum"`
	Corpus              string  `json:"corpus"`
	Msgs                int     `json:"msgs"`
	Bytes               int64   `json:"bytes"`
	Reps                int     `json:"reps"`
	Passes              int     `json:"passes"`     // passes over the corpus in the best repetition
	GOMAXPROCS          int     `json:"gomaxprocs"` // during timing: 1
	Clock               Clock   `json:"clock"`      // what the figures above are per: "cpu" or "wall" time
	// WallMB_per_s is the best repetition's throughput in elapsed time,
	// whatever Clock is: on a busy machine it is lower than MB_per_s.
	WallMB_per_s float64 `json:"wall_mb_per_s"`
}

// Measure checks that every available peer decodes c to the same checksum
// as encoding/json, then times each of them on the calling goroutine,
// locked to one OS thread, with GOMAXPROCS set to 1 (restored afterwards),
// and returns one Result per peer in order.
//
// A decoder that returns an error on a message of c, or whose checksum
// differs, makes Measure fail with an error wrapping ErrMismatch that names
// the first message where it differs from encoding/json. Every timed pass
// is checked too (see passFold): a decoder that fails, or decodes
// differently, while timed makes Measure fail the same way.
func Measure(c *Corpus, opt Options) ([]Result, error) {
	return MeasureContext(context.Background(), c, opt)
}

// MeasureContext is Measure, stopped when ctx ends (Ctrl-C: "stmotion
// bench decode" had run to its end and exited 0 with full results): it
// then fails with an error wrapping pipeline.ErrCanceled that says where
// ("bench decode: timing sonic, repetition 2: canceled"), as a bench
// pipeline stage does. ctx is looked at between passes and every
// stopEvery messages within one, at the same cost for every decoder.
func MeasureContext(ctx context.Context, c *Corpus, opt Options) ([]Result, error) {
	// Zero is the default; a negative value is a caller's mistake, not a
	// request for it, and Result.Reps must say what was run.
	switch {
	case opt.Reps < 0:
		return nil, fmt.Errorf("bench: %d repetitions: want at least 1 (0 for the default)", opt.Reps)
	case opt.MinTime < 0:
		return nil, fmt.Errorf("bench: minimum time %v per repetition: want a positive time (0 for the default)", opt.MinTime)
	}
	if opt.Reps == 0 {
		opt.Reps = 5
	}
	if opt.MinTime == 0 {
		opt.MinTime = 200 * time.Millisecond
	}
	if opt.Peers == nil {
		opt.Peers = Peers()
	}
	switch opt.Clock {
	case "":
		opt.Clock = ClockCPU
	case ClockCPU, ClockWall:
	default:
		return nil, fmt.Errorf("bench: unknown clock %q (want cpu or wall)", opt.Clock)
	}
	if _, ok := cpuClock(); !ok {
		opt.Clock = ClockWall
	}
	now := func() time.Duration {
		if opt.Clock == ClockCPU {
			t, _ := cpuClock()
			return t
		}
		return time.Duration(time.Now().UnixNano())
	}
	if c.Len() == 0 {
		return nil, errors.New("bench: empty corpus")
	}
	results := make([]Result, len(opt.Peers))
	decs := make([]Decoder, len(opt.Peers))
	ref := -1
	for i, p := range opt.Peers {
		results[i] = Result{Decoder: p.Name, Corpus: c.Name, Msgs: c.Len(), Bytes: c.MsgBytes, Reps: opt.Reps, GOMAXPROCS: 1, Clock: opt.Clock}
		d, err := p.New()
		if err != nil {
			results[i].Error = err.Error()
			continue
		}
		decs[i] = d
		results[i].Available = true
		if p.Name == "encoding/json" {
			ref = i
		}
	}
	if ref < 0 {
		return nil, errors.New("bench: encoding/json must be among the peers: it is the reference")
	}

	// Verify before timing: all must agree with the reference.
	sums := make([]uint64, len(decs))
	folds := make([]passFold, len(decs))
	for i, d := range decs {
		if d == nil {
			continue
		}
		s, f, err := checksumCorpus(d, c, ctx.Done())
		if errors.Is(err, errStopped) {
			return nil, canceled("checking " + opt.Peers[i].Name)
		}
		if err != nil {
			var pe panicError
			if errors.As(err, &pe) && opt.Peers[i].Name != "stmotion" {
				// A peer that crashes on this machine is reported, not fatal.
				results[i].Available, results[i].Error, decs[i] = false, err.Error(), nil
				continue
			}
			return nil, fmt.Errorf("%w: %s: %w", ErrMismatch, opt.Peers[i].Name, err)
		}
		sums[i], folds[i] = s, f
		results[i].Checksum = fmt.Sprintf("%016x", s)
	}
	for i, d := range decs {
		if d == nil || sums[i] == sums[ref] {
			continue
		}
		return nil, fmt.Errorf("%w: %s checksum %016x, encoding/json %016x: %s",
			ErrMismatch, opt.Peers[i].Name, sums[i], sums[ref], firstDifference(decs[ref], d, opt.Peers[i].Name, c))
	}

	// One core: the garbage collector shares the decoder's core instead of
	// working for it on another one, so wall time is single-core too.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	best := make([]time.Duration, len(decs))
	bestWall := make([]time.Duration, len(decs))
	mallocs := make([]uint64, len(decs))
	msgs := make([]int64, len(decs))
	var ms runtime.MemStats
	var m decode.Message
	for rep := 0; rep < opt.Reps; rep++ {
		for k := range decs {
			i := (k + rep) % len(decs) // rotate who goes first
			d := decs[i]
			if d == nil {
				continue
			}
			runtime.GC()
			runtime.ReadMemStats(&ms)
			before := ms.Mallocs
			passes, batch := 0, 1
			wallStart := time.Now()
			start := now()
			var elapsed time.Duration
			for passes == 0 || elapsed < opt.MinTime || elapsed <= 0 {
				for b := range batch {
					// Every timed pass is checked, at the same cost for
					// every decoder: see passFold.
					f, err := foldPass(d, c, &m, ctx.Done())
					if errors.Is(err, errStopped) {
						return nil, canceled(fmt.Sprintf("timing %s, repetition %d", opt.Peers[i].Name, rep+1))
					}
					if err != nil {
						return nil, fmt.Errorf("%w: %s failed while timed, repetition %d, pass %d: %w", ErrMismatch, opt.Peers[i].Name, rep+1, passes+b+1, err)
					}
					if f != folds[ref] {
						return nil, fmt.Errorf("%w: %s decoded differently while timed: repetition %d, pass %d folds to %016x, the checked pass of encoding/json to %016x (a decoder must do the whole work on every pass)",
							ErrMismatch, opt.Peers[i].Name, rep+1, passes+b+1, uint64(f), uint64(folds[ref]))
					}
				}
				passes += batch
				last := elapsed
				elapsed = now() - start
				if elapsed-last < clockEvery {
					batch *= 2
				}
			}
			wall := time.Since(wallStart)
			runtime.ReadMemStats(&ms)
			mallocs[i] += ms.Mallocs - before
			msgs[i] += int64(passes) * int64(c.Len())
			perPass := elapsed / time.Duration(passes)
			if best[i] == 0 || perPass < best[i] {
				best[i] = perPass
				results[i].Passes = passes
			}
			if wallPerPass := wall / time.Duration(passes); bestWall[i] == 0 || wallPerPass < bestWall[i] {
				bestWall[i] = wallPerPass
			}
		}
	}
	for i := range results {
		if decs[i] == nil {
			continue
		}
		r := &results[i]
		sec := best[i].Seconds()
		r.MB_per_s = float64(c.MsgBytes) / 1e6 / sec
		r.Msgs_per_s = float64(c.Len()) / sec
		r.Ns_per_msg = float64(best[i].Nanoseconds()) / float64(c.Len())
		r.Allocs_per_msg = float64(mallocs[i]) / float64(msgs[i])
		r.WallMB_per_s = float64(c.MsgBytes) / 1e6 / bestWall[i].Seconds()
	}
	for i := range results {
		if decs[i] != nil {
			results[i].RatioVsEncodingJSON = results[ref].Ns_per_msg / results[i].Ns_per_msg
		}
	}
	return results, nil
}

// clockEvery is the least time Measure lets pass between two reads of the
// clock. Reading the CPU clock (getrusage) costs about 0.8 µs, more than a
// pass over a corpus of a few messages: such passes are timed in batches,
// doubled until a batch takes clockEvery, so that the reads add under 1 %
// to the time per pass.
const clockEvery = 100 * time.Microsecond

// cpuClock is ProcessCPUTime, which a test replaces to count the reads.
var cpuClock = ProcessCPUTime

// panicError is a decoder that panicked (sonic's JIT on an unknown machine).
type panicError struct{ v any }

func (p panicError) Error() string { return fmt.Sprintf("panicked: %v", p.v) }

// canceled is the error of a measurement stopped at where by its
// context: "bench decode: <where>: canceled".
func canceled(where string) error {
	return fmt.Errorf("bench decode: %s: %w", where, pipeline.ErrCanceled)
}

// checksumCorpus decodes every message of c with d and folds it into a
// Checksum, and into the passFold every timed pass must then give. It
// returns errStopped once done is closed (nil: never).
func checksumCorpus(d Decoder, c *Corpus, done <-chan struct{}) (sum uint64, fold passFold, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError{r}
		}
	}()
	var cs Checksum
	var m decode.Message
	fold = newPassFold()
	for j := range c.Ends {
		if j%stopEvery == 0 && stopped(done) {
			return 0, 0, errStopped
		}
		line := c.Line(j)
		if err := d.Decode(line, &m); err != nil {
			return 0, 0, fmt.Errorf("message %d: %w: %.200q", j+1, err, line)
		}
		cs.Add(&m, d.LiveID(line, &m))
		fold = fold.add(d, line, &m)
	}
	return cs.Sum(), fold, nil
}

// firstDifference finds the first message on which a (encoding/json) and
// b (named bName) disagree, and prints what each decoded.
func firstDifference(a, b Decoder, bName string, c *Corpus) string {
	var ma, mb decode.Message
	w := max(len("encoding/json:"), len(bName)+1)
	for j := range c.Ends {
		line := c.Line(j)
		ea, eb := a.Decode(line, &ma), b.Decode(line, &mb)
		if ea != nil || eb != nil {
			return fmt.Sprintf("message %d %q: errors %v / %v", j+1, line, ea, eb)
		}
		var ca, cb Checksum
		ida, idb := a.LiveID(line, &ma), b.LiveID(line, &mb)
		ca.Add(&ma, ida)
		cb.Add(&mb, idb)
		if ca.Sum() != cb.Sum() {
			return fmt.Sprintf("first difference at message %d %q:\n  %-*s %s\n  %-*s %s",
				j+1, line, w, "encoding/json:", describe(&ma, ida), w, bName+":", describe(&mb, idb))
		}
	}
	return "no single message differs (order-dependent difference)"
}

// describe prints the fields the checksum compares for the kind of m, with
// liveID, the decoder's live_id text of a marker.
func describe(m *decode.Message, liveID []byte) string {
	switch m.Kind {
	case decode.KindLocation:
		l := &m.Location
		return fmt.Sprintf("location occurred_at_ms=%d sensor=%s id=%d x_mm=%d y_mm=%d z_mm=%d",
			l.OccurredAt_ms, l.Sensor, l.ID, l.X_mm, l.Y_mm, l.Z_mm)
	case decode.KindStats:
		s := &m.Stats
		var values []string
		for st := range decode.NumStats {
			if s.Has.Has(decode.Stat(st)) {
				values = append(values, fmt.Sprintf("%s:%v", decode.Stat(st), s.Values[st]))
			}
		}
		return fmt.Sprintf("stats occurred_at_ms=%d team_id=%d player_id=%d version=%d classification=%s stats=%v unknown_keys=%d",
			s.OccurredAt_ms, s.TeamID, s.PlayerID, s.Version, s.Classification, values, s.NumUnknown)
	case decode.KindShot:
		s := &m.Shot
		return fmt.Sprintf("shot occurred_at_ms=%d team_id=%d player_id=%d is_make=%t is_3point=%t zone=%d hoop_player_x_mm=%d hoop_player_y_mm=%d status=%d",
			s.OccurredAt_ms, s.TeamID, s.PlayerID, s.IsMake, s.Is3Point, s.Zone, s.HoopPlayerX_mm, s.HoopPlayerY_mm, s.Status)
	case decode.KindMarker:
		return fmt.Sprintf("marker occurred_at_ms=%d type=%s live_id=%q", m.Marker.OccurredAt_ms, m.Marker.Type, liveID)
	case decode.KindAck:
		return fmt.Sprintf("ack maxInputBufferSizeInBytes=%d connectionTimeoutInMs=%d", m.Ack.MaxInputBufferSizeInBytes, m.Ack.ConnectionTimeout_ms)
	case decode.KindError:
		return fmt.Sprintf("error status=%d", m.Error.Status)
	}
	return m.Kind.String()
}
