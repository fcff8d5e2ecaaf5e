package bench

import (
	"errors"
	"fmt"
	"math"

	"github.com/stmotion/stmotion/decode"
)

// Checksum folds the decoded fields of a stream of messages into one number,
// so that decoders can be compared over a whole corpus: two decoders that
// agree on every field of every message agree on the checksum, and one
// wrong field (a lost digit, a swapped x/y, a stat under the wrong key, a
// float off by one ulp) changes it.
//
// It is FNV-1a over 64-bit words, in message order, of:
//
//	every message:  kind
//	location:       occurred_at_ms, sensor, id, x_mm, y_mm, z_mm
//	stats:          occurred_at_ms, team_id, player_id, version, classification,
//	                the set of stats present, the float64 bits of each present value,
//	                the number of unknown stat keys
//	shot:           occurred_at_ms, team_id, player_id, is_make, is_3point, zone,
//	                hoop_player_x_mm, hoop_player_y_mm, status
//	marker:         occurred_at_ms, type, the bytes of live_id
//	ack:            maxInputBufferSizeInBytes, connectionTimeoutInMs
//	error body:     status
//
// live_id is compared as text with its JSON escapes decoded (a Decoder's
// LiveID unescapes it): "ab\u0063d" and "abcd" fold in alike.
type Checksum struct {
	h uint64
	N int64 // messages folded in
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func (c *Checksum) word(v uint64) {
	c.h = (c.h ^ v) * fnvPrime
}

func (c *Checksum) int(v int64) { c.word(uint64(v)) }

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// Add folds one decoded message in; liveID is the marker's live_id text,
// unescaped (ignored for other kinds).
func (c *Checksum) Add(m *decode.Message, liveID []byte) {
	if c.N == 0 {
		c.h = fnvOffset
	}
	c.word(uint64(m.Kind))
	switch m.Kind {
	case decode.KindLocation:
		l := &m.Location
		c.int(l.OccurredAt_ms)
		c.word(uint64(l.Sensor))
		c.int(l.ID)
		c.int(int64(l.X_mm))
		c.int(int64(l.Y_mm))
		c.int(int64(l.Z_mm))
	case decode.KindStats:
		s := &m.Stats
		c.int(s.OccurredAt_ms)
		c.int(s.TeamID)
		c.int(s.PlayerID)
		c.int(s.Version)
		c.word(uint64(s.Classification))
		c.word(uint64(s.Has))
		for st := range decode.NumStats {
			if s.Has.Has(decode.Stat(st)) {
				c.word(math.Float64bits(s.Values[st]))
			}
		}
		c.int(int64(s.NumUnknown))
	case decode.KindShot:
		s := &m.Shot
		c.int(s.OccurredAt_ms)
		c.int(s.TeamID)
		c.int(s.PlayerID)
		c.word(b2u(s.IsMake))
		c.word(b2u(s.Is3Point))
		c.word(uint64(s.Zone))
		c.int(int64(s.HoopPlayerX_mm))
		c.int(int64(s.HoopPlayerY_mm))
		c.word(uint64(s.Status))
	case decode.KindMarker:
		c.int(m.Marker.OccurredAt_ms)
		c.word(uint64(m.Marker.Type))
		c.int(int64(len(liveID)))
		for _, b := range liveID {
			c.word(uint64(b))
		}
	case decode.KindAck:
		c.int(m.Ack.MaxInputBufferSizeInBytes)
		c.int(m.Ack.ConnectionTimeout_ms)
	case decode.KindError:
		c.int(int64(m.Error.Status))
	}
	c.N++
}

// Sum returns the checksum so far.
func (c *Checksum) Sum() uint64 {
	if c.N == 0 {
		return fnvOffset
	}
	return c.h
}

// passFold is the checksum of one timed pass: Measure and the Go benchmarks
// fold every message every decoder decodes while timed, and fail unless each
// pass gives the reference's value, so that a decoder that is right on the
// checked pass and then skips work (a fast path that returns an old
// result, state that goes wrong after a pass) cannot win. Every decoder
// pays the same few nanoseconds per message for it, so the ratios still
// compare (a fast decoder's ratio to encoding/json reads slightly lower
// than its decoding alone would give; BenchmarkPassFold measures the fold).
//
// It is cheaper than Checksum, which folds word after word: a location (99 %
// of a game) becomes one word from four independent multiplies,
//
//	v = t*k1 + id*k2 + (x<<32 | y)*k3 + (z<<32 | sensor<<8 | kind)*k4
//
// and other kinds one word from their Checksum; each word then folds in as
// h = (h ^ v) * fnvPrime, one dependent multiply per message. Every step is
// a bijection of h, so one message with a different word always changes
// the pass's value.
type passFold uint64

const (
	foldK1 = 0x9e3779b97f4a7c15
	foldK2 = 0xc2b2ae3d27d4eb4f
	foldK3 = 0x165667b19e3779f9
	foldK4 = 0xd6e8feb86659fd93
)

func newPassFold() passFold { return fnvOffset }

// with folds in one message's word v.
func (f passFold) with(v uint64) passFold { return (f ^ passFold(v)) * fnvPrime }

// locationWord is a location message's word (see passFold).
func locationWord(l *decode.Location) uint64 {
	return uint64(l.OccurredAt_ms)*foldK1 + uint64(l.ID)*foldK2 +
		(uint64(uint32(l.X_mm))<<32|uint64(uint32(l.Y_mm)))*foldK3 +
		(uint64(uint32(l.Z_mm))<<32|uint64(l.Sensor)<<8|uint64(decode.KindLocation))*foldK4
}

// otherWord is the word of a message of another kind than location, which
// d has just decoded from line: its Checksum, with the live_id of a marker.
//
//go:noinline
func otherWord(d Decoder, line []byte, m *decode.Message) uint64 {
	var id []byte
	if m.Kind == decode.KindMarker {
		id = d.LiveID(line, m)
	}
	var c Checksum
	c.Add(m, id)
	return c.Sum()
}

// add returns f with m folded in, which d has just decoded from line.
func (f passFold) add(d Decoder, line []byte, m *decode.Message) passFold {
	if m.Kind == decode.KindLocation {
		return f.with(locationWord(&m.Location))
	}
	return f.with(otherWord(d, line, m))
}

// foldPass decodes every message of c with d into m and returns the pass's
// passFold: what a timed pass runs. It returns errStopped once done is
// closed, which it looks at every stopEvery messages (nil: never).
func foldPass(d Decoder, c *Corpus, m *decode.Message, done <-chan struct{}) (passFold, error) {
	f := newPassFold()
	for lo := 0; lo < len(c.Ends); lo += stopEvery {
		if stopped(done) {
			return 0, errStopped
		}
		for j := lo; j < min(lo+stopEvery, len(c.Ends)); j++ {
			line := c.Data[c.Starts[j]:c.Ends[j]]
			if err := d.Decode(line, m); err != nil {
				return 0, passError{j, err}
			}
			// add, by hand: the call would cost more than the fold.
			if m.Kind == decode.KindLocation {
				f = f.with(locationWord(&m.Location))
			} else {
				f = f.with(otherWord(d, line, m))
			}
		}
	}
	return f, nil
}

// stopEvery is how many messages a pass decodes between two looks at
// whether to stop (Ctrl-C): a pass over a three-hour corpus, 3 million
// messages, takes seconds, and a look costs a few ns, lost in the
// decoding of 65 536 messages.
const stopEvery = 1 << 16

// errStopped is a pass that stopped as its done channel was closed.
var errStopped = errors.New("bench: stopped")

// stopped reports whether done is closed (never, for nil).
func stopped(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// passError is a decoder's error on message i (from 0) of a pass.
type passError struct {
	i   int
	err error
}

func (e passError) Error() string { return fmt.Sprintf("message %d: %v", e.i+1, e.err) }
func (e passError) Unwrap() error { return e.err }
