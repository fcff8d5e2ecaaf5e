package decode

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// FuzzDecode is a differential test against encoding/json.
//
// The reference decodes the input with encoding/json into structs shaped
// like the messages (strings as *string, bools as *bool, objects as
// structs and maps), and interprets what encoding/json cannot express the
// same way on its own: numbers are json.RawMessage, converted here with
// math/big (integer fields accept any integer-valued spelling, 15.0 or
// 1.5e1, as ours does) and strconv.ParseFloat (float fields, as
// encoding/json does); null is absent; the required fields are those of
// doc.go. The reference's result is rendered like ours (render) and must
// match exactly.
//
// Where encoding/json's rules differ from ours on purpose, the input is
// marked ambiguous and the result is not compared with the reference (the
// other properties are checked):
//   - case-insensitive key matching ("TYPE" or "ſtats" fills the type /
//     stats field there; for us only the exact key, after unescaping, counts);
//   - repeated keys (encoding/json merges repeated objects and lets null
//     leave a field unchanged; we let the last value replace the earlier one,
//     with null removing it).
//
// Invalid UTF-8 needs no exception: both accept it inside strings (json.Valid
// does not check it), and both turn it into U+FFFD when unescaping.
//
// The properties, for every input:
//  1. Decode never panics; errors are *Error with an offset inside the input.
//  2. Decode reports ErrSyntax exactly when json.Valid rejects the input.
//  3. Unless ambiguous: Decode succeeds exactly when the reference does, and
//     then both give the same message.
//  4. When the fast path accepts, the general decoder gives the same message.
//  5. On success, every part of the Message but the one m.Kind names is as
//     it was before Decode (doc.go), repeated keys included: a second
//     "type" must not leave the data decoded under the first in its part.
//
// Run: go test ./decode -run=^$ -fuzz=FuzzDecode -fuzztime=3m
func FuzzDecode(f *testing.F) {
	for _, c := range seedExamples {
		f.Add([]byte(c.in))
	}
	for _, s := range []string{
		`{"data":{"z":1705,"y":-8833,"x":-6039,"id":2147549498,"type":"BALL","occurred_at":1478800197342},"type":"location"}`,
		`{"type":"location","data":{"occurred_at":1478800197342.0,"type":"PLAYER","id":1.5e1,"x":-0,"y":15.5,"z":1e400}}`,
		`{"type":"stats","data":{"occurred_at":5,"stats":{"FGA":1e-3,"DIST":12345.678,"BLK":{"a":[1]},"PTS":null},"classification":"UPDATED_THREE_POINT_MISS_TO_MAKE"}}`,
		`{"type":"shot","data":{"occurred_at":1,"zone":14,"hoop_player_x":-1,"hoop_player_y":2,"is_make":null}}`,
		`{"\u0074ype":"marker","data":{"occurred_at":3,"type":"PLAY\u005fNEXT","live_id":"\ud83c\udfc0\ud800"}}`,
		`{"type":"ack","data":{"serverAttributes":null},"action":null}`,
		`{"status":404,"message":null}`,
		`{"TYPE":"pong","Data":{}}`,
		`{"type":"location","type":"pong"}`,
		`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":1,"x":1,"y":2,"z":3},"type":"stats"}`,
		`{"type":"stats","data":{"occurred_at":1,"stats":{"PTS":2}},"type":null,"status":500}`,
		"{\"type\":\"location\",\"data\":{\"occurred_at\":1478800197342,\"type\":\"BALL\",\"id\":2147549498,\"x\":-6039,\"y\":-8833,\"z\":1705}}\r\n",
		`{"type":"location","data":{"occurred_at":12345678901234567,"type":"PLAYER","id":1234567890123456,"x":-0,"y":00,"z":2147483648}}`,
		"{\"type\":\"marker\",\"data\":{\"occurred_at\":1,\"type\":\"LIVE\",\"live_id\":\"\xff\"}}",
	} {
		f.Add([]byte(s))
	}
	var d Decoder
	f.Fuzz(func(t *testing.T, in []byte) { checkDifferential(t, &d, in) })
}

