package synth

import (
	"sort"
	"strconv"

	"github.com/stmotion/stmotion/decode"
)

// Wire formatting. Lines are built with strconv.Append* into a reused
// buffer (no encoding/json), byte for byte in the seed's shapes, e.g.
//
//	{"type":"location","data":{"occurred_at":1500571321532,"type":"PLAYER","id":2942,"x":2314,"y":-8635,"z":69}}
//	{"type":"stats","data":{"occurred_at":1484865816836,"team_id":461,"player_id":123,"stats":{"FGA":4.0,"PTS":4.0,"FG":2.0},"classification":"TWO_POINT_MAKE","version":317}}
//	{"type":"shot","data":{"occurred_at":1484865816836,"team_id":461,"player_id":123,"is_make":true,"is_3point":true,"zone":1,"hoop_player_x":12,"hoop_player_y":3,"status":"RECORDED"}}
//	{"type":"marker","data":{"occurred_at":1478800197300,"type":"PLAY_START"}}

var (
	statNames   = decode.StatNames()
	classNames  = decode.ClassificationNames()
	markerNames = decode.MarkerTypeNames()
)

func appendLocation(b []byte, occ_ms int64, isBall bool, id int64, x, y, z int64) []byte {
	b = append(b, `{"type":"location","data":{"occurred_at":`...)
	b = strconv.AppendInt(b, occ_ms, 10)
	if isBall {
		b = append(b, `,"type":"BALL","id":`...)
	} else {
		b = append(b, `,"type":"PLAYER","id":`...)
	}
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"x":`...)
	b = strconv.AppendInt(b, x, 10)
	b = append(b, `,"y":`...)
	b = strconv.AppendInt(b, y, 10)
	b = append(b, `,"z":`...)
	b = strconv.AppendInt(b, z, 10)
	return append(b, "}}\n"...)
}

func appendMarker(b []byte, occ_ms int64, t decode.MarkerType, liveID string) []byte {
	b = append(b, `{"type":"marker","data":{"occurred_at":`...)
	b = strconv.AppendInt(b, occ_ms, 10)
	if liveID != "" {
		b = append(b, `,"live_id":"`...)
		b = append(b, liveID...)
		b = append(b, '"')
	}
	b = append(b, `,"type":"`...)
	b = append(b, markerNames[t]...)
	return append(b, "\"}}\n"...)
}

// appendStat writes a box-score value; counts are written with one decimal
// as the seed does ("FGA":4.0).
func appendStat(b []byte, v float64) []byte {
	return strconv.AppendFloat(b, v, 'f', 1, 64)
}

func appendStats(b []byte, p *pending, version int64) []byte {
	b = append(b, `{"type":"stats","data":{"occurred_at":`...)
	b = strconv.AppendInt(b, p.occ_ms, 10)
	b = append(b, `,"team_id":`...)
	b = strconv.AppendInt(b, p.team, 10)
	b = append(b, `,"player_id":`...)
	b = strconv.AppendInt(b, p.player, 10)
	b = append(b, `,"stats":{`...)
	for i := 0; i < p.n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, statNames[p.keys[i]]...)
		b = append(b, `":`...)
		b = appendStat(b, p.vals[i])
	}
	b = append(b, `},"classification":"`...)
	b = append(b, classNames[p.class]...)
	b = append(b, `","version":`...)
	b = strconv.AppendInt(b, version, 10)
	return append(b, "}}\n"...)
}

func appendShot(b []byte, p *pending) []byte {
	b = append(b, `{"type":"shot","data":{"occurred_at":`...)
	b = strconv.AppendInt(b, p.occ_ms, 10)
	b = append(b, `,"team_id":`...)
	b = strconv.AppendInt(b, p.team, 10)
	b = append(b, `,"player_id":`...)
	b = strconv.AppendInt(b, p.player, 10)
	b = append(b, `,"is_make":`...)
	b = strconv.AppendBool(b, p.shot.IsMake)
	b = append(b, `,"is_3point":`...)
	b = strconv.AppendBool(b, p.shot.Is3Point)
	b = append(b, `,"zone":`...)
	b = strconv.AppendInt(b, int64(p.shot.Zone), 10)
	b = append(b, `,"hoop_player_x":`...)
	b = strconv.AppendInt(b, p.shot.HoopPlayerX_mm, 10)
	b = append(b, `,"hoop_player_y":`...)
	b = strconv.AppendInt(b, p.shot.HoopPlayerY_mm, 10)
	b = append(b, `,"status":"RECORDED"}}`...)
	return append(b, '\n')
}

// pending is a marker, stats or shot message waiting for its delivery time.
type pending struct {
	deliver_ms int64 // relative to the session start
	seq        int64 // creation order, breaks ties
	kind       decode.Kind
	occ_ms     int64 // absolute epoch ms

	marker decode.MarkerType
	liveID string

	team, player int64
	class        decode.Classification
	n            int
	keys         [6]decode.Stat
	vals         [6]float64

	shot decode.ShotRecord
}

// emitter queues non-location messages and formats them when they are due.
// Stats versions are given at delivery, so they increase in arrival order.
type emitter struct {
	q       []pending
	seq     int64
	version int64
	buf     []byte
	counts  [decode.NumKinds]int64
}

func (e *emitter) push(p pending) {
	e.seq++
	p.seq = e.seq
	e.q = append(e.q, p)
}

// flush writes, in delivery order, every message due at or before now_ms.
func (e *emitter) flush(now_ms int64, write func([]byte)) {
	if len(e.q) == 0 {
		return
	}
	sort.Slice(e.q, func(i, j int) bool {
		if e.q[i].deliver_ms != e.q[j].deliver_ms {
			return e.q[i].deliver_ms < e.q[j].deliver_ms
		}
		return e.q[i].seq < e.q[j].seq
	})
	n := 0
	for n < len(e.q) && e.q[n].deliver_ms <= now_ms {
		p := &e.q[n]
		b := e.buf[:0]
		switch p.kind {
		case decode.KindMarker:
			b = appendMarker(b, p.occ_ms, p.marker, p.liveID)
		case decode.KindStats:
			e.version++
			b = appendStats(b, p, e.version)
		case decode.KindShot:
			b = appendShot(b, p)
		}
		e.counts[p.kind]++
		write(b)
		e.buf = b
		n++
	}
	e.q = append(e.q[:0], e.q[n:]...)
}
