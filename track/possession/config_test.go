package possession

import (
	"reflect"
	"testing"

	"github.com/stmotion/stmotion/court"
)

// A zero field takes its default: a zero Config is DefaultConfig (it
// used to find no possession at all, Entry_m being 0), one set in part
// changes only what it sets, and a negative value of a field where 0 is a
// setting gives 0.
func TestConfigDefaults(t *testing.T) {
	if got, want := (Config{}).WithDefaults(), DefaultConfig(); !reflect.DeepEqual(got, want) {
		t.Errorf("zero Config with defaults:\n%+v\nwant DefaultConfig:\n%+v", got, want)
	}
	part := Config{Entry_m: 0.6, TeamTie_m: -1, Gather_ms: -1}.WithDefaults()
	want := DefaultConfig()
	want.Entry_m, want.TeamTie_m, want.Gather_ms = 0.6, 0, 0
	if !reflect.DeepEqual(part, want) {
		t.Errorf("Config{Entry_m: 0.6, TeamTie_m: -1, Gather_ms: -1} with defaults:\n%+v\nwant\n%+v", part, want)
	}
	sf := ConfigFor(court.SensorFrame().Template)
	if got := sf.WithDefaults(); !reflect.DeepEqual(got, sf) {
		t.Errorf("sensor-frame config changed by WithDefaults:\n%+v\nwant\n%+v", got, sf)
	}

	// A ball carried beside a player: the zero Config finds the same
	// possession as the defaults.
	sc := scene{
		dur_s:   12,
		players: still(map[int64][2]float64{1: {0, 0}, 3: {4, 4}}),
		ball:    func(float64) (float64, float64, float64) { return 0.2, 0, 1 },
	}
	got, def := playWith(Config{}, sc), play(sc)
	if len(def.of(KindPossession)) != 1 || !reflect.DeepEqual(got.events, def.events) {
		t.Errorf("zero Config:\n%swant (DefaultConfig, one possession):\n%s", got, def)
	}
}
