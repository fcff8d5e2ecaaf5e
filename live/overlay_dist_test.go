package live_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/synth"
)

// distFrame is what TestOverlayDistanceMatchesAnalyze reads of a JSON
// frame.
type distFrame struct {
	LiveID   string `json:"live_id"`
	T_ms     int64  `json:"t_ms"`
	DistT_ms *int64 `json:"dist_t_ms"`
	Ended    bool   `json:"ended"`
	Sensors  []struct {
		ID        int64    `json:"id"`
		Kind      string   `json:"kind"`
		Speed_mps float64  `json:"speed_mps"`
		Dist_m    *float64 `json:"dist_m"`
		Moving    *bool    `json:"moving"`
	} `json:"sensors"`
}

// binDist is a binary frame's players' dist_m and moving, and its
// dist_t_ms.
type binDist struct {
	liveID   string
	ended    bool
	t_ms     int64
	distT_ms int64
	dist_m   map[int64]float32
	moving   map[int64]bool
}

func decodeBinDist(t *testing.T, b []byte) binDist {
	t.Helper()
	le := binary.LittleEndian
	if len(b) < live.FrameHeader_B || string(b[:4]) != live.FrameMagic || b[4] != live.FrameVersion {
		t.Fatalf("binary frame header % x", b[:min(len(b), 8)])
	}
	l := int(le.Uint16(b[30:]))
	f := binDist{liveID: string(b[live.FrameHeader_B : live.FrameHeader_B+l]), ended: b[7]&live.FrameFlagEnded != 0,
		t_ms: int64(le.Uint64(b[8:])), distT_ms: int64(le.Uint64(b[32:])), dist_m: map[int64]float32{}, moving: map[int64]bool{}}
	p := b[live.FrameHeader_B+l:]
	for range int(le.Uint16(b[28:])) {
		if p[32] == 1 { // a player
			id := int64(le.Uint64(p))
			f.dist_m[id] = math.Float32frombits(le.Uint32(p[36:]))
			f.moving[id] = p[33]&live.FlagMoving != 0
		}
		p = p[live.FrameSensorMin_B+int(p[40]):]
	}
	if len(p) != 0 {
		t.Fatalf("binary frame: %d bytes after its sensors", len(p))
	}
	return f
}

// readAll reads a websocket's messages until it closes.
func readAll(c *websocket.Conn) [][]byte {
	var out [][]byte
	for {
		_, b, err := c.ReadMessage()
		if err != nil {
			return out
		}
		out = append(out, b)
	}
}