// checkDifferential checks the properties listed on FuzzDecode for one input.
func checkDifferential(t *testing.T, d *Decoder, in []byte) {
	m := untouched
	err := d.Decode(in, &m)

	// 1. Errors are well formed.
	var e *Error
	if err != nil {
		if !errors.As(err, &e) || e.Offset < 0 || e.Offset > len(in) || e.Err == nil {
			t.Fatalf("Decode(%q): malformed error %#v", in, err)
		}
		_ = e.Error()
	}
	// syntaxAt is only called at the decoder's syntax errors, but must
	// not panic at any offset.
	for _, k := range []int{len(in) / 3, len(in) / 2, len(in)} {
		_, _ = syntaxAt(in, k)
	}

	// 2. Syntax errors exactly for invalid JSON.
	valid := json.Valid(in)
	if valid == errors.Is(err, ErrSyntax) {
		t.Fatalf("Decode(%q) = %v, but json.Valid = %v", in, err, valid)
	}

	// 4. Fast path and general decoder agree.
	var fast, general Message
	if d.fastLocation(in, &fast) {
		p := parser{d: d, src: in, m: &general}
		if gerr := p.message(); gerr != nil || fast != general {
			t.Fatalf("%q:\n fast:    %+v\n general: %+v (%v)", in, fast, general, gerr)
		}
	}

	// 5. Only the result's part is written.
	if err == nil {
		if changed := otherPartsChanged(&m); changed != "" {
			t.Fatalf("Decode(%q) = %v, but changed the %s part:\n got:  %+v\n want: %+v", in, m.Kind, changed, m, untouched)
		}
	}

	if !valid {
		return
	}
	if err == nil && !bytes.HasPrefix(bytes.TrimLeft(in, " \t\r\n"), []byte("{")) {
		t.Fatalf("Decode(%q) succeeded on a non-object", in)
	}
	if ambiguousKeys(in) {
		return
	}

	// 3. Agreement with the reference.
	want, unknown, rerr := reference(in)
	if (err == nil) != (rerr == nil) {
		t.Fatalf("Decode(%q)\n ours:      %v %s\n reference: %v %s", in, err, orEmpty(err == nil, render(in, &m)), rerr, want)
	}
	if err != nil {
		return
	}
	if got := render(in, &m); got != want {
		t.Fatalf("Decode(%q)\n got:  %s\n want: %s", in, got, want)
	}
	if m.Kind == KindStats {
		n := min(m.Stats.NumUnknown, len(m.Stats.UnknownKeys))
		for _, s := range m.Stats.UnknownKeys[:n] {
			if k := string(s.AppendUnescaped(nil, in)); !unknown[k] {
				t.Fatalf("Decode(%q): unknown key %q not among the reference's %v", in, k, unknown)
			}
		}
	}
}

// FuzzDecodeShaped builds well-formed-looking messages from the fuzzer's
// choices (kind, which fields, null or absent, number spellings, key order,
// whitespace, escaped keys and strings, unknown keys with nested values) and
// checks them like FuzzDecode. Byte mutation alone rarely reaches these
// combinations; this target does on every run.
//
// Run: go test ./decode -run=^$ -fuzz=FuzzDecodeShaped -fuzztime=2m
func FuzzDecodeShaped(f *testing.F) {
	for k := uint64(0); k < 16; k++ {
		f.Add(k, k*0x9E3779B97F4A7C15)
	}
	var d Decoder
	f.Fuzz(func(t *testing.T, a, b uint64) {
		in := shapedMessage(rand.New(rand.NewPCG(a, b)))
		checkDifferential(t, &d, in)
	})
}

