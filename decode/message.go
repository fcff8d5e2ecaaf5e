package decode

// Span locates a piece of text inside the input a Message was decoded from,
// as byte offsets [Start, End). Spans let a Message refer to strings (ids,
// unknown keys, messages) without allocating: they stay meaningful only
// while the caller keeps the input bytes unchanged.
type Span struct {
	Start, End int32
}

// Text returns the bytes the span covers in src (the same input that was
// decoded). For a JSON string the quotes are excluded and escapes are left
// as they appear on the wire. An empty span gives nil.
func (s Span) Text(src []byte) []byte {
	if s.End <= s.Start || int(s.End) > len(src) || s.Start < 0 {
		return nil
	}
	return src[s.Start:s.End]
}

// Len is the length of the span in bytes.
func (s Span) Len() int { return int(s.End - s.Start) }

// Kind is the value of a message's top-level "type" key.
type Kind uint8

const (
	KindUnknown  Kind = iota // a "type" this package does not know; see Message.TypeText
	KindLocation             // "location"
	KindStats                // "stats"
	KindShot                 // "shot"
	KindMarker               // "marker"
	KindAck                  // "ack"
	KindPong                 // "pong"
	KindError                // an API error body {status, message, shottrackerRequestId}
	numKinds
)

// NumKinds is the number of Kind values, for arrays indexed by Kind.
const NumKinds = int(numKinds)

var kindNames = [...]string{"unknown", "location", "stats", "shot", "marker", "ack", "pong", "error"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// SensorType is the "type" of a location message.
type SensorType uint8

const (
	SensorUnknown SensorType = iota
	SensorPlayer             // "PLAYER"
	SensorBall               // "BALL"
)

func (s SensorType) String() string {
	switch s {
	case SensorPlayer:
		return "PLAYER"
	case SensorBall:
		return "BALL"
	}
	return "UNKNOWN"
}

// Location is one xyz sample of a player or ball sensor, in the sensor frame.
type Location struct {
	OccurredAt_ms int64 // epoch milliseconds
	Sensor        SensorType
	SensorText    Span  // the raw "type" text, useful when Sensor is SensorUnknown
	ID            int64 // player id, or the ball id (2147549498 does not fit int32)
	X_mm          int32
	Y_mm          int32
	Z_mm          int32
}

// Present is a bit set of optional fields that were present and not null.
type Present uint16

const (
	HasTeamID Present = 1 << iota
	HasPlayerID
	HasVersion
	HasClassification
	HasZone
	HasHoopPlayerXY
	HasStatus
	HasIsMake
	HasIs3Point
	HasLiveID
	HasSocketSessionID    // Ack
	HasAction             // Ack
	HasMaxInputBufferSize // Ack
	HasConnectionTimeout  // Ack
	HasMessage            // APIError
	HasRequestID          // APIError
)

// Stats is a box-score update for one player: the newest cumulative value of
// each stat it names. Values are kept in a fixed array indexed by Stat
// (no map); Has says which ones the message carried.
type Stats struct {
	OccurredAt_ms  int64
	TeamID         int64
	PlayerID       int64
	Version        int64
	Present        Present
	Classification Classification
	ClassText      Span // raw classification text (set whenever present)
	Values         [NumStats]float64
	Has            StatSet
	// Unknown stat keys: how many there were, and the spans of the first
	// few keys (their text is recoverable from the input).
	NumUnknown  int
	UnknownKeys [4]Span
}

// DIST_cm returns the feed's cumulative distance stat in centimetres and
// whether the message carried it.
func (s *Stats) DIST_cm() (float64, bool) {
	return s.Values[StatDIST], s.Has.Has(StatDIST)
}

// ShotStatus is the "status" of a shot message.
type ShotStatus uint8

const (
	ShotStatusUnknown  ShotStatus = iota
	ShotStatusRecorded            // "RECORDED"
)

// Shot is a made or missed shot, located relative to the hoop: +y from the
// hoop toward center court, +x to the hoop's right, in mm.
type Shot struct {
	OccurredAt_ms  int64
	TeamID         int64
	PlayerID       int64
	Present        Present
	IsMake         bool
	Is3Point       bool
	Zone           uint8 // 1-14
	HoopPlayerX_mm int32
	HoopPlayerY_mm int32
	Status         ShotStatus
	StatusText     Span
}

// Marker is a game, practice or clock-state marker.
type Marker struct {
	OccurredAt_ms int64
	Type          MarkerType
	TypeText      Span // raw marker type text
	LiveID        Span // PLAY_NEXT / DRILL_NEXT: the next live id (raw JSON string contents)
	Present       Present
}

// Ack is the websocket's answer to a subscription.
type Ack struct {
	SocketSessionID           Span
	Action                    Span
	MaxInputBufferSizeInBytes int64
	ConnectionTimeout_ms      int64
	Present                   Present // HasSocketSessionID, HasAction, HasMaxInputBufferSize, HasConnectionTimeout
}

// APIError is the REST API's error body.
type APIError struct {
	Status    int
	Message   Span
	RequestID Span    // shottrackerRequestId
	Present   Present // HasMessage, HasRequestID
}

// Message is one decoded websocket message or recording line. It is a
// caller-owned, reusable value: Decode overwrites only the part selected by
// Kind (and resets it first), so a single Message can serve a whole stream
// without allocating. Spans refer to the input passed to Decode and are
// valid only as long as those bytes are.
type Message struct {
	Kind     Kind
	TypeText Span // raw top-level "type" text (for KindUnknown)

	Location Location
	Stats    Stats
	Shot     Shot
	Marker   Marker
	Ack      Ack
	Error    APIError
}

// OccurredAt_ms returns the message's occurred_at, or 0 for kinds without one.
func (m *Message) OccurredAt_ms() int64 {
	switch m.Kind {
	case KindLocation:
		return m.Location.OccurredAt_ms
	case KindStats:
		return m.Stats.OccurredAt_ms
	case KindShot:
		return m.Shot.OccurredAt_ms
	case KindMarker:
		return m.Marker.OccurredAt_ms
	}
	return 0
}
