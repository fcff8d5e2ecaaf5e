package decode

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// render prints the decoded part of m in one canonical line: spans as their
// unescaped text, optional fields only when present, floats exactly. Tests
// compare renderings so that a failure shows input, got and want readably;
// the fuzz test renders its encoding/json reference the same way.
func render(src []byte, m *Message) string {
	var b strings.Builder
	txt := func(s Span) string { return strconv.Quote(string(s.AppendUnescaped(nil, src))) }
	b.WriteString(m.Kind.String())
	switch m.Kind {
	case KindUnknown:
		fmt.Fprintf(&b, " type=%s", txt(m.TypeText))
	case KindLocation:
		l := &m.Location
		fmt.Fprintf(&b, " t=%d sensor=%v%s id=%d x=%d y=%d z=%d",
			l.OccurredAt_ms, l.Sensor, txt(l.SensorText), l.ID, l.X_mm, l.Y_mm, l.Z_mm)
	case KindStats:
		s := &m.Stats
		fmt.Fprintf(&b, " t=%d", s.OccurredAt_ms)
		if s.Present&HasTeamID != 0 {
			fmt.Fprintf(&b, " team=%d", s.TeamID)
		}
		if s.Present&HasPlayerID != 0 {
			fmt.Fprintf(&b, " player=%d", s.PlayerID)
		}
		if s.Present&HasVersion != 0 {
			fmt.Fprintf(&b, " version=%d", s.Version)
		}
		if s.Present&HasClassification != 0 {
			fmt.Fprintf(&b, " class=%v%s", s.Classification, txt(s.ClassText))
		}
		for st := Stat(0); int(st) < NumStats; st++ {
			if s.Has.Has(st) {
				fmt.Fprintf(&b, " %v=%s", st, strconv.FormatFloat(s.Values[st], 'g', -1, 64))
			}
		}
		fmt.Fprintf(&b, " unknown=%d", s.NumUnknown)
	case KindShot:
		s := &m.Shot
		fmt.Fprintf(&b, " t=%d", s.OccurredAt_ms)
		if s.Present&HasTeamID != 0 {
			fmt.Fprintf(&b, " team=%d", s.TeamID)
		}
		if s.Present&HasPlayerID != 0 {
			fmt.Fprintf(&b, " player=%d", s.PlayerID)
		}
		if s.Present&HasIsMake != 0 {
			fmt.Fprintf(&b, " make=%v", s.IsMake)
		}
		if s.Present&HasIs3Point != 0 {
			fmt.Fprintf(&b, " 3pt=%v", s.Is3Point)
		}
		if s.Present&HasZone != 0 {
			fmt.Fprintf(&b, " zone=%d", s.Zone)
		}
		if s.Present&HasHoopPlayerXY != 0 {
			fmt.Fprintf(&b, " hoop=%d,%d", s.HoopPlayerX_mm, s.HoopPlayerY_mm)
		}
		if s.Present&HasStatus != 0 {
			st := "UNKNOWN"
			if s.Status == ShotStatusRecorded {
				st = "RECORDED"
			}
			fmt.Fprintf(&b, " status=%s%s", st, txt(s.StatusText))
		}
	case KindMarker:
		mk := &m.Marker
		fmt.Fprintf(&b, " t=%d type=%v%s", mk.OccurredAt_ms, mk.Type, txt(mk.TypeText))
		if mk.Present&HasLiveID != 0 {
			fmt.Fprintf(&b, " live_id=%s", txt(mk.LiveID))
		}
	case KindAck:
		a := &m.Ack
		if a.Present&HasSocketSessionID != 0 {
			fmt.Fprintf(&b, " session=%s", txt(a.SocketSessionID))
		}
		if a.Present&HasMaxInputBufferSize != 0 {
			fmt.Fprintf(&b, " maxbuf=%d", a.MaxInputBufferSizeInBytes)
		}
		if a.Present&HasConnectionTimeout != 0 {
			fmt.Fprintf(&b, " timeout_ms=%d", a.ConnectionTimeout_ms)
		}
		if a.Present&HasAction != 0 {
			fmt.Fprintf(&b, " action=%s", txt(a.Action))
		}
	case KindError:
		e := &m.Error
		fmt.Fprintf(&b, " status=%d", e.Status)
		if e.Present&HasMessage != 0 {
			fmt.Fprintf(&b, " message=%s", txt(e.Message))
		}
		if e.Present&HasRequestID != 0 {
			fmt.Fprintf(&b, " request=%s", txt(e.RequestID))
		}
	}
	return b.String()
}

type okCase struct {
	name string
	in   string
	want string
}

func runOK(t *testing.T, cases []okCase) {
	t.Helper()
	var d Decoder
	for _, c := range cases {
		var m Message
		err := d.Decode([]byte(c.in), &m)
		if err != nil {
			t.Errorf("%s: Decode(%s)\n error: %v\n want: %s", c.name, c.in, err, c.want)
			continue
		}
		if got := render([]byte(c.in), &m); got != c.want {
			t.Errorf("%s: Decode(%s)\n got:  %s\n want: %s", c.name, c.in, got, c.want)
		}
	}
}

