package mock_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	json "github.com/goccy/go-json"
	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/synth"
)

// BenchmarkReplay measures the websocket replay at speed 0 on the built-in
// sample game (about 150k lines), read by a gorilla client over loopback,
// against a baseline server that writes the same lines with no token,
// filter or scheduling logic. Profile with
//
//	go test -run - -bench Replay -cpuprofile cpu.out ./live/mock && go tool pprof cpu.out
func BenchmarkReplay(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "sample")
	if _, err := synth.Write(context.Background(), synth.SampleConfig(), dir, nil); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "messages.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	lines := mock.Lines(data)

	read := func(b *testing.B, url string) int {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		n := 0
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return n
			}
			n++
		}
	}

	b.Run("mock", func(b *testing.B) {
		s, err := mock.New(dir, mock.Options{NoAuth: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Start(context.Background()); err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		msgs := 0
		for b.Loop() {
			resp, err := http.Get(s.URL() + "/v1/data/live/" + s.LiveID() + "/_subscribe")
			if err != nil {
				b.Fatal(err)
			}
			var sub struct{ Token string }
			decodeJSON(b, resp, &sub)
			msgs += read(b, s.WSURL()+"?token="+sub.Token) - 1 // minus the ack
		}
		if msgs != b.N*len(lines) {
			b.Fatalf("replayed %d messages in %d runs, want %d each", msgs, b.N, len(lines))
		}
		b.ReportMetric(float64(msgs)/b.Elapsed().Seconds(), "msgs/s")
	})

	b.Run("baseline-raw-websocket", func(b *testing.B) {
		up := websocket.Upgrader{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := up.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer c.Close()
			for _, l := range lines {
				if c.WriteMessage(websocket.TextMessage, l) != nil {
					return
				}
			}
			c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
		}))
		defer srv.Close()
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		msgs := 0
		for b.Loop() {
			msgs += read(b, strings.Replace(srv.URL, "http", "ws", 1))
		}
		b.ReportMetric(float64(msgs)/b.Elapsed().Seconds(), "msgs/s")
	})
}

func decodeJSON(b *testing.B, resp *http.Response, v any) {
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		b.Fatal(err)
	}
}
