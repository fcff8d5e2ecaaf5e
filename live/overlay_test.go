package live_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/track"
)

// wireFrame is the JSON frame as a client reads it.
type wireFrame struct {
	LiveID    string `json:"live_id"`
	T_ms      int64  `json:"t_ms"`
	Period    int32  `json:"period"`
	Clock     string `json:"clock"`
	Holder    int64  `json:"holder"`
	BallState string `json:"ball_state"`
	Ended     bool   `json:"ended"`
	Sensors   []struct {
		ID        int64   `json:"id"`
		Kind      string  `json:"kind"`
		Team      int64   `json:"team"`
		Jersey    string  `json:"jersey"`
		X_m       float64 `json:"x_m"`
		Y_m       float64 `json:"y_m"`
		Z_m       float64 `json:"z_m"`
		Speed_mps float64 `json:"speed_mps"`
		Age_ms    *int64  `json:"age_ms"`
		Holder    bool    `json:"holder"`
		GameBall  *bool   `json:"game_ball"` // balls only
	} `json:"sensors"`
}

var testRoster = []decode.RosterTeam{
	{ID: 461, Players: []decode.Player{{ID: 101, JerseyNumber: "1"}, {ID: 102, JerseyNumber: "00"}}},
	{ID: 462, Players: []decode.Player{{ID: 201, JerseyNumber: "23"}}},
}

// tick returns the samples of one tick: three players and the ball, all
// moving +0.1 m in x per tick; 101 holds the ball.
func tick(T_ms int64, n int) []track.Sample {
	dx := 0.1 * float64(n)
	return []track.Sample{
		{T_ms: T_ms, SensorID: 101, Kind: track.KindPlayer, TeamID: 461, X_m: -5 + dx, Y_m: 1, Z_m: 1.1, Speed_mps: 2.5, BallHolder: true, Clock: track.ClockLive, Period: 1},
		{T_ms: T_ms, SensorID: 102, Kind: track.KindPlayer, TeamID: 461, X_m: -3 + dx, Y_m: -2, Z_m: 1.1, Speed_mps: 1, Clock: track.ClockLive, Period: 1},
		{T_ms: T_ms, SensorID: 201, Kind: track.KindPlayer, TeamID: 462, X_m: 4 + dx, Y_m: 3, Z_m: 1.1, Speed_mps: 0.5, Clock: track.ClockLive, Period: 1},
		{T_ms: T_ms, SensorID: 2147549498, Kind: track.KindBall, X_m: -5 + dx, Y_m: 1.2, Z_m: 1.0, Speed_mps: 2.5, Clock: track.ClockLive, Period: 1},
	}
}

// overlayServer serves an overlay's handler on loopback.
func overlayServer(t *testing.T, opt live.OverlayOptions) (*live.Overlay, *httptest.Server) {
	t.Helper()
	ov := live.NewOverlay(opt)
	srv := httptest.NewServer(live.NewHandler(ov, opt.Metrics, &live.Health{}))
	t.Cleanup(func() { ov.Close(); srv.Close() })
	return ov, srv
}

func dialOverlay(t *testing.T, srv *httptest.Server, query string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/overlay"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestOverlayJSONFrames(t *testing.T) {
	ov, srv := overlayServer(t, live.OverlayOptions{Rate_Hz: 1000})
	all := dialOverlay(t, srv, "")
	sub := dialOverlay(t, srv, "?teams=462&kinds=player")
	waitFor(t, "two clients", func() bool { return ov.Clients() == 2 })
	sink := ov.Sink("L1", testRoster)
	if err := sink.Samples(tick(1000, 0)); err != nil {
		t.Fatal(err)
	}
	var f wireFrame
	all.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := all.ReadJSON(&f); err != nil {
		t.Fatal(err)
	}
	if f.LiveID != "L1" || f.T_ms != 1000 || f.Holder != 101 || f.BallState != "held" || f.Clock != "live" || f.Period != 1 || len(f.Sensors) != 4 {
		t.Fatalf("frame %+v: want L1 at 1000 ms, holder 101 (held), live, period 1, 4 sensors", f)
	}
	s := f.Sensors[0]
	if s.ID != 101 || s.Kind != "player" || s.Team != 461 || s.Jersey != "1" || s.X_m != -5 || s.Y_m != 1 || s.Z_m != 1.1 || s.Speed_mps != 2.5 || !s.Holder {
		t.Errorf("sensor 0 = %+v", s)
	}
	if b := f.Sensors[3]; b.Kind != "ball" || b.Team != 0 {
		t.Errorf("sensor 3 = %+v, want the ball", b)
	}
	sub.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := sub.ReadJSON(&f); err != nil {
		t.Fatal(err)
	}
	if len(f.Sensors) != 1 || f.Sensors[0].ID != 201 {
		t.Errorf("teams=462&kinds=player got %+v, want player 201 only", f.Sensors)
	}
}