// seedExamples are the example messages of the ShotTracker API document,
// verbatim (the intro examples had typographic quotes, replaced by ASCII).
var seedExamples = []okCase{
	{"intro stats", `{"type":"stats","data":{"occurred_at":1500571319432,"team_id":461,"player_id":2623,"stats":{"FGA":15.0,"FG":8.0,"PTS":17.0},"classification":"TWO_POINT_MAKE","version":1941}}`,
		`stats t=1500571319432 team=461 player=2623 version=1941 class=TWO_POINT_MAKE"TWO_POINT_MAKE" FGA=15 FG=8 PTS=17 unknown=0`},
	{"intro stats deleted", `{"type":"stats","data":{"occurred_at":1500571319432,"team_id":461,"player_id":2623,"stats":{"FGA":14.0,"FG":7.0,"PTS":15.0},"classification":"DELETED_TWO_POINT_MAKE","version":1942}}`,
		`stats t=1500571319432 team=461 player=2623 version=1942 class=DELETED_TWO_POINT_MAKE"DELETED_TWO_POINT_MAKE" FGA=14 FG=7 PTS=15 unknown=0`},
	{"intro shot", `{"type":"shot","data":{"occurred_at":1500571319432,"team_id":461,"player_id":2623,"is_make":true,"is_3point":false,"zone":1,"hoop_player_x":685,"hoop_player_y":-475,"status":"RECORDED"}}`,
		`shot t=1500571319432 team=461 player=2623 make=true 3pt=false zone=1 hoop=685,-475 status=RECORDED"RECORDED"`},
	{"intro player", `{"type":"location","data":{"occurred_at":1500571321532,"type":"PLAYER","id":2942,"x":2314,"y":-8635,"z":69}}`,
		`location t=1500571321532 sensor=PLAYER"PLAYER" id=2942 x=2314 y=-8635 z=69`},
	{"intro ball", `{"type":"location","data":{"occurred_at":1500571321532,"type":"BALL","id":2147549498,"x":-6039,"y":-8833,"z":1705}}`,
		`location t=1500571321532 sensor=BALL"BALL" id=2147549498 x=-6039 y=-8833 z=1705`},
	{"ack", `{"data":{"socketSessionId":"2edbccd1","serverAttributes":{"maxInputBufferSizeInBytes":8192,"connectionTimeoutInMs":120000}},"action":"subscribe","type":"ack"}`,
		`ack session="2edbccd1" maxbuf=8192 timeout_ms=120000 action="subscribe"`},
	{"pong", `{"type":"pong"}`, `pong`},
	{"stats response", `{"type":"stats","data":{"occurred_at":1484865816836,"team_id":461,"player_id":123,"stats":{"FGA":4.0,"PTS":4.0,"FG":2.0},"classification":"TWO_POINT_MAKE","version":317}}`,
		`stats t=1484865816836 team=461 player=123 version=317 class=TWO_POINT_MAKE"TWO_POINT_MAKE" FGA=4 FG=2 PTS=4 unknown=0`},
	{"shots response", `{"type":"shot","data":{"occurred_at":1484865816836,"team_id":461,"player_id":123,"is_make":true,"is_3point":true,"zone":1,"hoop_player_x":12,"hoop_player_y":3,"status":"RECORDED"}}`,
		`shot t=1484865816836 team=461 player=123 make=true 3pt=true zone=1 hoop=12,3 status=RECORDED"RECORDED"`},
	{"location response", `{"type":"location","data":{"occurred_at":1478800197342,"type":"PLAYER","id":123,"x":123,"y":456,"z":789}}`,
		`location t=1478800197342 sensor=PLAYER"PLAYER" id=123 x=123 y=456 z=789`},
	{"play start", `{"type":"marker","data":{"occurred_at":1478800197300,"type":"PLAY_START"}}`, `marker t=1478800197300 type=PLAY_START"PLAY_START"`},
	{"end first half", `{"type":"marker","data":{"occurred_at":1478800197333,"type":"END_FIRST_HALF"}}`, `marker t=1478800197333 type=END_FIRST_HALF"END_FIRST_HALF"`},
	{"play next", `{"type":"marker","data":{"occurred_at":1478800197339,"live_id":"a1140480-e1d5-4684-a619-402984b5c9ba","type":"PLAY_NEXT"}}`,
		`marker t=1478800197339 type=PLAY_NEXT"PLAY_NEXT" live_id="a1140480-e1d5-4684-a619-402984b5c9ba"`},
	{"start second half", `{"type":"marker","data":{"occurred_at":1478800197366,"type":"START_SECOND_HALF"}}`, `marker t=1478800197366 type=START_SECOND_HALF"START_SECOND_HALF"`},
	{"play end", `{"type":"marker","data":{"occurred_at":1478800197400,"type":"PLAY_END"}}`, `marker t=1478800197400 type=PLAY_END"PLAY_END"`},
	{"drill start", `{"type":"marker","data":{"occurred_at":1478800197300,"type":"DRILL_START"}}`, `marker t=1478800197300 type=DRILL_START"DRILL_START"`},
	{"drill end", `{"type":"marker","data":{"occurred_at":1478800197333,"type":"DRILL_END"}}`, `marker t=1478800197333 type=DRILL_END"DRILL_END"`},
	{"drill next", `{"type":"marker","data":{"occurred_at":1478800197339,"live_id":"a1e80480-e1d5-4684-a619-402984b5c9ba","type":"DRILL_NEXT"}}`,
		`marker t=1478800197339 type=DRILL_NEXT"DRILL_NEXT" live_id="a1e80480-e1d5-4684-a619-402984b5c9ba"`},
	{"practice end", `{"type":"marker","data":{"occurred_at":1478800197400,"type":"PRACTICE_END"}}`, `marker t=1478800197400 type=PRACTICE_END"PRACTICE_END"`},
	{"live", `{"type":"marker","data":{"occurred_at":1478800197300,"type":"LIVE"}}`, `marker t=1478800197300 type=LIVE"LIVE"`},
	{"paused", `{"type":"marker","data":{"occurred_at":1478800197300,"type":"PAUSED"}}`, `marker t=1478800197300 type=PAUSED"PAUSED"`},
	{"foul", `{"type":"marker","data":{"occurred_at":1478800197300,"type":"FOUL"}}`, `marker t=1478800197300 type=FOUL"FOUL"`},
	{"error 400", "{\n  \"status\": 400,\n  \"message\": \"The live id is no longer active\",\n  \"shottrackerRequestId\": \"f1e80480-e1d5-4684-a619-402984b5c9ba\"\n}",
		`error status=400 message="The live id is no longer active" request="f1e80480-e1d5-4684-a619-402984b5c9ba"`},
	{"error 403", "{\n  \"status\": 403,\n  \"message\": \"No access to LOCATIONS|STATS|SHOTS data\",\n  \"shottrackerRequestId\": \"f1e80480-e1d5-4684-a619-402984b5c9ba\"\n}",
		`error status=403 message="No access to LOCATIONS|STATS|SHOTS data" request="f1e80480-e1d5-4684-a619-402984b5c9ba"`},
	{"error 404", "{\n  \"status\": 404,\n  \"message\": \"Invalid id\",\n  \"shottrackerRequestId\": \"f1e80480-e1d5-4684-a619-402984b5c9ba\"\n}",
		`error status=404 message="Invalid id" request="f1e80480-e1d5-4684-a619-402984b5c9ba"`},
	{"error 422", "{\n  \"status\": 422,\n  \"message\": \"Notify id not found\",\n  \"shottrackerRequestId\": \"f1e80480-e1d5-4684-a619-402984b5c9ba\"\n}",
		`error status=422 message="Notify id not found" request="f1e80480-e1d5-4684-a619-402984b5c9ba"`},
	{"error 500", "{\n  \"status\": 500,\n  \"message\": \"<General System Error Message>\",\n  \"shottrackerRequestId\": \"f1e80480-e1d5-4684-a619-402984b5c9ba\"\n}",
		`error status=500 message="<General System Error Message>" request="f1e80480-e1d5-4684-a619-402984b5c9ba"`},
}

func TestDecodeSeedExamples(t *testing.T) { runOK(t, seedExamples) }