// shapedMessage writes one message with random shape choices.
func shapedMessage(r *rand.Rand) []byte {
	ws := func() string {
		if r.IntN(3) > 0 {
			return ""
		}
		return []string{" ", "\t", "\n", "\r\n", "  "}[r.IntN(5)]
	}
	str := func(s string) string { // maybe escape some letters
		var b strings.Builder
		b.WriteByte('"')
		for _, c := range []byte(s) {
			switch r.IntN(12) {
			case 0:
				fmt.Fprintf(&b, `\u%04x`, c)
			case 1:
				fmt.Fprintf(&b, `\u%04X`, c)
			default:
				b.WriteByte(c)
			}
		}
		if r.IntN(30) == 0 {
			b.WriteString(strings.Repeat(`\u0041`, 30+r.IntN(20))) // long escaped text
		}
		b.WriteByte('"')
		return b.String()
	}
	intv := func(lo, hi int64) string {
		var v int64
		switch r.IntN(8) {
		case 0:
			v = lo
		case 1:
			v = hi
		case 2:
			v = r.Int64N(21) - 10
		default:
			if uint64(hi)-uint64(lo) > 1<<40 {
				v = r.Int64() >> r.IntN(63)
				if r.IntN(2) == 0 {
					v = -v
				}
			} else {
				v = lo + r.Int64N(hi-lo+1)
			}
		}
		switch r.IntN(30) {
		case 0:
			return fmt.Sprintf("%d.0", v)
		case 1:
			return fmt.Sprintf("%d.000", v)
		case 2:
			return fmt.Sprintf("%de0", v)
		case 3:
			return fmt.Sprintf("%d00e-2", v)
		case 4:
			return fmt.Sprintf("%d.5", v) // not an integer
		case 5:
			return fmt.Sprintf("%d", v+1) // maybe out of range
		case 6:
			return "null"
		case 7:
			return `"` + fmt.Sprint(v) + `"` // wrong type
		case 8:
			return fmt.Sprintf("%d", v-1)
		}
		return fmt.Sprintf("%d", v)
	}
	floatv := func() string {
		return []string{"15.0", "1e-3", "-2E+2", "0", "-0.0", "123456.789", "1e308", "1e309", "null", `"1"`,
			"12345678901234567890", "0.1", "4", "1.7976931348623157e308", "5e-324", "2.5e-400"}[r.IntN(16)]
	}
	junk := func() string {
		return []string{`{"a":[1,{"b":null}]}`, `[]`, `"x\"y"`, `true`, `-1.5e-7`, `{"type":"shot"}`, `[[[]]]`, `"\ud83c\udfc0"`}[r.IntN(8)]
	}
	type kv struct{ k, v string }
	obj := func(fields []kv) string {
		r.Shuffle(len(fields), func(i, j int) { fields[i], fields[j] = fields[j], fields[i] })
		var b strings.Builder
		b.WriteString("{" + ws())
		for i, f := range fields {
			if i > 0 {
				b.WriteString("," + ws())
			}
			b.WriteString(str(f.k) + ws() + ":" + ws() + f.v + ws())
		}
		b.WriteString("}")
		return b.String()
	}
	maybe := func(fields []kv, f kv) []kv { // present, absent or null
		switch r.IntN(16) {
		case 0:
			return fields
		case 1:
			f.v = "null"
		}
		return append(fields, f)
	}
	var data []kv
	kind := []string{"location", "location", "location", "stats", "shot", "marker", "ack", "pong", "error", "other"}[r.IntN(10)]
	i64 := func() string { return intv(-1<<63, 1<<63-1) }
	i32 := func() string { return intv(-1<<31, 1<<31-1) }
	switch kind {
	case "location":
		data = maybe(data, kv{"occurred_at", i64()})
		data = maybe(data, kv{"type", str([]string{"PLAYER", "BALL", "REF"}[r.IntN(3)])})
		data = maybe(data, kv{"id", i64()})
		data = maybe(data, kv{"x", i32()})
		data = maybe(data, kv{"y", i32()})
		data = maybe(data, kv{"z", i32()})
	case "stats":
		data = maybe(data, kv{"occurred_at", i64()})
		data = maybe(data, kv{"team_id", i64()})
		data = maybe(data, kv{"player_id", i64()})
		data = maybe(data, kv{"version", i64()})
		names := ClassificationNames()
		data = maybe(data, kv{"classification", str(names[r.IntN(len(names))])})
		var stats []kv
		for n := r.IntN(6); n > 0; n-- {
			names := StatNames()
			k := names[r.IntN(len(names))] + []string{"", "", "", "X"}[r.IntN(4)]
			stats = append(stats, kv{k, floatv()})
		}
		data = maybe(data, kv{"stats", obj(stats)})
	case "shot":
		data = maybe(data, kv{"occurred_at", i64()})
		data = maybe(data, kv{"is_make", []string{"true", "false", "1"}[r.IntN(3)]})
		data = maybe(data, kv{"is_3point", []string{"true", "false"}[r.IntN(2)]})
		data = maybe(data, kv{"zone", intv(0, 15)})
		data = maybe(data, kv{"hoop_player_x", i32()})
		data = maybe(data, kv{"hoop_player_y", i32()})
		data = maybe(data, kv{"status", str([]string{"RECORDED", "PENDING"}[r.IntN(2)])})
	case "marker":
		data = maybe(data, kv{"occurred_at", i64()})
		names := MarkerTypeNames()
		data = maybe(data, kv{"type", str(names[r.IntN(len(names))])})
		data = maybe(data, kv{"live_id", str("a1140480-e1d5-4684")})
	case "ack":
		data = maybe(data, kv{"socketSessionId", str("2edbccd1")})
		data = maybe(data, kv{"serverAttributes", obj([]kv{{"maxInputBufferSizeInBytes", i64()}, {"connectionTimeoutInMs", i64()}})})
	}
	for n := r.IntN(3); n > 0; n-- {
		data = append(data, kv{[]string{"extra", "seq", "t"}[r.IntN(3)] + fmt.Sprint(n), junk()})
	}
	var top []kv
	switch kind {
	case "error":
		top = maybe(top, kv{"status", intv(100, 599)})
		top = maybe(top, kv{"message", str("Invalid id")})
		top = maybe(top, kv{"shottrackerRequestId", str("f1e80480")})
	default:
		top = maybe(top, kv{"type", str(kind)})
		top = maybe(top, kv{"data", obj(data)})
		if kind == "ack" {
			top = maybe(top, kv{"action", str("subscribe")})
		}
	}
	if r.IntN(4) == 0 {
		top = append(top, kv{"meta", junk()})
	}
	if r.IntN(10) == 0 { // a repeated "type", naming any kind (checks property 5)
		top = append(top, kv{"type", str([]string{"location", "stats", "shot", "marker", "ack", "pong", "other"}[r.IntN(7)])})
	}
	out := ws() + obj(top) + ws()
	if r.IntN(40) == 0 { // a little corruption
		k := r.IntN(len(out))
		out = out[:k] + out[k+1:]
	}
	return []byte(out)
}

