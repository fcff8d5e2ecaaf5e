package live_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// The signature of the seed's signing scheme for one request line.
func ExampleSignature() {
	sig := live.Signature("secret", "Thu, 22 Jun 2017 17:15:21 GMT", "hmac.com", "GET /requests?name=foo HTTP/1.1")
	fmt.Println(sig)
	fmt.Println(live.AuthorizationValue("alice", sig))
	// Output:
	// zYk23pbkql8wLpf/Vg/WbQ7arjU=
	// hmac username="alice",algorithm="hmac-sha1",headers="date host request-line",signature="zYk23pbkql8wLpf/Vg/WbQ7arjU="
}

// A client talking to an in-process mock: discover the live session, get a
// subscription token and the stats so far, and tell errors apart.
func ExampleClient() {
	dir, _ := os.MkdirTemp("", "example-bundle-")
	defer os.RemoveAll(dir)
	if err := mock.WriteTinyBundle(dir); err != nil {
		fmt.Println(err)
		return
	}
	srv, err := mock.New(dir, mock.Options{}) // HMAC required, the seed's mock credentials
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	if err := srv.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	c, err := live.NewClient(live.ClientConfig{
		BaseURL:     srv.URL(),
		Credentials: live.Credentials{Username: mock.DefaultUsername, Secret: mock.DefaultSecret},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	info, err := c.LiveInfo(ctx, srv.LiveID())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("session:", info.Teams[0].Live.Name, "at", info.Teams[0].Live.FacilityName)

	sub, err := c.Subscribe(ctx, srv.LiveID(), live.DataLocations, live.DataStats)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("token grants:", sub.TokenDataTypes)

	stats, err := c.Stats(ctx, srv.LiveID())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("players with stats:", len(stats.Teams[0].PlayerStats)+len(stats.Teams[1].PlayerStats))

	_, err = c.LiveInfo(ctx, "no-such-id")
	var apiErr *live.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("error:", apiErr.Status, apiErr.Message, errors.Is(err, live.ErrNotFound))
	}
	// Output:
	// session: tiny scrimmage at Mock Gym
	// token grants: [STATS LOCATIONS]
	// players with stats: 3
	// error: 404 Invalid id true
}

// From/to ranges are checked before anything is sent.
func ExampleCheckRange() {
	err := live.CheckRange(1525132800000, 1522540800000)
	fmt.Println(err)
	fmt.Println(errors.Is(err, live.ErrInvalidRange))
	// Output:
	// live: invalid time range from=1525132800000 to=1522540800000 (epoch ms): from must be less than to
	// true
}