func TestDecodeLocation(t *testing.T) {
	const want = `location t=1478800197342 sensor=BALL"BALL" id=2147549498 x=-6039 y=-8833 z=1705`
	runOK(t, []okCase{
		{"canonical", `{"type":"location","data":{"occurred_at":1478800197342,"type":"BALL","id":2147549498,"x":-6039,"y":-8833,"z":1705}}`, want},
		{"trailing newline", "{\"type\":\"location\",\"data\":{\"occurred_at\":1478800197342,\"type\":\"BALL\",\"id\":2147549498,\"x\":-6039,\"y\":-8833,\"z\":1705}}\r\n", want},
		{"type after data", `{"data":{"z":1705,"y":-8833,"x":-6039,"id":2147549498,"type":"BALL","occurred_at":1478800197342},"type":"location"}`, want},
		{"whitespace", " \t{ \"type\" : \"location\" ,\n \"data\" : {\r\n \"occurred_at\" : 1478800197342 , \"type\" : \"BALL\" , \"id\" : 2147549498 , \"x\" : -6039 , \"y\" : -8833 , \"z\" : 1705 } } \n", want},
		{"integers as floats", `{"type":"location","data":{"occurred_at":1478800197342.000,"type":"BALL","id":2147549498.0,"x":-6039.0,"y":-8.833e3,"z":170500E-2}}`, want},
		{"unknown keys", `{"seq":[1,{"a":[true,false,null]},"x\"}"],"type":"location","meta":{"k":{"type":"shot"}},"data":{"occurred_at":1478800197342,"v":{"x":1},"type":"BALL","note":"a\\\"b\u00e9\ud83c\udfc0","id":2147549498,"x":-6039,"w":-1.5e-7,"y":-8833,"z":1705,"empty":{},"e2":[]}}`, want},
		{"escaped keys and values", `{"\u0074ype":"loc\u0061tion","data":{"occurred_at":1478800197342,"typ\u0065":"B\u0041LL","id":2147549498,"\u0078":-6039,"y":-8833,"z":1705}}`,
			`location t=1478800197342 sensor=BALL"BALL" id=2147549498 x=-6039 y=-8833 z=1705`},
		{"unknown sensor", `{"type":"location","data":{"occurred_at":1,"type":"REF","id":7,"x":0,"y":-0,"z":0}}`,
			`location t=1 sensor=UNKNOWN"REF" id=7 x=0 y=0 z=0`},
		{"int32 limits", `{"type":"location","data":{"occurred_at":-1,"type":"PLAYER","id":-9223372036854775808,"x":2147483647,"y":-2147483648,"z":0}}`,
			`location t=-1 sensor=PLAYER"PLAYER" id=-9223372036854775808 x=2147483647 y=-2147483648 z=0`},
		{"long escaped key after an escaped x", `{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"\u0078":5,"y":2,"z":3,"x":4,"` + strings.Repeat(`\u0078`, 40) + `":9}}`,
			`location t=1 sensor=PLAYER"PLAYER" id=1 x=4 y=2 z=3`},
		{"duplicate key: last wins", `{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":2,"z":3,"x":4}}`,
			`location t=1 sensor=PLAYER"PLAYER" id=1 x=4 y=2 z=3`},
		{"duplicate data: last wins", `{"type":"location","data":{"occurred_at":9,"type":"BALL","id":9,"x":9,"y":9,"z":9},"data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":2,"z":3}}`,
			`location t=1 sensor=PLAYER"PLAYER" id=1 x=1 y=2 z=3`},
		{"duplicate type: last wins", `{"type":"marker","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":2,"z":3},"type":"location"}`,
			`location t=1 sensor=PLAYER"PLAYER" id=1 x=1 y=2 z=3`},
	})
}