func orEmpty(ok bool, s string) string {
	if ok {
		return s
	}
	return ""
}

// Key names at the levels the decoder reads.
var (
	topKeys  = []string{"type", "data", "action", "status", "message", "shottrackerRequestId"}
	dataKeys = []string{"occurred_at", "type", "id", "x", "y", "z", "team_id", "player_id", "version",
		"classification", "stats", "is_make", "is_3point", "zone", "hoop_player_x", "hoop_player_y",
		"status", "live_id", "socketSessionId", "serverAttributes"}
	attrKeys = []string{"maxInputBufferSizeInBytes", "connectionTimeoutInMs"}
)

// ambiguousKeys reports whether valid JSON in has, at a level the decoder
// reads, a repeated key or a key that encoding/json would match to a known
// name case-insensitively.
func ambiguousKeys(in []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(in))
	var walk func(level string) bool // reads one value; true if ambiguous
	walk = func(level string) bool {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		switch tok {
		case json.Delim('['):
			for dec.More() {
				if walk("") {
					return true
				}
			}
			_, err := dec.Token()
			return err != nil
		case json.Delim('{'):
		default:
			return false
		}
		var known []string
		switch level {
		case "top":
			known = topKeys
		case "data":
			known = dataKeys
		case "serverAttributes":
			known = attrKeys
		}
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return true
			}
			key := tok.(string)
			if level != "" && seen[key] {
				return true
			}
			seen[key] = true
			for _, k := range known {
				if key != k && strings.EqualFold(key, k) {
					return true
				}
			}
			next := ""
			switch {
			case level == "top" && key == "data":
				next = "data"
			case level == "data" && key == "stats":
				next = "stats"
			case level == "data" && key == "serverAttributes":
				next = "serverAttributes"
			}
			if walk(next) {
				return true
			}
		}
		_, err = dec.Token()
		return err != nil
	}
	return walk("top")
}

