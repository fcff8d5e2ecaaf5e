package bench

import (
	"encoding/json"

	gojson "github.com/goccy/go-json"

	"github.com/stmotion/stmotion/decode"
)

// A Decoder decodes one message (one corpus line) into m. It may keep state
// between calls (a reused struct); one Decoder serves one goroutine.
//
// Text fields are not part of decode.Message for peers (they have no spans
// into the input), so a Decoder also reports the marker's live_id through
// LiveID, which the checksum includes. Timed passes call it after every
// marker they decode (see Measure), so it should not allocate.
type Decoder interface {
	Decode(line []byte, m *decode.Message) error
	// LiveID returns the live_id text of the last decoded marker, line,
	// with its JSON escapes decoded, valid until the next call.
	LiveID(line []byte, m *decode.Message) []byte
}

// Peer is a decoder the harness measures.
type Peer struct {
	Name string // "stmotion", "encoding/json", "goccy/go-json", "sonic"
	// New returns a fresh decoder, or an error saying why this peer cannot
	// run on this machine (sonic needs amd64/arm64 and a Go version it knows).
	New func() (Decoder, error)
}

// Peers returns the decoders measured side by side, ours first.
func Peers() []Peer {
	return []Peer{
		{Name: "stmotion", New: newStmotion},
		{Name: "encoding/json", New: func() (Decoder, error) { return &wireDecoder{unmarshal: json.Unmarshal}, nil }},
		{Name: "goccy/go-json", New: func() (Decoder, error) { return &wireDecoder{unmarshal: gojson.Unmarshal}, nil }},
		{Name: "sonic", New: newSonic},
	}
}

// wireMessage is the natural struct a Go program would decode a ShotTracker
// message into with a reflection-based JSON library: one struct for every
// message type (the "type" key selects which fields mean something), stats
// in a map. It also covers the API's error body, which has no "type".
type wireMessage struct {
	Type      string   `json:"type"`
	Action    string   `json:"action"`
	Data      wireData `json:"data"`
	Status    *int     `json:"status"`
	Message   string   `json:"message"`
	RequestID string   `json:"shottrackerRequestId"`
}

type wireData struct {
	OccurredAt_ms int64  `json:"occurred_at"`
	Type          string `json:"type"` // location: PLAYER/BALL; marker: its type
	// location
	ID   int64 `json:"id"`
	X_mm int32 `json:"x"`
	Y_mm int32 `json:"y"`
	Z_mm int32 `json:"z"`
	// stats
	TeamID         int64              `json:"team_id"`
	PlayerID       int64              `json:"player_id"`
	Stats          map[string]float64 `json:"stats"`
	Classification string             `json:"classification"`
	Version        int64              `json:"version"`
	// shot
	IsMake         bool   `json:"is_make"`
	Is3Point       bool   `json:"is_3point"`
	Zone           uint8  `json:"zone"`
	HoopPlayerX_mm int32  `json:"hoop_player_x"`
	HoopPlayerY_mm int32  `json:"hoop_player_y"`
	Status         string `json:"status"`
	// marker
	LiveID string `json:"live_id"`
	// ack
	SocketSessionID  string `json:"socketSessionId"`
	ServerAttributes struct {
		MaxInputBufferSizeInBytes int64 `json:"maxInputBufferSizeInBytes"`
		ConnectionTimeoutInMs     int64 `json:"connectionTimeoutInMs"`
	} `json:"serverAttributes"`
}

// wireDecoder decodes with a reflection-based library into a wireMessage,
// then switches on its type to fill the same decode.Message stmotion fills.
type wireDecoder struct {
	unmarshal func([]byte, any) error
	w         wireMessage
	liveID    []byte // LiveID's result, reused
}

func (d *wireDecoder) Decode(line []byte, m *decode.Message) error {
	d.w = wireMessage{} // a fresh map per stats message, as Unmarshal would merge into an old one
	if err := d.unmarshal(line, &d.w); err != nil {
		return err
	}
	fromWire(&d.w, m)
	return nil
}

func (d *wireDecoder) LiveID([]byte, *decode.Message) []byte {
	d.liveID = append(d.liveID[:0], d.w.Data.LiveID...)
	return d.liveID
}

var (
	statByName   = map[string]decode.Stat{}
	classByName  = map[string]decode.Classification{}
	markerByName = map[string]decode.MarkerType{}
)

func init() {
	for i, n := range decode.StatNames() {
		statByName[n] = decode.Stat(i)
	}
	for i, n := range decode.ClassificationNames() {
		if i > 0 {
			classByName[n] = decode.Classification(i)
		}
	}
	for i, n := range decode.MarkerTypeNames() {
		if i > 0 {
			markerByName[n] = decode.MarkerType(i)
		}
	}
}

// fromWire is the type switch that turns a wireMessage into a decode.Message.
func fromWire(w *wireMessage, m *decode.Message) {
	d := &w.Data
	switch w.Type {
	case "location":
		m.Kind = decode.KindLocation
		l := &m.Location
		*l = decode.Location{OccurredAt_ms: d.OccurredAt_ms, ID: d.ID, X_mm: d.X_mm, Y_mm: d.Y_mm, Z_mm: d.Z_mm}
		switch d.Type {
		case "PLAYER":
			l.Sensor = decode.SensorPlayer
		case "BALL":
			l.Sensor = decode.SensorBall
		}
	case "stats":
		m.Kind = decode.KindStats
		s := &m.Stats
		*s = decode.Stats{OccurredAt_ms: d.OccurredAt_ms, TeamID: d.TeamID, PlayerID: d.PlayerID, Version: d.Version}
		s.Classification = classByName[d.Classification]
		for k, v := range d.Stats {
			if st, ok := statByName[k]; ok {
				s.Values[st] = v
				s.Has.Add(st)
			} else {
				s.NumUnknown++
			}
		}
	case "shot":
		m.Kind = decode.KindShot
		m.Shot = decode.Shot{OccurredAt_ms: d.OccurredAt_ms, TeamID: d.TeamID, PlayerID: d.PlayerID,
			IsMake: d.IsMake, Is3Point: d.Is3Point, Zone: d.Zone,
			HoopPlayerX_mm: d.HoopPlayerX_mm, HoopPlayerY_mm: d.HoopPlayerY_mm}
		if d.Status == "RECORDED" {
			m.Shot.Status = decode.ShotStatusRecorded
		}
	case "marker":
		m.Kind = decode.KindMarker
		m.Marker = decode.Marker{OccurredAt_ms: d.OccurredAt_ms, Type: markerByName[d.Type]}
	case "ack":
		m.Kind = decode.KindAck
		m.Ack = decode.Ack{
			MaxInputBufferSizeInBytes: d.ServerAttributes.MaxInputBufferSizeInBytes,
			ConnectionTimeout_ms:      d.ServerAttributes.ConnectionTimeoutInMs,
		}
	case "pong":
		m.Kind = decode.KindPong
	case "":
		if w.Status != nil {
			m.Kind = decode.KindError
			m.Error = decode.APIError{Status: *w.Status}
			return
		}
		m.Kind = decode.KindUnknown
	default:
		m.Kind = decode.KindUnknown
	}
}