func TestDecodeStats(t *testing.T) {
	runOK(t, []okCase{
		{"every stat", `{"type":"stats","data":{"occurred_at":5,"stats":{"FGA":1,"FG":2,"FGA3":3,"FG3":4,"FTA":5,"FT":6,"PTS":7,"AST":8,"TO":9,"STL":10,"REB":11,"OFFENSIVE_REB":12,"DEFENSIVE_REB":13,"DIST":123456.75}}}`,
			`stats t=5 FGA=1 FG=2 FGA3=3 FG3=4 FTA=5 FT=6 PTS=7 AST=8 TO=9 STL=10 REB=11 OFFENSIVE_REB=12 DEFENSIVE_REB=13 DIST=123456.75 unknown=0`},
		{"exponents and negatives", `{"type":"stats","data":{"occurred_at":5,"stats":{"DIST":1.5e3,"PTS":-2E+0,"FG":12345678901234567890,"FGA":0.1,"AST":1e-400}}}`,
			`stats t=5 FGA=0.1 FG=1.2345678901234567e+19 PTS=-2 AST=0 DIST=1500 unknown=0`},
		{"unknown stat keys", `{"type":"stats","data":{"stats":{"BLK":1,"FGA":2,"PF":{"x":[1]},"A":null,"B":"s","C":1},"occurred_at":5}}`,
			`stats t=5 FGA=2 unknown=5`},
		{"nulls", `{"type":"stats","data":{"occurred_at":5,"team_id":null,"player_id":null,"version":null,"classification":null,"stats":{"FGA":null,"FG":1}}}`,
			`stats t=5 FG=1 unknown=0`},
		{"stats null", `{"type":"stats","data":{"occurred_at":5,"stats":null}}`, `stats t=5 unknown=0`},
		{"no stats", `{"type":"stats","data":{"occurred_at":5}}`, `stats t=5 unknown=0`},
		{"unknown classification", `{"type":"stats","data":{"occurred_at":5,"classification":"BLOCK"}}`, `stats t=5 class=UNKNOWN"BLOCK" unknown=0`},
		{"ids as floats", `{"type":"stats","data":{"occurred_at":5.0,"team_id":461.0,"player_id":2623e0,"version":19.41e2}}`,
			`stats t=5 team=461 player=2623 version=1941 unknown=0`},
		{"repeated stat: last wins", `{"type":"stats","data":{"occurred_at":5,"stats":{"FGA":1,"FGA":2,"FG":1,"FG":null}}}`, `stats t=5 FGA=2 unknown=0`},
	})

	// Every classification and every stat name round-trips.
	var d Decoder
	var m Message
	for c := Classification(1); int(c) < NumClassifications; c++ {
		in := []byte(`{"type":"stats","data":{"occurred_at":1,"classification":"` + c.String() + `"}}`)
		if err := d.Decode(in, &m); err != nil || m.Stats.Classification != c || m.Stats.Present&HasClassification == 0 {
			t.Errorf("Decode(%s) = %v, class %v; want %v", in, err, m.Stats.Classification, c)
		}
		if c.IsCorrection() != (strings.HasPrefix(c.String(), "DELETED_") || strings.HasPrefix(c.String(), "UPDATED_")) {
			t.Errorf("%v.IsCorrection() = %v", c, c.IsCorrection())
		}
	}
	for st := Stat(0); int(st) < NumStats; st++ {
		in := []byte(`{"type":"stats","data":{"occurred_at":1,"stats":{"` + st.String() + `":42.5}}}`)
		if err := d.Decode(in, &m); err != nil || m.Stats.Has != 1<<st || m.Stats.Values[st] != 42.5 {
			t.Errorf("Decode(%s) = %v, has %b values %v; want only %v = 42.5", in, err, m.Stats.Has, m.Stats.Values, st)
		}
	}
	in := []byte(`{"type":"stats","data":{"occurred_at":1,"stats":{"A":1,"B\u0042":2,"C":3,"D":4,"E":5}}}`)
	if err := d.Decode(in, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, s := range m.Stats.UnknownKeys {
		keys = append(keys, string(s.Text(in)))
	}
	if got, want := fmt.Sprint(m.Stats.NumUnknown, keys), `5 [A B\u0042 C D]`; got != want {
		t.Errorf("Decode(%s) unknown keys = %s, want %s", in, got, want)
	}
	if dist, ok := m.Stats.DIST_cm(); ok || dist != 0 {
		t.Errorf("DIST_cm() = %v, %v; want 0, false", dist, ok)
	}
}

func TestDecodeShotMarkerAckError(t *testing.T) {
	runOK(t, []okCase{
		{"shot minimal", `{"type":"shot","data":{"occurred_at":1}}`, `shot t=1`},
		{"shot zone 14 floats", `{"data":{"zone":14.0,"hoop_player_x":-1.2e3,"hoop_player_y":0,"is_make":false,"occurred_at":1,"status":"PENDING"},"type":"shot"}`,
			`shot t=1 make=false zone=14 hoop=-1200,0 status=UNKNOWN"PENDING"`},
		{"shot nulls", `{"type":"shot","data":{"occurred_at":1,"team_id":null,"is_make":null,"is_3point":null,"zone":null,"hoop_player_x":null,"hoop_player_y":null,"status":null}}`, `shot t=1`},
		{"marker unknown type", `{"type":"marker","data":{"type":"HALFTIME_SHOW","occurred_at":3}}`, `marker t=3 type=UNKNOWN"HALFTIME_SHOW"`},
		{"marker escaped live id", `{"type":"marker","data":{"occurred_at":3,"type":"PLAY_NEXT","live_id":"a\/b\u00e9"}}`, `marker t=3 type=PLAY_NEXT"PLAY_NEXT" live_id="a/bé"`},
		{"ack without data", `{"type":"ack","action":"subscribe"}`, `ack action="subscribe"`},
		{"ack null data", `{"type":"ack","data":null}`, `ack`},
		{"ack partial", `{"type":"ack","data":{"serverAttributes":{"connectionTimeoutInMs":60000.0,"other":[1]}}}`, `ack timeout_ms=60000`},
		{"pong with data", `{"type":"pong","data":[1,2,{"x":"y"}]}`, `pong`},
		{"unknown type", `{"type":"score","data":{"home":1}}`, `unknown type="score"`},
		{"unknown type with bad data shape", `{"type":"score","data":5}`, `unknown type="score"`},
		{"error minimal", `{"status":500}`, `error status=500`},
		{"error escaped", `{"message":"bad \"id\"\n","status":404,"shottrackerRequestId":null}`, `error status=404 message="bad \"id\"\n"`},
	})
}

// untouched fills every part of a Message with values no input here
// decodes to, so that a part Decode should leave alone shows when it was
// written (TestDecodeLeavesOtherParts, FuzzDecode).
var untouched = Message{
	Kind:     KindPong,
	TypeText: Span{1, 2},
	Location: Location{OccurredAt_ms: 777, Sensor: SensorBall, SensorText: Span{3, 4}, ID: 777, X_mm: 7, Y_mm: 77, Z_mm: 777},
	Stats: Stats{OccurredAt_ms: 778, TeamID: 1, PlayerID: 2, Version: 3, Present: HasTeamID | HasVersion,
		Classification: ClassSteal, ClassText: Span{5, 6}, Values: [NumStats]float64{1, 2, 3}, Has: 7,
		NumUnknown: 1, UnknownKeys: [4]Span{{1, 2}}},
	Shot:   Shot{OccurredAt_ms: 779, TeamID: 4, IsMake: true, Zone: 3, HoopPlayerX_mm: 1, HoopPlayerY_mm: 2, Status: ShotStatusRecorded, StatusText: Span{5, 6}, Present: HasZone},
	Marker: Marker{OccurredAt_ms: 780, Type: MarkerFoul, TypeText: Span{7, 8}, LiveID: Span{9, 10}, Present: HasLiveID},
	Ack:    Ack{SocketSessionID: Span{9, 10}, Action: Span{1, 2}, MaxInputBufferSizeInBytes: 8192, ConnectionTimeout_ms: 5, Present: HasAction},
	Error:  APIError{Status: 599, Message: Span{11, 12}, Present: HasMessage},
}

// otherPartsChanged says which parts of m, besides the one m.Kind names,
// differ from untouched ("" when none).
func otherPartsChanged(m *Message) string {
	var changed []string
	for _, p := range []struct {
		kind Kind
		same bool
	}{
		{KindLocation, m.Location == untouched.Location},
		{KindStats, m.Stats == untouched.Stats},
		{KindShot, m.Shot == untouched.Shot},
		{KindMarker, m.Marker == untouched.Marker},
		{KindAck, m.Ack == untouched.Ack},
		{KindError, m.Error == untouched.Error},
	} {
		if p.kind != m.Kind && !p.same {
			changed = append(changed, p.kind.String())
		}
	}
	return strings.Join(changed, ", ")
}

// Decode fills only the part of the Message its result's kind names, also
// when a repeated "type" replaces the one "data" was first decoded under.
func TestDecodeLeavesOtherParts(t *testing.T) {
	const loc = `{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":2,"z":3}`
	var d Decoder
	for _, c := range []okCase{
		{"location then stats", `{"type":"location","data":` + loc + `,"type":"stats"}`, `stats t=1 unknown=0`},
		{"stats then shot", `{"type":"stats","data":{"occurred_at":5,"stats":{"PTS":2}},"type":"shot"}`, `shot t=5`},
		{"marker then pong", `{"type":"marker","data":{"occurred_at":1,"type":"LIVE"},"type":"pong"}`, `pong`},
		{"ack then unknown", `{"type":"ack","data":{"socketSessionId":"s"},"type":"score"}`, `unknown type="score"`},
		{"stats then null type: error body", `{"type":"stats","data":{"occurred_at":1},"type":null,"status":500}`, `error status=500`},
		{"shot, location, shot", `{"type":"shot","data":{"occurred_at":1},"type":"location","data":` + loc + `,"type":"shot"}`, `shot t=1`},
		{"location, stats, location", `{"type":"location","data":` + loc + `,"type":"stats","data":{"occurred_at":2},"type":"location","data":` + loc + `}`,
			`location t=1 sensor=PLAYER"PLAYER" id=1 x=1 y=2 z=3`},
		{"type after data", `{"data":` + loc + `,"type":"stats"}`, `stats t=1 unknown=0`},
		{"canonical location", `{"type":"location","data":` + loc + `}`, `location t=1 sensor=PLAYER"PLAYER" id=1 x=1 y=2 z=3`},
	} {
		m := untouched
		if err := d.Decode([]byte(c.in), &m); err != nil {
			t.Errorf("%s: Decode(%s): %v; want %s", c.name, c.in, err, c.want)
			continue
		}
		if got := render([]byte(c.in), &m); got != c.want {
			t.Errorf("%s: Decode(%s)\n got:  %s\n want: %s", c.name, c.in, got, c.want)
		}
		if changed := otherPartsChanged(&m); changed != "" {
			t.Errorf("%s: Decode(%s) = %v, but changed the %s part", c.name, c.in, m.Kind, changed)
		}
	}
}

type errCase struct {
	name   string
	in     string
	err    error
	offset int
	field  string
}

func TestDecodeErrors(t *testing.T) {
	loc := func(data string) string { return `{"type":"location","data":{` + data + `}}` }
	const locOK = `"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":1,"z":1`
	cases := []errCase{
		{"empty", ``, ErrSyntax, 0, ""},
		{"spaces", `   `, ErrSyntax, 3, ""},
		{"truncated", `{"type":"location","data":{"occurred_at":1`, ErrSyntax, 42, "data"},
		{"trailing garbage", `{"type":"pong"} x`, ErrSyntax, 16, ""},
		{"two objects", `{"type":"pong"}{"type":"pong"}`, ErrSyntax, 15, ""},
		{"leading zero", loc(`"occurred_at":01`), ErrSyntax, 42, "data"}, // "0" ended; the '1' is between members
		{"bad escape", `{"type":"po\x"}`, ErrSyntax, 12, "type"},
		{"control char in string", "{\"type\":\"po\x01ng\"}", ErrSyntax, 11, "type"},
		{"fraction without digits", loc(`"occurred_at":1,"type":"PLAYER","id":1,"x":1.,"y":1,"z":1`), ErrSyntax, 72, "data.x"},
		{"bad literal in int", loc(`"occurred_at":1,"type":"PLAYER","id":1,"x":tru,"y":1,"z":1`), ErrSyntax, 73, "data.x"},
		{"exponent without digits", `{"type":"stats","data":{"occurred_at":1,"stats":{"FGA":1e}}}`, ErrSyntax, 57, "data.stats.FGA"},
		{"no value", loc(`"occurred_at":1,"x":`), ErrSyntax, 47, "data.x"},
		{"data before type", `{"data":{"occurred_at":1,"x":1.},"type":"location"}`, ErrSyntax, 31, "data.x"},
		{"after a type error", loc(`"occurred_at":"1","y":-}`), ErrSyntax, 50, "data.y"},
		{"escaped key", loc(`"\u0078":1.`), ErrSyntax, 38, "data.x"},
		{"inside an array value", `{"type":"shot","data":{"zone":[1,tru]}}`, ErrSyntax, 36, "data.zone"},
		{"unknown data key", loc(`"w":[1,]`), ErrSyntax, 34, "data"},
		{"between data members", loc(`"occurred_at":1,`), ErrSyntax, 43, "data"},
		{"unknown stat", `{"type":"stats","data":{"occurred_at":1,"stats":{"BLK":tru}}}`, ErrSyntax, 58, "data.stats"},
		{"server attribute", `{"type":"ack","data":{"serverAttributes":{"connectionTimeoutInMs":1.}}}`, ErrSyntax, 68, "data.serverAttributes.connectionTimeoutInMs"},
		{"error message", `{"status":500,"message":"a\q"}`, ErrSyntax, 27, "message"},
		{"after data", `{"type":"pong","data":{},}`, ErrSyntax, 25, ""},
		{"missing colon", `{"type" "pong"}`, ErrSyntax, 8, ""},
		{"trailing comma", `{"type":"pong",}`, ErrSyntax, 15, ""},
		{"bad literal", `{"type":"pong","x":nul}`, ErrSyntax, 22, ""},
		{"syntax beats type", `{"type":"location","data":{"x":"a"},"y":[}`, ErrSyntax, 41, ""},
		{"too deep", `{"x":` + strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth) + `}`, ErrSyntax, 5 + maxDepth - 1, ""},
		{"not an object", `[1,2]`, ErrType, 0, ""},
		{"null", ` null`, ErrType, 1, ""},
		{"type not a string", `{"type":5}`, ErrType, 8, "type"},
		{"data not an object", `{"type":"location","data":[]}`, ErrType, 26, "data"},
		{"string for int", loc(`"occurred_at":"1"`), ErrType, 41, "data.occurred_at"},
		{"fraction for int", loc(`"occurred_at":1,"type":"PLAYER","id":1,"x":15.5,"y":1,"z":1`), ErrType, 70, "data.x"},
		{"tiny fraction for int", loc(`"occurred_at":1,"type":"PLAYER","id":1e-1,"x":1,"y":1,"z":1`), ErrType, 64, "data.id"},
		{"number for sensor type", loc(`"occurred_at":1,"type":1`), ErrType, 50, "data.type"},
		{"bool as string", `{"type":"shot","data":{"occurred_at":1,"is_make":"true"}}`, ErrType, 49, "data.is_make"},
		{"stat as string", `{"type":"stats","data":{"occurred_at":1,"stats":{"PTS":"2"}}}`, ErrType, 55, "data.stats.PTS"},
		{"stats as array", `{"type":"stats","data":{"occurred_at":1,"stats":[]}}`, ErrType, 48, "data.stats"},
		{"status as string", `{"status":"500"}`, ErrType, 10, "status"},
		{"action as number", `{"type":"ack","action":1}`, ErrType, 23, "action"},
		{"missing type", `{"data":{}}`, ErrMissing, 0, "type"},
		{"null type", ` {"type":null}`, ErrMissing, 1, "type"},
		{"missing data", `{"type":"location"}`, ErrMissing, 0, "data"},
		{"null data", `{"type":"marker","data":null}`, ErrMissing, 0, "data"},
		{"missing occurred_at", loc(`"type":"PLAYER","id":1,"x":1,"y":1,"z":1`), ErrMissing, 26, "data.occurred_at"},
		{"missing z", loc(`"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":1`), ErrMissing, 26, "data.z"},
		{"null id", loc(`"occurred_at":1,"type":"PLAYER","id":null,"x":1,"y":1,"z":1`), ErrMissing, 26, "data.id"},
		{"later null clears", loc(locOK + `,"x":null`), ErrMissing, 26, "data.x"},
		{"missing marker type", `{"type":"marker","data":{"occurred_at":1}}`, ErrMissing, 24, "data.type"},
		{"missing stats time", `{"type":"stats","data":{"stats":{}}}`, ErrMissing, 23, "data.occurred_at"},
		{"hoop x without y", `{"type":"shot","data":{"occurred_at":1,"hoop_player_x":5}}`, ErrMissing, 22, "data.hoop_player_y"},
		{"error without status", `{"status":null,"message":"x"}`, ErrMissing, 0, "status"},
		{"x beyond int32", loc(`"occurred_at":1,"type":"PLAYER","id":1,"x":2147483648,"y":1,"z":1`), ErrRange, 70, "data.x"},
		{"y below int32", loc(`"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":-2147483649,"z":1`), ErrRange, 76, "data.y"},
		{"id beyond int64", loc(`"occurred_at":1,"type":"PLAYER","id":9223372036854775808,"x":1,"y":1,"z":1`), ErrRange, 64, "data.id"},
		{"huge exponent", loc(`"occurred_at":1e999999999999,"type":"PLAYER","id":1,"x":1,"y":1,"z":1`), ErrRange, 41, "data.occurred_at"},
		{"zone 0", `{"type":"shot","data":{"occurred_at":1,"zone":0}}`, ErrRange, 46, "data.zone"},
		{"zone 15", `{"type":"shot","data":{"occurred_at":1,"zone":15}}`, ErrRange, 46, "data.zone"},
		{"float overflow", `{"type":"stats","data":{"occurred_at":1,"stats":{"DIST":1e309}}}`, ErrRange, 56, "data.stats.DIST"},
	}
	var d Decoder
	for _, c := range cases {
		var m Message
		err := d.Decode([]byte(c.in), &m)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: Decode(%.80q) = %v (%s); want *Error wrapping %v", c.name, c.in, err, render([]byte(c.in), &m), c.err)
			continue
		}
		if !errors.Is(err, c.err) || e.Offset != c.offset || e.Field != c.field || m.Kind != KindUnknown {
			t.Errorf("%s: Decode(%.80q)\n got:  %v (offset %d, field %q, kind %v)\n want: %v at offset %d, field %q", c.name, c.in, err, e.Offset, e.Field, m.Kind, c.err, c.offset, c.field)
		}
	}
}