// TestOverlayDistanceMatchesAnalyze: a simulated game through stmotion
// live's path (the mock, Join, the overlay, its JSON and binary clients):
// each player's dist_m never decreases within a live id, is in as of a
// dist_t_ms no later than t_ms, and the end frame's equals the distance
// `stmotion analyze` (the batch engine) finds in the recorded bundle, to
// the encoding's precision: JSON rounds to the cm (0.005 m), binary is a
// float32 (6e-8 of the value); the engine's figures are the same sums in
// both modes (live/doc.go). A player who stands reads 0 m, not the
// sensor noise summed, and is not "moving", unlike one running (JSON and
// binary agree on it).
func TestOverlayDistanceMatchesAnalyze(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and replays a game")
	}
	dir := filepath.Join(t.TempDir(), "game")
	cfg := synth.SampleConfig()
	cfg.Minutes = 1
	if _, err := synth.Write(context.Background(), cfg, dir, nil); err != nil {
		t.Fatal(err)
	}
	ov, hs := overlayServer(t, live.OverlayOptions{Rate_Hz: 1000, Queue: 1 << 14})
	js, bin := dialOverlay(t, hs, ""), dialOverlay(t, hs, "?format=binary")
	waitFor(t, "two clients", func() bool { return ov.Clients() == 2 })
	var wg sync.WaitGroup
	var jsMsgs, binMsgs [][]byte
	wg.Go(func() { jsMsgs = readAll(js) })
	wg.Go(func() { binMsgs = readAll(bin) })

	srv := serveMock(t, dir, mock.Options{Speed: 20})
	out := t.TempDir()
	res, err := live.Join(context.Background(), live.SessionConfig{Client: liveClient(t, srv.URL()), LiveID: srv.LiveID(), Overlay: ov, Out: out})
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	ov.Finish()
	wg.Wait()

	// The batch engine's distances, per live id.
	want := map[string]map[int64]float64{}
	for _, r := range res {
		b, err := decode.OpenBundle(r.Dir)
		if err != nil {
			t.Fatal(err)
		}
		run, err := pipeline.OpenEngine(b, r.LiveID, pipeline.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := run.Do(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want[r.LiveID] = map[int64]float64{}
		for _, p := range sum.Players {
			want[r.LiveID][p.PlayerID] = p.Distance_m
		}
	}

	type key struct {
		live string
		id   int64
	}
	last := map[key]float64{}
	lastDistT := map[string]int64{}
	var ends []distFrame
	var lags []int64
	still, stillMoving := 0, 0   // frames of players analyze has at about 0 m, and those "moving"
	active, activeMoving := 0, 0 // frames of players analyze has over 10 m, at over 3 m/s, and those "moving"
	type movingKey struct {
		live     string
		ended    bool
		t_ms, id int64
	}
	jsMoving := map[movingKey]bool{}
	for _, m := range jsMsgs {
		var f distFrame
		if err := json.Unmarshal(m, &f); err != nil {
			t.Fatal(err)
		}
		if f.DistT_ms == nil || *f.DistT_ms > f.T_ms || *f.DistT_ms < lastDistT[f.LiveID] {
			t.Fatalf("dist_t_ms %v at t_ms %d (after %d): want one, never past t_ms nor going back", f.DistT_ms, f.T_ms, lastDistT[f.LiveID])
		}
		lastDistT[f.LiveID] = *f.DistT_ms
		if *f.DistT_ms > 0 && !f.Ended {
			lags = append(lags, f.T_ms-*f.DistT_ms)
		}
		for _, s := range f.Sensors {
			if s.Kind == "ball" {
				if s.Dist_m != nil || s.Moving != nil {
					t.Fatalf("ball %d carries dist_m %v, moving %v", s.ID, s.Dist_m, s.Moving)
				}
				continue
			}
			if s.Dist_m == nil || s.Moving == nil {
				t.Fatalf("player %d has no dist_m or moving: %s", s.ID, m)
			}
			k := key{f.LiveID, s.ID}
			if *s.Dist_m < last[k] {
				t.Fatalf("player %d: dist_m went from %.2f to %.2f m at t_ms %d", s.ID, last[k], *s.Dist_m, f.T_ms)
			}
			last[k] = *s.Dist_m
			jsMoving[movingKey{f.LiveID, f.Ended, f.T_ms, s.ID}] = *s.Moving
			if w, ok := want[f.LiveID][s.ID]; ok && *f.DistT_ms > 0 {
				switch {
				case w < 1:
					still++
					if *s.Moving {
						stillMoving++
					}
				case w > 10 && s.Speed_mps > 3:
					active++
					if *s.Moving {
						activeMoving++
					}
				}
			}
		}
		if f.Ended {
			if *f.DistT_ms != f.T_ms {
				t.Errorf("%s: end frame's dist_t_ms %d, want its t_ms %d (the final figures)", f.LiveID, *f.DistT_ms, f.T_ms)
			}
			ends = append(ends, f)
		}
	}
	if stillMoving > still/100 || activeMoving < active*3/4 {
		t.Errorf("players who stood (analyze under 1 m) read moving in %d of %d frames (want under 1 %%), players running at over 3 m/s in %d of %d (want most)", stillMoving, still, activeMoving, active)
	}
	if len(ends) != len(res) || len(res) == 0 {
		t.Fatalf("%d end frames for %d live ids", len(ends), len(res))
	}
	compared, standing := 0, 0
	for _, f := range ends {
		for _, s := range f.Sensors {
			w, ok := want[f.LiveID][s.ID]
			if s.Kind == "ball" || !ok {
				continue
			}
			compared++
			if math.Abs(*s.Dist_m-w) > 0.005+1e-9*w {
				t.Errorf("%s player %d: end frame dist_m %.2f m, analyze %.4f m", f.LiveID, s.ID, *s.Dist_m, w)
			}
			if w < 1 {
				standing++
			}
		}
	}
	if compared < 10 || standing == 0 {
		t.Errorf("%d players compared, %d of them standing: want the ten on court and a bench", compared, standing)
	}

	binEnds := 0
	lastBin := map[key]float32{}
	for _, m := range binMsgs {
		f := decodeBinDist(t, m)
		for id, d := range f.dist_m {
			k := key{f.liveID, id}
			if d < lastBin[k] {
				t.Fatalf("binary: player %d: dist_m went from %g to %g m", id, lastBin[k], d)
			}
			lastBin[k] = d
			if mv, ok := jsMoving[movingKey{f.liveID, f.ended, f.t_ms, id}]; ok && mv != f.moving[id] {
				t.Fatalf("binary %s player %d at t_ms %d: moving %v, the JSON frame's %v", f.liveID, id, f.t_ms, f.moving[id], mv)
			}
			if w, ok := want[f.liveID][id]; ok && f.ended && math.Abs(float64(d)-w) > 1e-6*w+1e-9 {
				t.Errorf("binary %s player %d: end frame dist_m %g m, analyze %.6f m", f.liveID, id, d, w)
			}
		}
		if f.ended {
			binEnds++
		}
	}
	if binEnds != len(res) {
		t.Errorf("%d binary end frames for %d live ids", binEnds, len(res))
	}
	lo, hi := int64(math.MaxInt64), int64(0)
	for _, l := range lags {
		lo, hi = min(lo, l), max(hi, l)
	}
	t.Logf("%d live ids, %d JSON frames, %d players compared (%d standing); t_ms - dist_t_ms %d-%d ms; standing players moving in %d of %d frames, running ones in %d of %d",
		len(res), len(jsMsgs), compared, standing, lo, hi, stillMoving, still, activeMoving, active)
}
