package bench

import (
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
// Text is compared as it appears on the wire (stmotion keeps escapes, the
// peers unescape), so corpora whose live_id holds escapes would differ;
// generated corpora have none.
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

// Add folds one decoded message in; liveID is the marker's live_id text
// (ignored for other kinds).
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