// A syntax error in the value of a field has the Field that a value of
// the wrong type there has, for every field of every kind.
func TestSyntaxErrorField(t *testing.T) {
	var tmpl []string // %s is the value
	add := func(format string, keys ...string) {
		for _, k := range keys {
			tmpl = append(tmpl, strings.ReplaceAll(format, "KEY", k))
		}
	}
	add(`{"type":"location","data":{"KEY":%s}}`, "occurred_at", "type", "id", "x", "y", "z")
	add(`{"type":"stats","data":{"KEY":%s}}`, "occurred_at", "team_id", "player_id", "version", "classification", "stats")
	add(`{"type":"stats","data":{"stats":{"KEY":%s}}}`, statNamesSlice()...)
	add(`{"type":"shot","data":{"KEY":%s}}`, "occurred_at", "team_id", "player_id", "is_make", "is_3point", "zone", "hoop_player_x", "hoop_player_y", "status")
	add(`{"type":"marker","data":{"KEY":%s}}`, "occurred_at", "type", "live_id")
	add(`{"type":"ack","data":{"KEY":%s}}`, "socketSessionId", "serverAttributes")
	add(`{"type":"ack","data":{"serverAttributes":{"KEY":%s}}}`, "maxInputBufferSizeInBytes", "connectionTimeoutInMs")
	add(`{"type":"ack","KEY":%s}`, "action")
	add(`{"status":500,"KEY":%s}`, "message", "shottrackerRequestId")
	add(`{"KEY":%s}`, "type", "status")
	add(`{"type":"location","KEY":%s}`, "data")
	var d Decoder
	var m Message
	for _, f := range tmpl {
		in := fmt.Sprintf(f, `[]`)
		var want *Error
		if err := d.Decode([]byte(in), &m); !errors.As(err, &want) || want.Err != ErrType || want.Field == "" {
			t.Errorf("Decode(%s) = %v; want a wrong type error with a Field", in, err)
			continue
		}
		for _, v := range []string{`tru`, `1.`, `-`, `"\x"`, "\"\x01\"", `[1,]`, `{"a":}`, `}`} {
			in := fmt.Sprintf(f, v)
			var e *Error
			if err := d.Decode([]byte(in), &m); !errors.As(err, &e) || e.Err != ErrSyntax || e.Field != want.Field {
				t.Errorf("Decode(%s) = %v (field %q); want a syntax error in field %q", in, err, fieldOf(e), want.Field)
			}
		}
	}
}

