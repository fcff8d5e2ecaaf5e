package mock_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"

	json "github.com/goccy/go-json"
	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live/mock"
)

// Serve a bundle without security, take a token and read the start of the
// replayed feed from the websocket.
func Example() {
	dir, _ := os.MkdirTemp("", "example-bundle-")
	defer os.RemoveAll(dir)
	if err := mock.WriteTinyBundle(dir); err != nil {
		fmt.Println(err)
		return
	}
	srv, err := mock.New(dir, mock.Options{NoAuth: true, Speed: 0})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := srv.Start(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	resp, err := http.Get(srv.URL() + "/v1/data/live/" + srv.LiveID() + "/_subscribe?dt=STATS")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var sub decode.Subscribe
	if err := json.Unmarshal(body, &sub); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, sub.TokenDataTypes, len(sub.Teams), "teams")

	c, _, err := websocket.DefaultDialer.Dial(srv.WSURL()+"?token="+sub.Token, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	_, ack, err := c.ReadMessage()
	if err != nil {
		fmt.Println(err)
		return
	}
	var a struct{ Type, Action string }
	json.Unmarshal(ack, &a)
	fmt.Println(a.Type, a.Action) // the socketSessionId differs every time
	for range 3 {                 // the feed: markers always, stats as granted
		_, m, err := c.ReadMessage()
		if err != nil {
			fmt.Println(err)
			return
		}
		if len(m) > 70 {
			m = append(m[:70], "..."...)
		}
		fmt.Printf("%s\n", m)
	}
	// Output:
	// 200 [STATS] 2 teams
	// ack subscribe
	// {"type":"marker","data":{"occurred_at":1700000000000,"type":"LIVE"}}
	// {"type":"stats","data":{"occurred_at":1700000000500,"team_id":461,"pla...
	// {"type":"stats","data":{"occurred_at":1700000001200,"team_id":462,"pla...
}

// Follow the rounds as the replay clock starts them (here the tiny
// bundle's one round, at 10x real time).
func ExampleOptions_onRound() {
	dir, _ := os.MkdirTemp("", "example-bundle-")
	defer os.RemoveAll(dir)
	if err := mock.WriteTinyBundle(dir); err != nil {
		fmt.Println(err)
		return
	}
	rounds := make(chan mock.Round, 1)
	srv, err := mock.New(dir, mock.Options{Speed: 10, OnRound: func(r mock.Round) { rounds <- r }})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := srv.Start(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	r := <-rounds
	fmt.Println("pass", r.Pass, "round", r.Index, "live id", r.LiveID == mock.TinyLiveID, "started at", r.StartedAt_ms)
	// Output:
	// pass 0 round 0 live id true started at 1699999940000
}