// A ball with a player's id is a sensor of its own in the frames (ids are
// unique per sensor type only), without the player's jersey.
func TestOverlayBallWithPlayerID(t *testing.T) {
	ov, srv := overlayServer(t, live.OverlayOptions{Rate_Hz: 1000})
	c := dialOverlay(t, srv, "")
	waitFor(t, "a client", func() bool { return ov.Clients() == 1 })
	samples := tick(1000, 0)
	samples[3].SensorID = 101
	if err := ov.Sink("L1", testRoster).Samples(samples); err != nil {
		t.Fatal(err)
	}
	var f wireFrame
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := c.ReadJSON(&f); err != nil {
		t.Fatal(err)
	}
	if len(f.Sensors) != 4 {
		t.Fatalf("%d sensors, want 4 (player 101 and ball 101 apart): %+v", len(f.Sensors), f.Sensors)
	}
	p, b := f.Sensors[0], f.Sensors[3]
	if p.ID != 101 || p.Kind != "player" || p.X_m != -5 || p.Jersey != "1" || b.ID != 101 || b.Kind != "ball" || b.Y_m != 1.2 || b.Jersey != "" {
		t.Errorf("player %+v, ball %+v", p, b)
	}
}

func TestOverlayBinaryFrames(t *testing.T) {
	ov, srv := overlayServer(t, live.OverlayOptions{Rate_Hz: 1000})
	c := dialOverlay(t, srv, "?format=binary&ids=102,2147549498")
	waitFor(t, "a client", func() bool { return ov.Clients() == 1 })
	ov.Sink("L1", testRoster).Samples(tick(2000, 3))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	mt, b, err := c.ReadMessage()
	if err != nil || mt != websocket.BinaryMessage {
		t.Fatalf("read: type %d, %v", mt, err)
	}
	le := binary.LittleEndian
	if string(b[:4]) != live.FrameMagic || b[4] != live.FrameVersion || b[5] != uint8(track.ClockLive) || b[6] != live.BallStateCode("held") {
		t.Fatalf("header % x", b[:8])
	}
	if le.Uint64(b[8:]) != 2000 || le.Uint64(b[16:]) != 101 || le.Uint32(b[24:]) != 1 || le.Uint16(b[28:]) != 2 {
		t.Fatalf("header t=%d holder=%d period=%d n=%d", le.Uint64(b[8:]), le.Uint64(b[16:]), le.Uint32(b[24:]), le.Uint16(b[28:]))
	}
	l := int(le.Uint16(b[30:]))
	if string(b[40:40+l]) != "L1" || le.Uint64(b[32:]) != 0 {
		t.Fatalf("live id %q, dist_t_ms %d (no engine: 0)", b[40:40+l], le.Uint64(b[32:]))
	}
	p := b[40+l:]
	type sensor struct {
		id, team       int64
		x, y, z, speed float32
		kind, flags    uint8
		age_ms         uint16
		dist           float32
		jersey         string
	}
	var got []sensor
	for len(p) >= live.FrameSensorMin_B {
		s := sensor{id: int64(le.Uint64(p)), team: int64(le.Uint64(p[8:])),
			x: math.Float32frombits(le.Uint32(p[16:])), y: math.Float32frombits(le.Uint32(p[20:])),
			z: math.Float32frombits(le.Uint32(p[24:])), speed: math.Float32frombits(le.Uint32(p[28:])),
			kind: p[32], flags: p[33], age_ms: le.Uint16(p[34:]), dist: math.Float32frombits(le.Uint32(p[36:]))}
		n := int(p[40])
		s.jersey = string(p[41 : 41+n])
		got = append(got, s)
		p = p[41+n:]
	}
	want := []sensor{
		{id: 102, team: 461, x: float32(-3 + 0.1*3), y: -2, z: 1.1, speed: 1, kind: 1, jersey: "00"},
		{id: 2147549498, x: float32(-5 + 0.1*3), y: 1.2, z: 1, speed: 2.5, kind: 2, flags: live.FlagGameBall}, // the only ball
	}
	if len(p) != 0 || len(got) != len(want) {
		t.Fatalf("sensors %+v (%d bytes left), want %+v", got, len(p), want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sensor %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// A sensor held over from an earlier tick (a dropout) says how old its
// values are, in JSON and binary, so that a renderer does not take it
// for a position at the frame's t_ms; sensors at the frame's tick have
// age 0.
func TestOverlaySensorAge(t *testing.T) {
	ov, srv := overlayServer(t, live.OverlayOptions{Rate_Hz: 1000})
	js := dialOverlay(t, srv, "")
	bin := dialOverlay(t, srv, "?format=binary")
	waitFor(t, "two clients", func() bool { return ov.Clients() == 2 })
	sink := ov.Sink("L1", testRoster)
	sink.Samples(tick(1000, 0))
	next := tick(1040, 1)
	sink.Samples([]track.Sample{next[0], next[2]}) // 102 and the ball drop out
	wantAge := map[int64]int64{101: 0, 102: 40, 201: 0, 2147549498: 40}

	var f wireFrame
	js.SetReadDeadline(time.Now().Add(5 * time.Second))
	for f.T_ms != 1040 {
		if err := js.ReadJSON(&f); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.Sensors) != 4 {
		t.Fatalf("%d sensors, want 4 (the two held over included)", len(f.Sensors))
	}
	for _, s := range f.Sensors {
		if s.Age_ms == nil || *s.Age_ms != wantAge[s.ID] {
			t.Errorf("JSON sensor %d: age_ms %v, want %d", s.ID, s.Age_ms, wantAge[s.ID])
		}
		if s.ID == 102 && s.X_m != -3 {
			t.Errorf("held-over sensor 102 at x %g, want its last value -3", s.X_m)
		}
	}

	le := binary.LittleEndian
	bin.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, b, err := bin.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if b[4] != live.FrameVersion {
			t.Fatalf("binary version %d, want %d", b[4], live.FrameVersion)
		}
		if le.Uint64(b[8:]) != 1040 {
			continue
		}
		p := b[live.FrameHeader_B+int(le.Uint16(b[30:])):]
		n := 0
		for ; len(p) >= live.FrameSensorMin_B; n++ {
			id, age := int64(le.Uint64(p)), int64(le.Uint16(p[34:]))
			if age != wantAge[id] {
				t.Errorf("binary sensor %d: age_ms %d, want %d", id, age, wantAge[id])
			}
			p = p[live.FrameSensorMin_B+int(p[live.FrameSensorMin_B-1]):]
		}
		if n != 4 || len(p) != 0 {
			t.Errorf("binary: %d sensors, %d bytes left; want 4, 0", n, len(p))
		}
		break
	}
}

func TestParseFrameFilter(t *testing.T) {
	for _, c := range []struct {
		ids, teams, kinds string
		want              string // String(); "" for nil
		err               bool
	}{
		{"", "", "", "", false},
		{"3,1,2", "", "", ",1,2,3||true|true", false},
		{"", "462", "ball", "|,462|false|true", false},
		{"x", "", "", "", true},
		{"", "", "referee", "", true},
		// A value that names nothing filters nothing ("kinds=," had
		// dropped every sensor, where "ids=," keeps every one).
		{"", "", ",", "||true|true", false},
		{",", " ", "", "||true|true", false},
	} {
		f, err := live.ParseFrameFilter(c.ids, c.teams, c.kinds)
		if (err != nil) != c.err {
			t.Errorf("ParseFrameFilter(%q, %q, %q) error %v, want error %v", c.ids, c.teams, c.kinds, err, c.err)
			continue
		}
		if got := f.String(); err == nil && got != c.want {
			t.Errorf("ParseFrameFilter(%q, %q, %q).String() = %q, want %q", c.ids, c.teams, c.kinds, got, c.want)
		}
	}
}

// TestOverlayStalledClient: a client that never reads loses its oldest
// frames (counted) while a reading client gets the newest frame, and
// offering frames never waits.
func TestOverlayStalledClient(t *testing.T) {
	m := live.NewMetrics()
	ov, srv := overlayServer(t, live.OverlayOptions{Rate_Hz: 100000, Queue: 4, Metrics: m})
	stalled := dialOverlay(t, srv, "") // never read
	_ = stalled
	good := dialOverlay(t, srv, "")
	waitFor(t, "two clients", func() bool { return ov.Clients() == 2 })
	var last atomic.Int64
	go func() {
		var f wireFrame
		for {
			if err := good.ReadJSON(&f); err != nil {
				return
			}
			last.Store(f.T_ms)
		}
	}()
	// Big frames (300 sensors) so that the stalled socket's buffers fill.
	sink := ov.Sink("L1", nil)
	rows := make([]track.Sample, 300)
	// Broadcast frame after frame until the stalled client has lost some
	// (its socket buffers hold a few MB first), then one more.
	n := 0
	send := func() {
		n++
		for i := range rows {
			rows[i] = track.Sample{T_ms: int64(n) * 40, SensorID: int64(i + 1), Kind: track.KindPlayer, X_m: float64(n) / 100, Y_m: float64(i) / 30}
		}
		before := ov.Frames()
		sink.Samples(rows)
		waitFor(t, "the frame to go out", func() bool { return ov.Frames() > before })
	}
	for ov.Dropped() == 0 && n < 20000 {
		send()
	}
	send()
	ticks := int64(n)
	waitFor(t, "the reading client to get the last frame", func() bool { return last.Load() == ticks*40 })
	if ov.Dropped() == 0 {
		t.Fatalf("no frame dropped after %d frames to a client that never reads", n)
	}
	if got := counterValue(t, m, "stmotion_overlay_dropped_frames_total"); got != float64(ov.Dropped()) {
		t.Errorf("dropped metric %g, Dropped() %d", got, ov.Dropped())
	}
	if got := counterValue(t, m, "stmotion_overlay_clients"); got != 2 {
		t.Errorf("clients metric %g, want 2", got)
	}
}

func TestHandlerEndpoints(t *testing.T) {
	m := live.NewMetrics()
	_, srv := overlayServer(t, live.OverlayOptions{Metrics: m})
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, page := get("/")
	if code != 200 || !strings.Contains(page, "<canvas") || !strings.Contains(page, "/overlay") {
		t.Errorf("GET / = %d, page without canvas or /overlay", code)
	}
	if ext := regexp.MustCompile(`(src|href)\s*=\s*["']?(https?:)?//`).FindString(page); ext != "" {
		t.Errorf("preview page loads an external asset: %q", ext)
	}
	code, body := get("/metrics")
	for _, name := range []string{"stmotion_live_messages_total", "stmotion_live_decode_errors_total", "stmotion_live_reconnects_total",
		"stmotion_live_lag_seconds", "stmotion_overlay_clients", "stmotion_overlay_dropped_frames_total"} {
		if code != 200 || !strings.Contains(body, name) {
			t.Errorf("GET /metrics = %d, no %s", code, name)
		}
	}
	code, body = get("/healthz")
	var h live.HealthReport
	if err := json.Unmarshal([]byte(body), &h); err != nil || code != http.StatusServiceUnavailable || h.Status != "connecting" {
		t.Errorf("GET /healthz before connecting = %d %s, want 503 connecting", code, body)
	}
	if code, _ := get("/overlay?format=xml"); code != http.StatusBadRequest {
		t.Errorf("GET /overlay?format=xml = %d, want 400", code)
	}
}

// With two balls, ball_state is the game ball's (the one the engine marks
// as followed by possession, here moving at 6 m/s), not the first seen (a
// spare one at rest), and frames mark it: "game_ball" in JSON, flag bit 1
// in binary.
func TestOverlayGameBall(t *testing.T) {
	ov, srv := overlayServer(t, live.OverlayOptions{Rate_Hz: 1000})
	js := dialOverlay(t, srv, "")
	bin := dialOverlay(t, srv, "?format=binary&kinds=ball")
	waitFor(t, "two clients", func() bool { return ov.Clients() == 2 })
	samples := tick(1000, 0)
	samples[0].BallHolder = false
	spare := track.Sample{T_ms: 1000, SensorID: 7, Kind: track.KindBall, X_m: 13, Y_m: 7, Clock: track.ClockLive, Period: 1}
	samples[3].Speed_mps, samples[3].GameBall = 6, true
	samples = append([]track.Sample{spare}, samples...)
	if err := ov.Sink("L1", testRoster).Samples(samples); err != nil {
		t.Fatal(err)
	}
	var f wireFrame
	js.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := js.ReadJSON(&f); err != nil {
		t.Fatal(err)
	}
	if f.BallState != "in_flight" {
		t.Errorf("ball_state %q, want in_flight (the game ball at 6 m/s, not the spare at rest)", f.BallState)
	}
	for _, s := range f.Sensors {
		switch {
		case s.Kind == "player" && s.GameBall != nil:
			t.Errorf("player %d has game_ball", s.ID)
		case s.Kind == "ball" && (s.GameBall == nil || *s.GameBall != (s.ID == 2147549498)):
			t.Errorf("ball %d: game_ball %v, want true for 2147549498 only", s.ID, s.GameBall)
		}
	}
	bin.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := bin.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if b[6] != live.BallStateCode("in_flight") {
		t.Errorf("binary ball state %d, want in_flight", b[6])
	}
	p := b[live.FrameHeader_B+int(binary.LittleEndian.Uint16(b[30:])):]
	for len(p) >= live.FrameSensorMin_B {
		id, flags := int64(binary.LittleEndian.Uint64(p)), p[33]
		if want := id == 2147549498; (flags&live.FlagGameBall != 0) != want {
			t.Errorf("binary ball %d flags %08b, want game ball %v", id, flags, want)
		}
		p = p[live.FrameSensorMin_B+int(p[36]):]
	}
}

// readUntilClose reads JSON frames until the connection ends and returns
// them with the close error.
func readUntilClose(t *testing.T, c *websocket.Conn) ([]wireFrame, error) {
	t.Helper()
	var got []wireFrame
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		var f wireFrame
		if err := c.ReadJSON(&f); err != nil {
			return got, err
		}
		got = append(got, f)
	}
}

func closeCode(err error) int {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return -1
}

// The end of a live id reaches clients as a last frame with "ended":true
// (never skipped by the rate cap, before the next live id's frames), and
// the end of the event, or a shutdown, as a websocket close 1000 or 1001
// after every queued frame, not an abnormal closure (1006).
func TestOverlayEndAndClose(t *testing.T) {
	for _, c := range []struct {
		name  string
		close func(*live.Overlay) error
		code  int
	}{
		{"finish", (*live.Overlay).Finish, websocket.CloseNormalClosure},
		{"close", (*live.Overlay).Close, websocket.CloseGoingAway},
	} {
		t.Run(c.name, func(t *testing.T) {
			ov, srv := overlayServer(t, live.OverlayOptions{Rate_Hz: 5})
			js := dialOverlay(t, srv, "")
			bin := dialOverlay(t, srv, "?format=binary")
			waitFor(t, "two clients", func() bool { return ov.Clients() == 2 })
			a := ov.Sink("A", testRoster)
			a.Samples(tick(1000, 0))
			a.Samples(tick(1040, 1))
			a.End()
			b := ov.Sink("B", testRoster)
			b.Samples(tick(5000, 0))
			b.Samples(tick(5040, 1)) // pending when closing: still sent
			var bins [][]byte
			binDone := make(chan error, 1)
			go func() {
				bin.SetReadDeadline(time.Now().Add(20 * time.Second))
				for {
					_, p, err := bin.ReadMessage()
					if err != nil {
						binDone <- err
						return
					}
					bins = append(bins, p)
				}
			}()
			waitFor(t, "the end frame out", func() bool { return ov.Frames() >= 2 })
			if err := c.close(ov); err != nil {
				t.Fatal(err)
			}
			got, err := readUntilClose(t, js)
			if code := closeCode(err); code != c.code {
				t.Errorf("connection ended with %v, want close %d", err, c.code)
			}
			// A frame not yet sent is replaced by a newer one, but the
			// end frame never is, and the newest goes out on closing.
			// (A's 1040 may leave on its own too: the rate's next slot
			// can come between its Samples and its End on a loaded
			// machine.)
			var ids []string
			for _, f := range got {
				ids = append(ids, fmt.Sprintf("%s@%d ended=%v", f.LiveID, f.T_ms, f.Ended))
			}
			if s := strings.Join(ids, " "); !regexp.MustCompile(`^(A@1000 ended=false )?(A@1040 ended=false )?A@1040 ended=true (B@5000 ended=false )?B@5040 ended=false$`).MatchString(s) {
				t.Errorf("frames %s, want A's (1000 and 1040 may be skipped), A's end at 1040, then B's ending with 5040", s)
			}
			for _, f := range got {
				if f.Ended && (f.Period != 0 || f.Clock != "paused" || f.Holder != 0 || f.BallState != "dead" || len(f.Sensors) != 4) {
					t.Errorf("end frame %+v: want period 0, paused, no holder, dead ball, the 4 sensors", f)
				}
			}
			if err := <-binDone; closeCode(err) != c.code {
				t.Errorf("binary client ended with %v, want close %d", err, c.code)
			}
			ended := 0
			for _, p := range bins {
				if p[7]&live.FrameFlagEnded != 0 {
					ended++
				}
			}
			if ended != 1 {
				t.Errorf("%d binary frames flagged ended, want 1", ended)
			}
		})
	}
}

// A live session that ends (the mock's feed closes) sends its end frame
// to overlay clients; Join's caller then finishes the overlay (close
// 1000), as stmotion live does. (The mock's clock starts once the
// overlay client is there, and its 2 s feed lasts 400 ms: the join's
// REST calls come before its end even under -race on a loaded machine;
// at Speed 20, 100 ms, they might not.)
func TestJoinEndFrame(t *testing.T) {
	met := live.NewMetrics()
	ov, hs := overlayServer(t, live.OverlayOptions{Metrics: met})
	ws := dialOverlay(t, hs, "")
	waitFor(t, "a client", func() bool { return ov.Clients() == 1 })
	srv, c := liveMock(t, "", mock.Options{Speed: 5})
	tc := track.DefaultConfig()
	tc.RateSamples = 8
	joinOne(t, context.Background(), live.SessionConfig{Client: c, LiveID: srv.LiveID(), Overlay: ov, Track: tc})
	ov.Finish()
	got, err := readUntilClose(t, ws)
	if closeCode(err) != websocket.CloseNormalClosure {
		t.Errorf("connection ended with %v, want close 1000", err)
	}
	if len(got) < 2 || !got[len(got)-1].Ended || got[len(got)-1].LiveID != srv.LiveID() {
		t.Fatalf("%d frames, the last %+v: want frames, then the end frame of %s", len(got), got[len(got)-1:], srv.LiveID())
	}
	for _, f := range got[:len(got)-1] {
		if f.Ended {
			t.Fatalf("an end frame before the last: %+v", f)
		}
	}
	if n, _ := histogram(t, met, "stmotion_overlay_frame_age_seconds"); n == 0 {
		t.Error("stmotion_overlay_frame_age_seconds observed nothing: the session does not note its locations")
	}
}

// TestOverlayFrameAgeMetric: stmotion_overlay_frame_age_seconds is, at
// each location noted, the newest location's sensor time minus the
// newest broadcast frame's t_ms; nothing before the first frame.
func TestOverlayFrameAgeMetric(t *testing.T) {
	met := live.NewMetrics()
	ov, _ := overlayServer(t, live.OverlayOptions{Rate_Hz: 1000, Metrics: met})
	sink := ov.Sink("L1", testRoster)
	sink.NoteLocation(900)
	sink.Samples(tick(1000, 0))
	waitFor(t, "a frame", func() bool { return ov.Frames() == 1 })
	sink.NoteLocation(1280)
	sink.NoteLocation(1250) // late: the newest location is still 1280
	n, sum := histogram(t, met, "stmotion_overlay_frame_age_seconds")
	if n != 2 || math.Abs(sum-0.56) > 1e-9 {
		t.Errorf("frame age: %d observations summing to %g s, want 2 of 0.28 s (none before the first frame)", n, sum)
	}
}

// histogram returns the sample count and sum of histogram name.
func histogram(t *testing.T, m *live.Metrics, name string) (uint64, float64) {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			h := mf.GetMetric()[0].GetHistogram()
			return h.GetSampleCount(), h.GetSampleSum()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0, 0
}

// A bad /overlay filter value says what the parameter takes: "kinds=x"
// had been answered "want comma-separated ids, or kinds player,ball".
func TestFrameFilterErrors(t *testing.T) {
	for _, c := range []struct{ ids, teams, kinds, want string }{
		{"", "", "x", `live: overlay: bad kinds value "x" (want player, ball or player,ball)`},
		{"a", "", "", `live: overlay: bad ids value "a" (want comma-separated sensor ids)`},
		{"", "7,b", "", `live: overlay: bad teams value "b" (want comma-separated team ids)`},
	} {
		if _, err := live.ParseFrameFilter(c.ids, c.teams, c.kinds); err == nil || err.Error() != c.want {
			t.Errorf("ids %q teams %q kinds %q: %v, want %q", c.ids, c.teams, c.kinds, err, c.want)
		}
	}
}