// A raw control character in a string, tab, newline and CR included, is
// reported as one, with its escape; outside strings a control character is
// just unexpected.
func TestSyntaxErrorControlCharacter(t *testing.T) {
	marker := func(liveID string) string {
		return `{"type":"marker","data":{"occurred_at":1,"type":"LIVE","live_id":"` + liveID + `"}}`
	}
	for _, c := range []struct{ in, detail string }{
		{marker("a\nb"), `control character U+000A in string (write it as \n)`},
		{marker("a\tb"), `control character U+0009 in string (write it as \t)`},
		{marker("a\rb"), `control character U+000D in string (write it as \r)`},
		{marker("a\x01b"), `control character U+0001 in string (write it as \u0001)`},
		{marker("a\x1fb"), `control character U+001F in string (write it as \u001F)`},
		{marker("a\x08b"), `control character U+0008 in string (write it as \b)`},
		{"{\"type\":\"pong\",\"x\ty\":1}", `control character U+0009 in string (write it as \t)`},             // in a key
		{"{\"type\":\"pong\",\"x\":[{\"y\":\"\n\"}]}", `control character U+000A in string (write it as \n)`}, // nested, unknown key
		{"{\"type\":\"pong\",\"x\":1.\n}", `unexpected "\n}"`},
		{"{\"type\":\"pong\",\"x\":\x01}", `unexpected "\x01}"`},
		{"{\"type\":\"pong\"}\x01", `unexpected "\x01"`},
	} {
		var d Decoder
		var m Message
		var e *Error
		if err := d.Decode([]byte(c.in), &m); !errors.As(err, &e) || e.Err != ErrSyntax || e.Detail != c.detail {
			t.Errorf("Decode(%q) = %v; want a syntax error: %s", c.in, err, c.detail)
		}
	}
}

func fieldOf(e *Error) string {
	if e == nil {
		return "<nil>"
	}
	return e.Field
}

func TestErrorString(t *testing.T) {
	e := &Error{Offset: 57, Line: 12, Field: "data.x", Err: ErrType, Detail: "want an integer, got 15.5"}
	if got, want := e.Error(), "decode: line 12: offset 57: data.x: wrong type: want an integer, got 15.5"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &Error{Offset: 3, Err: ErrSyntax}
	if got, want := e.Error(), "decode: offset 3: syntax error"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	for _, s := range []error{ErrSyntax, ErrType, ErrMissing, ErrRange} {
		if err := error(&Error{Err: s}); !errors.Is(err, s) {
			t.Errorf("errors.Is(%v, %v) = false", err, s)
		}
	}
}

