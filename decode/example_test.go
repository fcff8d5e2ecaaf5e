package decode_test

import (
	"errors"
	"fmt"

	"github.com/stmotion/stmotion/decode"
)

func ExampleDecoder_Decode() {
	feed := []string{
		`{"type":"location","data":{"occurred_at":1500571321532,"type":"BALL","id":2147549498,"x":-6039,"y":-8833,"z":1705}}`,
		`{"type":"stats","data":{"occurred_at":1500571319432,"team_id":461,"player_id":2623,"stats":{"FGA":15.0,"FG":8.0,"PTS":17.0},"classification":"TWO_POINT_MAKE","version":1941}}`,
		`{"type":"marker","data":{"occurred_at":1478800197339,"live_id":"a1140480-e1d5-4684-a619-402984b5c9ba","type":"PLAY_NEXT"}}`,
	}
	var d decode.Decoder
	var m decode.Message // reused for every message
	for _, line := range feed {
		src := []byte(line)
		if err := d.Decode(src, &m); err != nil {
			fmt.Println(err)
			continue
		}
		switch m.Kind {
		case decode.KindLocation:
			l := &m.Location
			fmt.Printf("%v %d at (%d, %d, %d) mm, t=%d ms\n", l.Sensor, l.ID, l.X_mm, l.Y_mm, l.Z_mm, l.OccurredAt_ms)
		case decode.KindStats:
			s := &m.Stats
			fmt.Printf("player %d %v: PTS=%v FGA=%v\n", s.PlayerID, s.Classification, s.Values[decode.StatPTS], s.Values[decode.StatFGA])
		case decode.KindMarker:
			fmt.Printf("%v, next live id %s\n", m.Marker.Type, m.Marker.LiveID.Text(src))
		}
	}
	// Output:
	// BALL 2147549498 at (-6039, -8833, 1705) mm, t=1500571321532 ms
	// player 2623 TWO_POINT_MAKE: PTS=17 FGA=15
	// PLAY_NEXT, next live id a1140480-e1d5-4684-a619-402984b5c9ba
}

func ExampleError() {
	var d decode.Decoder
	var m decode.Message
	src := []byte(`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":7,"x":15.5,"y":0,"z":0}}`)
	err := d.Decode(src, &m)
	fmt.Println(err)
	var e *decode.Error
	if errors.As(err, &e) && errors.Is(err, decode.ErrType) {
		fmt.Printf("bad value at byte %d: %s\n", e.Offset, src[e.Offset:e.Offset+4])
	}
	// Output:
	// decode: offset 70: data.x: wrong type: want an integer, got 15.5
	// bad value at byte 70: 15.5
}

func ExampleStats_NumUnknown() {
	var d decode.Decoder
	var m decode.Message
	src := []byte(`{"type":"stats","data":{"occurred_at":1,"player_id":9,"stats":{"BLK":2,"REB":5},"classification":"BLOCK"}}`)
	if err := d.Decode(src, &m); err != nil {
		panic(err)
	}
	s := &m.Stats
	fmt.Printf("REB=%v, %d unknown stat (%s), classification %v (%s)\n",
		s.Values[decode.StatREB], s.NumUnknown, s.UnknownKeys[0].Text(src), s.Classification, s.ClassText.Text(src))
	// Output:
	// REB=5, 1 unknown stat (BLK), classification UNKNOWN (BLOCK)
}

// ShellWord quotes a path for a command line to paste, only when it
// needs it.
func ExampleShellWord() {
	fmt.Println(decode.ShellWord("games/g05.jsonl.gz"))
	fmt.Println(decode.ShellWord("Game 5 (home).jsonl"))
	fmt.Println(decode.ShellWord("it's.jsonl"))
	// Output:
	// games/g05.jsonl.gz
	// 'Game 5 (home).jsonl'
	// 'it'\''s.jsonl'
}
