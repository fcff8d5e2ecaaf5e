package live_test

import (
	"fmt"

	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/track"
)

// An overlay frame as /overlay clients receive it (format=json), for all
// sensors and for a client subscribed to one team's players.
func ExampleAppendFrameJSON() {
	f := &live.Frame{LiveID: "L1", T_ms: 1700000000100, DistT_ms: 1699999998140, Period: 1, Clock: track.ClockLive, Holder: 101, BallState: "held",
		Sensors: []live.SensorState{
			{ID: 101, Kind: track.KindPlayer, TeamID: 461, Jersey: "1", X_m: -4.5, Y_m: 2, Z_m: 1.1, Speed_mps: 3.41, Holder: true, Dist_m: 812.4712, Moving: true},
			{ID: 2147549498, Kind: track.KindBall, X_m: -4.4, Y_m: 2.1, Z_m: 1, GameBall: true},
		}}
	fmt.Println(string(live.AppendFrameJSON(nil, f, nil)))
	only, _ := live.ParseFrameFilter("", "462", "player")
	fmt.Println(string(live.AppendFrameJSON(nil, f, only)))
	// Output:
	// {"live_id":"L1","t_ms":1700000000100,"dist_t_ms":1699999998140,"period":1,"clock":"live","holder":101,"ball_state":"held","sensors":[{"id":101,"kind":"player","team":461,"jersey":"1","x_m":-4.500,"y_m":2.000,"z_m":1.100,"speed_mps":3.41,"age_ms":0,"holder":true,"dist_m":812.47,"moving":true},{"id":2147549498,"kind":"ball","team":0,"jersey":"","x_m":-4.400,"y_m":2.100,"z_m":1.000,"speed_mps":0.00,"age_ms":0,"holder":false,"game_ball":true}]}
	// {"live_id":"L1","t_ms":1700000000100,"dist_t_ms":1699999998140,"period":1,"clock":"live","holder":101,"ball_state":"held","sensors":[]}
}

// The binary encoding of the same frame is a 40-byte header, the live id
// and 41 bytes per sensor plus its jersey.
func ExampleAppendFrameBinary() {
	f := &live.Frame{LiveID: "L1", T_ms: 1700000000100, Sensors: []live.SensorState{
		{ID: 101, Kind: track.KindPlayer, TeamID: 461, Jersey: "1"},
		{ID: 2147549498, Kind: track.KindBall},
	}}
	b := live.AppendFrameBinary(nil, f, nil)
	fmt.Println(string(b[:4]), len(b), live.FrameHeader_B+2+2*live.FrameSensorMin_B+1)
	// Output: STMF 125 125
}

// NATS subjects of a live id.
func ExampleFramesSubject() {
	fmt.Println(live.FramesSubject("6141681d-df46-11e6-a818-f20e96351dc1"))
	fmt.Println(live.EventsSubject("6141681d-df46-11e6-a818-f20e96351dc1"))
	// Output:
	// stmotion.6141681d-df46-11e6-a818-f20e96351dc1.frames
	// stmotion.6141681d-df46-11e6-a818-f20e96351dc1.events
}

// The websocket address of a subscription token.
func ExampleFeedURL() {
	u, _ := live.FeedURL("ws://live.shottracker.com", "6141681d-df46-11e6-a818-f20e96351dc1")
	fmt.Println(u)
	// Output: ws://live.shottracker.com/?token=6141681d-df46-11e6-a818-f20e96351dc1
}