// TestFastPathAgrees decodes canonical location lines with the fast path
// and with the general decoder and compares every field, spans included.
func TestFastPathAgrees(t *testing.T) {
	var d Decoder
	ins := []string{
		`{"type":"location","data":{"occurred_at":1478800197342,"type":"PLAYER","id":123,"x":123,"y":456,"z":789}}`,
		`{"type":"location","data":{"occurred_at":0,"type":"BALL","id":2147549498,"x":-6039,"y":-8833,"z":-0}}` + "\n",
		`{"type":"location","data":{"occurred_at":-5,"type":"PLAYER","id":9999999999999999,"x":2147483647,"y":-2147483648,"z":0}}` + " \r\n",
	}
	for _, in := range ins {
		var fast, general Message
		if !d.fastLocation([]byte(in), &fast) {
			t.Errorf("fast path refused %s", in)
			continue
		}
		p := parser{d: &d, src: []byte(in), m: &general}
		if err := p.message(); err != nil {
			t.Errorf("general decoder: %s: %v", in, err)
			continue
		}
		if fast != general {
			t.Errorf("%s\n fast:    %+v\n general: %+v", in, fast, general)
		}
	}
	// Inputs the fast path must hand over (not canonical, or not valid).
	for _, in := range []string{
		`{"type":"location","data":{"occurred_at":01,"type":"PLAYER","id":1,"x":1,"y":1,"z":1}}`,
		`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1.0,"y":1,"z":1}}`,
		`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":2147483648,"y":1,"z":1}}`,
		`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":1,"z":1}} x`,
		`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":1,"z":1},"data":{}}`,
		`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":-,"y":1,"z":1}}`,
		`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":1,"z":1,"x":2}}`,
		`{"type":"location","data":{"occurred_at":1234567890123456789,"type":"PLAYER","id":1,"x":1,"y":1,"z":1}}`,
		`{"type":"location","data":{"occurred_at":12345678901234567,"type":"PLAYER","id":1,"x":1,"y":1,"z":1}}`,
		`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":00000000000000001,"x":1,"y":1,"z":1}}`,
		`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":01234567,"x":1,"y":1,"z":1}}`,
		`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":1,"z":-}}`,
		`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":1,"z":1}`,
		`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":1,"z":1}}}`,
	} {
		var m Message
		if d.fastLocation([]byte(in), &m) {
			t.Errorf("fast path accepted %s", in)
		}
	}
}