type refTop struct {
	Type    *string         `json:"type"`
	Data    json.RawMessage `json:"data"`
	Action  json.RawMessage `json:"action"`
	Status  json.RawMessage `json:"status"`
	Message json.RawMessage `json:"message"`
	ReqID   json.RawMessage `json:"shottrackerRequestId"`
}

type refLocation struct {
	OccurredAt json.RawMessage `json:"occurred_at"`
	Type       *string         `json:"type"`
	ID         json.RawMessage `json:"id"`
	X          json.RawMessage `json:"x"`
	Y          json.RawMessage `json:"y"`
	Z          json.RawMessage `json:"z"`
}

type refStats struct {
	OccurredAt     json.RawMessage            `json:"occurred_at"`
	TeamID         json.RawMessage            `json:"team_id"`
	PlayerID       json.RawMessage            `json:"player_id"`
	Version        json.RawMessage            `json:"version"`
	Classification *string                    `json:"classification"`
	Stats          map[string]json.RawMessage `json:"stats"`
}

type refShot struct {
	OccurredAt json.RawMessage `json:"occurred_at"`
	TeamID     json.RawMessage `json:"team_id"`
	PlayerID   json.RawMessage `json:"player_id"`
	IsMake     *bool           `json:"is_make"`
	Is3Point   *bool           `json:"is_3point"`
	Zone       json.RawMessage `json:"zone"`
	HoopX      json.RawMessage `json:"hoop_player_x"`
	HoopY      json.RawMessage `json:"hoop_player_y"`
	Status     *string         `json:"status"`
}

type refMarker struct {
	OccurredAt json.RawMessage `json:"occurred_at"`
	Type       *string         `json:"type"`
	LiveID     *string         `json:"live_id"`
}

type refAck struct {
	SocketSessionID  *string `json:"socketSessionId"`
	ServerAttributes *struct {
		MaxInputBufferSizeInBytes json.RawMessage `json:"maxInputBufferSizeInBytes"`
		ConnectionTimeoutInMs     json.RawMessage `json:"connectionTimeoutInMs"`
	} `json:"serverAttributes"`
}

var errRef = errors.New("reference: rejected")

// refInt converts a raw JSON value to an integer in [lo, hi]: null is
// absent; any number whose value is an integer is accepted.
func refInt(raw json.RawMessage, lo, hi int64) (v int64, present bool, err error) {
	s := string(raw)
	if raw == nil || s == "null" {
		return 0, false, nil
	}
	if s[0] != '-' && (s[0] < '0' || s[0] > '9') {
		return 0, false, fmt.Errorf("%w: not a number: %s", errRef, s)
	}
	mant, exp := s, 0
	if k := strings.IndexAny(s, "eE"); k >= 0 {
		mant = s[:k]
		e, perr := strconv.Atoi(s[k+1:])
		if perr != nil { // |exponent| beyond int: only zero survives
			e = math.MaxInt
			if s[k+1] == '-' {
				e = -e
			}
		}
		exp = e
	}
	if strings.Trim(mant, "-0.") == "" {
		v = 0
	} else if exp > len(s)+400 || exp < -len(s)-400 {
		return 0, false, fmt.Errorf("%w: %s far out of range or not an integer", errRef, s)
	} else {
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			return 0, false, fmt.Errorf("%w: big.Rat cannot parse %s", errRef, s)
		}
		if !r.IsInt() || !r.Num().IsInt64() {
			return 0, false, fmt.Errorf("%w: %s not an int64", errRef, s)
		}
		v = r.Num().Int64()
	}
	if v < lo || v > hi {
		return 0, false, fmt.Errorf("%w: %s outside [%d, %d]", errRef, s, lo, hi)
	}
	return v, true, nil
}

// refString converts a raw JSON value to a string: null is absent.
func refString(raw json.RawMessage) (s string, present bool, err error) {
	if raw == nil || string(raw) == "null" {
		return "", false, nil
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false, err
	}
	return s, true, nil
}

