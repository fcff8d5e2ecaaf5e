package decode

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

// Micro-benchmarks of Decode per message shape, each beside encoding/json
// decoding the same bytes into an equivalent struct in the same run (the
// ratio is what to read; this machine is shared and noisy). The
// whole-feed harness with other peers lives in package bench.
//
//	go test ./decode -run=^$ -bench=Decode -benchmem -count=1
//	go test ./decode -run=^$ -bench=DecodeLocation/stmotion -cpuprofile=/tmp/cpu.out && go tool pprof -top decode.test /tmp/cpu.out

// jsonMessage is the encoding/json baseline: one struct holding the fields
// of every kind, decoded in one pass (the kindest setup for encoding/json).
type jsonMessage struct {
	Type string `json:"type"`
	Data struct {
		OccurredAt     int64              `json:"occurred_at"`
		Type           string             `json:"type"`
		ID             int64              `json:"id"`
		X              int32              `json:"x"`
		Y              int32              `json:"y"`
		Z              int32              `json:"z"`
		TeamID         int64              `json:"team_id"`
		PlayerID       int64              `json:"player_id"`
		Stats          map[string]float64 `json:"stats"`
		Classification string             `json:"classification"`
		Version        int64              `json:"version"`
		IsMake         bool               `json:"is_make"`
		Is3Point       bool               `json:"is_3point"`
		Zone           int                `json:"zone"`
		HoopPlayerX    int32              `json:"hoop_player_x"`
		HoopPlayerY    int32              `json:"hoop_player_y"`
		Status         string             `json:"status"`
		LiveID         string             `json:"live_id"`
	} `json:"data"`
}

// jsonFloatLocation is the baseline for locations with float coordinates.
type jsonFloatLocation struct {
	Type string `json:"type"`
	Data struct {
		OccurredAt int64   `json:"occurred_at"`
		Type       string  `json:"type"`
		ID         int64   `json:"id"`
		X          float64 `json:"x"`
		Y          float64 `json:"y"`
		Z          float64 `json:"z"`
	} `json:"data"`
}

var benchInputs = []struct {
	name, in string
	floats   bool
}{
	{"Location", `{"type":"location","data":{"occurred_at":1478800197342,"type":"PLAYER","id":2942,"x":2314,"y":-8635,"z":69}}`, false},
	{"LocationBall", `{"type":"location","data":{"occurred_at":1478800197342,"type":"BALL","id":2147549498,"x":-6039,"y":-8833,"z":1705}}`, false},
	{"LocationShuffled", `{ "data" : { "z" : 69, "id" : 2942, "x" : 2314,  "occurred_at" : 1478800197342, "y" : -8635, "type" : "PLAYER" }, "type" : "location" }`, false},
	{"LocationFloats", `{"type":"location","data":{"occurred_at":1478800197342,"type":"PLAYER","id":2942,"x":2314.0,"y":-8635.0,"z":69.0}}`, true},
	{"Stats", `{"type":"stats","data":{"occurred_at":1484865816836,"team_id":461,"player_id":123,"stats":{"FGA":4.0,"PTS":4.0,"FG":2.0},"classification":"TWO_POINT_MAKE","version":317}}`, false},
	{"StatsDist", `{"type":"stats","data":{"occurred_at":1484865816836,"team_id":461,"player_id":123,"stats":{"DIST":283417.25},"classification":"DISTANCE","version":318}}`, false},
	{"Shot", `{"type":"shot","data":{"occurred_at":1484865816836,"team_id":461,"player_id":123,"is_make":true,"is_3point":true,"zone":1,"hoop_player_x":12,"hoop_player_y":3,"status":"RECORDED"}}`, false},
	{"Marker", `{"type":"marker","data":{"occurred_at":1478800197339,"live_id":"a1140480-e1d5-4684-a619-402984b5c9ba","type":"PLAY_NEXT"}}`, false},
}

func BenchmarkDecode(b *testing.B) {
	for _, c := range benchInputs {
		src := []byte(c.in)
		b.Run(c.name+"/stmotion", func(b *testing.B) {
			var d Decoder
			var m Message
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if err := d.Decode(src, &m); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mmsgs/s")
		})
		b.Run(c.name+"/encoding_json", func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				var m jsonMessage
				var mf jsonFloatLocation // encoding/json rejects 2314.0 for an int
				var err error
				if c.floats {
					err = json.Unmarshal(src, &mf)
				} else {
					err = json.Unmarshal(src, &m)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mmsgs/s")
		})
	}
}