func TestDecodeAllocs(t *testing.T) {
	ins := map[string]string{
		"location":          `{"type":"location","data":{"occurred_at":1478800197342,"type":"PLAYER","id":123,"x":123,"y":456,"z":789}}`,
		"location shuffled": `{ "data" : { "z":789, "y":456.0, "x":123, "id":123, "type":"PLAYER", "occurred_at":1478800197342 }, "type" : "location" }`,
		"stats":             `{"type":"stats","data":{"occurred_at":1484865816836,"team_id":461,"player_id":123,"stats":{"FGA":4.0,"PTS":4.0,"FG":2.0,"DIST":123456.789e1,"XYZ":1},"classification":"TWO_POINT_MAKE","version":317}}`,
		"shot":              `{"type":"shot","data":{"occurred_at":1484865816836,"team_id":461,"player_id":123,"is_make":true,"is_3point":true,"zone":1,"hoop_player_x":12,"hoop_player_y":3,"status":"RECORDED"}}`,
		"marker":            `{"type":"marker","data":{"occurred_at":1478800197339,"live_id":"a1140480-e1d5-4684-a619-402984b5c9ba","type":"PLAY_NEXT"}}`,
		"ack":               `{"data":{"socketSessionId":"2edbccd1","serverAttributes":{"maxInputBufferSizeInBytes":8192,"connectionTimeoutInMs":120000}},"action":"subscribe","type":"ack"}`,
		"pong":              `{"type":"pong"}`,
		"error":             `{"status":400,"message":"The live id is no longer active","shottrackerRequestId":"f1e80480-e1d5-4684-a619-402984b5c9ba"}`,
		"escapes":           `{"type":"m\u0061rker","data":{"occurred_at":1,"\u0074ype":"PL\u0041Y_START","x":[{"y":"\ud83c\udfc0"}]}}`,
		"long float":        `{"type":"stats","data":{"occurred_at":1,"stats":{"DIST":1234567890.12345678901234567890123456789}}}`,
	}
	var d Decoder
	var m Message
	for name, in := range ins {
		src := []byte(in)
		if err := d.Decode(src, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := testing.AllocsPerRun(100, func() { _ = d.Decode(src, &m) }); n != 0 {
			t.Errorf("%s: %v allocs per Decode, want 0", name, n)
		}
	}
}

func TestAppendUnescaped(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`plain`, "plain"},
		{`a\"b\\c\/d\b\f\n\r\t`, "a\"b\\c/d\b\f\n\r\t"},
		{`\u00e9\u20AC\ud83c\udfc0`, "é€🏀"},
		{`\ud800x`, "\ufffdx"},
		{`\ud800\u0041`, "\ufffdA"},
		{"bad \xff utf8", "bad \ufffd utf8"},
	} {
		src := []byte(`"` + c.in + `"`)
		got := string(Span{1, int32(len(src) - 1)}.AppendUnescaped(nil, src))
		if got != c.want {
			t.Errorf("AppendUnescaped(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestOtherPartsUntouched checks that Decode fills only the part of the
// Message that Kind selects, also when "data" precedes "type" (where the
// decoder guesses location while reading).
func TestOtherPartsUntouched(t *testing.T) {
	var d Decoder
	var m Message
	loc := []byte(`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":7,"x":1,"y":2,"z":3}}`)
	if err := d.Decode(loc, &m); err != nil {
		t.Fatal(err)
	}
	want := m.Location
	for _, in := range []string{
		`{"data":{"occurred_at":9,"type":"BALL","id":9,"x":9,"y":9,"z":9},"type":"marker"}`,
		`{"data":{"occurred_at":9,"type":"BALL","id":9,"x":9,"y":9,"z":9},"type":"pong"}`,
		`{"data":{"occurred_at":9,"type":"BALL","id":9,"x":9,"y":9,"z":9},"status":500}`,
		`{"data":{"occurred_at":9,"stats":{"PTS":2}},"type":"stats"}`,
		`{"data":{"occurred_at":9,"type":"BALL","id":9,"x":9,"y":9,"z":9},"type":"location","type":"shot"}`,
	} {
		if err := d.Decode([]byte(in), &m); err != nil {
			t.Fatalf("Decode(%s): %v", in, err)
		}
		if m.Location != want {
			t.Errorf("Decode(%s) (%v) changed Location:\n got:  %+v\n want: %+v", in, m.Kind, m.Location, want)
		}
	}
}

// TestFastPathNumbers puts many number spellings into every number slot of
// a canonical location line (and varies its end) and checks that Decode,
// fast path included, gives exactly what the general decoder gives.
func TestFastPathNumbers(t *testing.T) {
	nums := []string{"0", "-0", "7", "-7", "00", "01", "-01", "10", "12345678", "-12345678", "123456789",
		"00000000", "000000001", "1234567890123456", "-1234567890123456", "12345678901234567",
		"123456789012345678", "1234567890123456789", "99999999999999999999", "2147483647", "2147483648",
		"-2147483648", "-2147483649", "1.0", "1.5", "1e2", "-", "", "1478800197342", "2147549498"}
	ends := []string{"", "\n", " \r\n", " x", "}", "\x00"}
	var d Decoder
	check := func(in string) {
		t.Helper()
		var got, want Message
		gerr := d.Decode([]byte(in), &got)
		p := parser{d: &d, src: []byte(in), m: &want}
		werr := p.message()
		if werr != nil {
			want.Kind = KindUnknown
		}
		if (gerr == nil) != (werr == nil) || (gerr == nil && got != want) ||
			(gerr != nil && gerr.Error() != werr.Error()) {
			t.Errorf("%q:\n Decode:  %v %+v\n general: %v %+v", in, gerr, got.Location, werr, want.Location)
		}
	}
	for slot := 0; slot < 5; slot++ {
		for _, n := range nums {
			v := []string{"1478800197342", "2942", "2314", "-8635", "69"}
			v[slot] = n
			for _, sensor := range []string{"PLAYER", "BALL"} {
				for _, end := range ends {
					check(`{"type":"location","data":{"occurred_at":` + v[0] + `,"type":"` + sensor + `","id":` + v[1] +
						`,"x":` + v[2] + `,"y":` + v[3] + `,"z":` + v[4] + `}}` + end)
				}
			}
		}
	}
	// Every prefix of a canonical line (truncated input) must fail alike.
	line := `{"type":"location","data":{"occurred_at":1478800197342,"type":"BALL","id":2147549498,"x":-6039,"y":-8833,"z":1705}}`
	for k := 0; k <= len(line); k++ {
		check(line[:k])
	}
}

// TestLocKeyScan checks the location key table: every key finds its
// field, and every other key (near misses, escapes, long keys) is handed
// back to the caller.
func TestLocKeyScan(t *testing.T) {
	const pad = `:1,"padding":"0123456789abcdef"}`
	for k, name := range []string{"occurred_at", "type", "id", "x", "y", "z"} {
		src := []byte(`"` + name + `"` + pad)
		if got, end, ok := locKeyScan(src, 0); got != k || end != len(name)+2 || !ok {
			t.Errorf("locKeyScan(%q) = %d, %d, %v; want %d, %d, true", src, got, end, ok, k, len(name)+2)
		}
	}
	for _, name := range []string{"", "X", "xx", "i", "ix", "typ", "typee", "tYpe", "occurred_a", "occurred_atx", "occurred-at",
		"xccurred_at", "idid", "0123456789abcde", "0123456789abcdef", "0123456789abcdefg", `\u0078`, `x\n`, "x\x01", "x\x00",
		"occurred_at\x00"} {
		src := []byte(`"` + name + `"` + pad)
		if got, _, ok := locKeyScan(src, 0); ok {
			t.Errorf("locKeyScan(%q) took field %d; want it handed back", src, got)
		}
	}
}

// TestSkipWS compares skipWS with a byte loop at every start offset of
// inputs whose whitespace runs end anywhere, also in the last word (read
// there from the input's last 8 bytes) and at the end of the input.
func TestSkipWS(t *testing.T) {
	naive := func(src []byte, i int) int {
		for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
			i++
		}
		return i
	}
	for _, in := range []string{"", " ", "x", " \t\r\n", "{ \t\r\n}", "       x", "        ", "         ",
		`{"a" :  1 ,	"b":2 }`, "\x00 \x0b \x0c \x1f \xa0 \x20", "0123456789  \t\r\n ", "0123456789  \t\r\n x",
		"0123456789 \x00 ", "\t\t\t\t\t\t\t\t\t\t\t\t}"} {
		src := []byte(in)
		for i := 0; i <= len(src); i++ {
			if got, want := skipWS(src, i), naive(src, i); got != want {
				t.Errorf("skipWS(%q, %d) = %d; want %d", in, i, got, want)
			}
		}
	}
}

// TestLooseLocationAgrees checks the shortcut for location messages with
// any key order and whitespace: what it takes, message() decodes to the
// same value, and it leaves every other shape (and every error) to
// message() without touching m.
func TestLooseLocationAgrees(t *testing.T) {
	const data = `{ "z" : 69, "id" : 2942,	"x" : 2314, "occurred_at" : 1478800197342, "y" : -8635, "type" : "PLAYER" }`
	for _, tc := range []struct {
		in   string
		take bool
	}{
		{`{ "data" : ` + data + `, "type" : "location" }`, true},
		{`{"type":"location","data":` + data + `}`, true},
		{" \t{\"type\"\t:\t\"location\"\t,\t\"data\"\t:\t" + data + "\t}\r\n", true},
		{`{"data":{"occurred_at":1,"type":"BALL","id":2147549498,"x":1.0,"y":1e1,"z":-0}   ,"type":"location"}`, true},
		{`{"data":` + data + `,"type":"location","type":"location"}`, false},
		{`{"data":` + data + `,"data":` + data + `}`, false},
		{`{"type":"location","type":"location","data":` + data + `}`, false},
		{`{"data":` + data + `,"type":"stats"}`, false},
		{`{"data":` + data + `,"type":"location","extra":1}`, false},
		{`{"type":"location","data":` + data + `} x`, false},
		{`{"type":"location","data":` + data + `,}`, false},
		{`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":1}}`, false},
		{`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":1,"z":1.5}}`, false},
		{`{"type":"location","data":null}`, false},
		{`{"type":"loc\u0061tion","data":` + data + `}`, false},
		{`{"typ\u0065":"location","data":` + data + `}`, false},
	} {
		var d Decoder
		var loose, general Message
		loose.Kind = KindPong // to see that a refusal leaves m alone
		p := parser{d: &d, src: []byte(tc.in), m: &loose}
		if got := p.looseLocation(); got != tc.take {
			t.Errorf("looseLocation(%s) = %v; want %v", tc.in, got, tc.take)
			continue
		}
		if !tc.take {
			if loose != (Message{Kind: KindPong}) {
				t.Errorf("looseLocation(%s) refused but changed m: %+v", tc.in, loose)
			}
			continue
		}
		p = parser{d: &d, src: []byte(tc.in), m: &general}
		if err := p.message(); err != nil {
			t.Errorf("message(%s): %v", tc.in, err)
			continue
		}
		if loose != general {
			t.Errorf("%s\n loose:   %+v\n general: %+v", tc.in, loose, general)
		}
	}
}

func statNamesSlice() []string {
	names := StatNames()
	return names[:]
}