// reference decodes in with encoding/json and renders the result as render
// does. It also returns the unknown stat keys.
func reference(in []byte) (string, map[string]bool, error) {
	var top refTop
	if !bytes.HasPrefix(bytes.TrimLeft(in, " \t\r\n"), []byte("{")) {
		return "", nil, fmt.Errorf("%w: not an object", errRef)
	}
	if err := json.Unmarshal(in, &top); err != nil {
		return "", nil, err
	}
	var b strings.Builder
	q := strconv.Quote
	var kind Kind
	switch {
	case top.Type != nil:
		kind = kindOf([]byte(*top.Type))
	case top.Status != nil:
		kind = KindError
	default:
		return "", nil, fmt.Errorf("%w: no type", errRef)
	}
	b.WriteString(kind.String())
	dataNull := top.Data == nil || string(top.Data) == "null"
	if dataNull && kind >= KindLocation && kind <= KindMarker {
		return "", nil, fmt.Errorf("%w: no data", errRef)
	}
	var err error
	must := func(v int64, present bool, e error) int64 {
		if e != nil && err == nil {
			err = e
		}
		if !present && err == nil {
			err = fmt.Errorf("%w: missing", errRef)
		}
		return v
	}
	opt := func(name string) func(int64, bool, error) {
		return func(v int64, present bool, e error) {
			if e != nil && err == nil {
				err = e
			}
			if present {
				fmt.Fprintf(&b, " %s=%d", name, v)
			}
		}
	}
	var unknown map[string]bool
	switch kind {
	case KindUnknown:
		fmt.Fprintf(&b, " type=%s", q(*top.Type))
	case KindLocation:
		var l refLocation
		if err := json.Unmarshal(top.Data, &l); err != nil {
			return "", nil, err
		}
		t := must(refInt(l.OccurredAt, -1<<63, 1<<63-1))
		if l.Type == nil {
			return "", nil, fmt.Errorf("%w: no sensor type", errRef)
		}
		id := must(refInt(l.ID, -1<<63, 1<<63-1))
		x := must(refInt(l.X, -1<<31, 1<<31-1))
		y := must(refInt(l.Y, -1<<31, 1<<31-1))
		z := must(refInt(l.Z, -1<<31, 1<<31-1))
		fmt.Fprintf(&b, " t=%d sensor=%v%s id=%d x=%d y=%d z=%d", t, sensorOf([]byte(*l.Type)), q(*l.Type), id, x, y, z)
	case KindStats:
		var s refStats
		if err := json.Unmarshal(top.Data, &s); err != nil {
			return "", nil, err
		}
		fmt.Fprintf(&b, " t=%d", must(refInt(s.OccurredAt, -1<<63, 1<<63-1)))
		opt("team")(refIntMax(s.TeamID))
		opt("player")(refIntMax(s.PlayerID))
		opt("version")(refIntMax(s.Version))
		if s.Classification != nil {
			fmt.Fprintf(&b, " class=%v%s", classOf([]byte(*s.Classification)), q(*s.Classification))
		}
		unknown = map[string]bool{}
		names := StatNames()
		for _, name := range names {
			raw, ok := s.Stats[name]
			if !ok || string(raw) == "null" {
				continue
			}
			if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
				return "", nil, fmt.Errorf("%w: stat %s not a number", errRef, name)
			}
			v, perr := strconv.ParseFloat(string(raw), 64)
			if perr != nil {
				return "", nil, perr
			}
			fmt.Fprintf(&b, " %s=%s", name, strconv.FormatFloat(v, 'g', -1, 64))
		}
		for k := range s.Stats {
			if _, ok := statOf([]byte(k)); !ok {
				unknown[k] = true
			}
		}
		fmt.Fprintf(&b, " unknown=%d", len(unknown))
	case KindShot:
		var s refShot
		if err := json.Unmarshal(top.Data, &s); err != nil {
			return "", nil, err
		}
		fmt.Fprintf(&b, " t=%d", must(refInt(s.OccurredAt, -1<<63, 1<<63-1)))
		opt("team")(refIntMax(s.TeamID))
		opt("player")(refIntMax(s.PlayerID))
		if s.IsMake != nil {
			fmt.Fprintf(&b, " make=%v", *s.IsMake)
		}
		if s.Is3Point != nil {
			fmt.Fprintf(&b, " 3pt=%v", *s.Is3Point)
		}
		opt("zone")(refInt(s.Zone, 1, 14))
		x, xok, xerr := refInt(s.HoopX, -1<<31, 1<<31-1)
		y, yok, yerr := refInt(s.HoopY, -1<<31, 1<<31-1)
		switch {
		case xerr != nil || yerr != nil:
			return "", nil, errors.Join(xerr, yerr)
		case xok != yok:
			return "", nil, fmt.Errorf("%w: hoop x without y", errRef)
		case xok:
			fmt.Fprintf(&b, " hoop=%d,%d", x, y)
		}
		if s.Status != nil {
			st := "UNKNOWN"
			if *s.Status == "RECORDED" {
				st = "RECORDED"
			}
			fmt.Fprintf(&b, " status=%s%s", st, q(*s.Status))
		}
	case KindMarker:
		var mk refMarker
		if err := json.Unmarshal(top.Data, &mk); err != nil {
			return "", nil, err
		}
		t := must(refInt(mk.OccurredAt, -1<<63, 1<<63-1))
		if mk.Type == nil {
			return "", nil, fmt.Errorf("%w: no marker type", errRef)
		}
		fmt.Fprintf(&b, " t=%d type=%v%s", t, markerOf([]byte(*mk.Type)), q(*mk.Type))
		if mk.LiveID != nil {
			fmt.Fprintf(&b, " live_id=%s", q(*mk.LiveID))
		}
	case KindAck:
		var a refAck
		if !dataNull {
			if err := json.Unmarshal(top.Data, &a); err != nil {
				return "", nil, err
			}
		}
		if a.SocketSessionID != nil {
			fmt.Fprintf(&b, " session=%s", q(*a.SocketSessionID))
		}
		if sa := a.ServerAttributes; sa != nil {
			opt("maxbuf")(refIntMax(sa.MaxInputBufferSizeInBytes))
			opt("timeout_ms")(refIntMax(sa.ConnectionTimeoutInMs))
		}
		action, ok, aerr := refString(top.Action)
		if aerr != nil {
			return "", nil, aerr
		}
		if ok {
			fmt.Fprintf(&b, " action=%s", q(action))
		}
	case KindError:
		fmt.Fprintf(&b, " status=%d", must(refIntMax(top.Status)))
		for _, f := range []struct {
			name string
			raw  json.RawMessage
		}{{"message", top.Message}, {"request", top.ReqID}} {
			s, ok, serr := refString(f.raw)
			if serr != nil {
				return "", nil, serr
			}
			if ok {
				fmt.Fprintf(&b, " %s=%s", f.name, q(s))
			}
		}
	}
	if err != nil {
		return "", nil, err
	}
	return b.String(), unknown, nil
}

func refIntMax(raw json.RawMessage) (int64, bool, error) { return refInt(raw, -1<<63, 1<<63-1) }

// TestShapedMessages checks that FuzzDecodeShaped's generator reaches every
// kind both decodably and not, so the target explores both sides.
func TestShapedMessages(t *testing.T) {
	var d Decoder
	var m Message
	ok := map[Kind]int{}
	bad := map[error]int{}
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		in := shapedMessage(r)
		checkDifferential(t, &d, in)
		if err := d.Decode(in, &m); err != nil {
			for _, s := range []error{ErrSyntax, ErrType, ErrMissing, ErrRange} {
				if errors.Is(err, s) {
					bad[s]++
				}
			}
		} else {
			ok[m.Kind]++
		}
	}
	for k := KindUnknown; k < numKinds; k++ {
		if ok[k] == 0 {
			t.Errorf("no %v message decoded; decoded kinds %v", k, ok)
		}
	}
	for _, s := range []error{ErrSyntax, ErrType, ErrMissing, ErrRange} {
		if bad[s] == 0 {
			t.Errorf("no %v produced; errors %v", s, bad)
		}
	}
	t.Logf("decoded %v, errors %v", ok, bad)
}