// BenchmarkDecodeMix decodes a feed-like corpus: 10 players and the ball at
// 25 Hz with an occasional stats, shot or marker message (about 99%
// locations), as one recording would hold it.
func BenchmarkDecodeMix(b *testing.B) {
	var corpus [][]byte
	total := 0
	for k := 0; k < 2000; k++ {
		var s string
		switch {
		case k%250 == 0:
			s = benchInputs[4].in
		case k%500 == 7:
			s = benchInputs[6].in
		case k%1000 == 3:
			s = benchInputs[7].in
		case k%11 == 10:
			s = fmt.Sprintf(`{"type":"location","data":{"occurred_at":%d,"type":"BALL","id":2147549498,"x":%d,"y":%d,"z":%d}}`, 1478800197342+int64(k)*4, -6039+k, -8833+3*k, 1705-k%300)
		default:
			s = fmt.Sprintf(`{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":%d,"x":%d,"y":%d,"z":%d}}`, 1478800197342+int64(k)*4, 2900+k%11, 2314-7*k, -8635+5*k, 60+k%20)
		}
		corpus = append(corpus, []byte(s))
		total += len(s)
	}
	benchCorpus(b, corpus, total)
}

// shuffledCorpus is a feed like BenchmarkDecodeMix's but with every
// object's keys in a random order and 0-2 bytes of space or tab in every
// gap, different per message, so that branch prediction cannot learn one
// layout (as with a real producer that does not keep key order).
func shuffledCorpus(n int) ([][]byte, int) {
	r := rand.New(rand.NewPCG(7, 11))
	ws := func(b []byte) []byte {
		for k := r.IntN(3); k > 0; k-- {
			if r.IntN(3) == 0 {
				b = append(b, '\t')
			} else {
				b = append(b, ' ')
			}
		}
		return b
	}
	obj := func(b []byte, kv [][2]string) []byte {
		r.Shuffle(len(kv), func(i, j int) { kv[i], kv[j] = kv[j], kv[i] })
		b = ws(append(b, '{'))
		for i, m := range kv {
			if i > 0 {
				b = ws(append(b, ','))
			}
			b = ws(append(append(append(b, '"'), m[0]...), '"'))
			b = ws(append(b, ':'))
			b = ws(append(b, m[1]...))
		}
		return append(b, '}')
	}
	var corpus [][]byte
	total := 0
	for k := 0; k < n; k++ {
		sensor, id := `"PLAYER"`, strconv.Itoa(2900+k%10)
		if k%11 == 10 {
			sensor, id = `"BALL"`, "2147549498"
		}
		data := obj(nil, [][2]string{
			{"occurred_at", strconv.FormatInt(1478800197342+4*int64(k), 10)}, {"type", sensor}, {"id", id},
			{"x", strconv.Itoa(-14000 + (k*7919)%28000)}, {"y", strconv.Itoa(-7500 + (k*104729)%15000)}, {"z", strconv.Itoa(k % 2500)},
		})
		line := obj(nil, [][2]string{{"type", `"location"`}, {"data", string(data)}})
		corpus = append(corpus, line)
		total += len(line)
	}
	return corpus, total
}

// BenchmarkDecodeShuffled decodes shuffledCorpus: the general path, with
// "type" after "data" in half of the messages.
func BenchmarkDecodeShuffled(b *testing.B) {
	corpus, total := shuffledCorpus(2000)
	benchCorpus(b, corpus, total)
}

// benchCorpus decodes every message of corpus (total bytes) per iteration,
// with stmotion and, in the same run, with encoding/json as the baseline.
func benchCorpus(b *testing.B, corpus [][]byte, total int) {
	b.Run("stmotion", func(b *testing.B) {
		var d Decoder
		var m Message
		b.SetBytes(int64(total))
		b.ReportAllocs()
		for b.Loop() {
			for _, src := range corpus {
				if err := d.Decode(src, &m); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N*len(corpus))/b.Elapsed().Seconds()/1e6, "Mmsgs/s")
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.SetBytes(int64(total))
		b.ReportAllocs()
		for b.Loop() {
			for _, src := range corpus {
				var m jsonMessage
				if err := json.Unmarshal(src, &m); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N*len(corpus))/b.Elapsed().Seconds()/1e6, "Mmsgs/s")
	})
}
