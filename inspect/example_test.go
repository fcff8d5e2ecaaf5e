package inspect_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/inspect"
)

// A short recording with a player at 25 Hz, a ball, a marker, a message
// type the decoder does not know and a bad line: what it holds, as
// `stmotion inspect` prints it.
func Example() {
	dir, err := os.MkdirTemp("", "inspect-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	rec := filepath.Join(dir, "game.jsonl")
	data := `{"type":"marker","data":{"occurred_at":1500571321000,"type":"PLAY_START"}}
{"type":"location","data":{"occurred_at":1500571321000,"type":"PLAYER","id":7,"x":0,"y":0,"z":60}}
{"type":"location","data":{"occurred_at":1500571321040,"type":"PLAYER","id":7,"x":10,"y":0,"z":60}}
{"type":"location","data":{"occurred_at":1500571321080,"type":"PLAYER","id":7,"x":20,"y":0,"z":60}}
{"type":"location","data":{"occurred_at":1500571321080,"type":"BALL","id":2147549498,"x":0,"y":0,"z":1000}}
{"type":"telemetry","data":{}}
{"type":"location","data":{"occurred_at":
`
	if err := os.WriteFile(rec, []byte(data), 0o644); err != nil {
		panic(err)
	}
	roster := &decode.Subscribe{Teams: []decode.RosterTeam{{ID: 1, Name: "Home", Players: []decode.Player{{ID: 7, DisplayName: "Ann Lee", JerseyNumber: "4"}}}}}

	rep, err := inspect.Read(context.Background(), rec, inspect.Options{Roster: roster})
	if err != nil {
		panic(err)
	}
	rep.Path, rep.Recording = "game.jsonl", "game.jsonl" // not the temporary directory's
	fmt.Printf("%s: %d messages, %d bad, player 7 at %.1f Hz\n\n", rep.Path, rep.Messages, rep.Bad, rep.Sensors[0].Rate_Hz)
	if err := inspect.WriteText(os.Stdout, rep, inspect.TextOptions{}); err != nil {
		panic(err)
	}
	// Output:
	// game.jsonl: 6 messages, 1 bad, player 7 at 25.0 Hz
	//
	// game.jsonl
	//   court       none (no court.json): analyze keeps the positions in the sensor frame
	//   recording   game.jsonl (compression: none)
	//   lines       7 (blank 0, bad 1)
	//   messages    6: location 4, marker 1, unknown 1
	//   time span   2017-07-20T17:22:01.000Z .. 2017-07-20T17:22:01.080Z (0.1 s)
	//   sensors     1 player, 1 ball
	//         type          id  samples  median ms  rate Hz  max gap ms  backwards  repeats
	//       PLAYER           7        3         40     25.0          40          0        0  #4 Ann Lee (Home)
	//         BALL  2147549498        1          0      0.0           0          0        0
	//   markers     1
	//     2017-07-20T17:22:01.000Z  PLAY_START  (line 1)
	//   unknown     types 1, sensor types 0, stat keys 0, classifications 0, markers 0 (types: telemetry)
	//   bad lines   1; the first 1:
	//     game.jsonl:7: decode: offset 41: data.occurred_at: syntax error: unexpected end of input
}
