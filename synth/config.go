package synth

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/stmotion/stmotion/court"
)

// ErrConfig is wrapped by every error about a bad Config.
var ErrConfig = errors.New("bad config")

// ConfigError names the Config field that is out of range.
type ConfigError struct {
	Field  string
	Detail string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("synth: config %s: %s", e.Field, e.Detail)
}

func (e *ConfigError) Unwrap() error { return ErrConfig }

// Config says what to simulate and how the feed is degraded. The zero value
// is not usable: start from DefaultConfig or SampleConfig.
type Config struct {
	Minutes  float64 `json:"minutes"`  // session length (wall clock, dead balls, half time and a practice's breaks between drills included), minutes
	Hz       float64 `json:"hz"`       // nominal location sample rate per sensor
	Seed     int64   `json:"seed"`     // one seed drives the game; the feed's degradations use streams of their own derived from it, so no feed field changes the game
	Court    string  `json:"court"`    // court template name (court.TemplateByName): nba, wnba, ncaa, hs, fiba, hs94
	Practice bool    `json:"practice"` // a practice (scrimmages alternating with shooting drills, DRILL_* markers) instead of a game

	// Sensor frame: sensor_mm = R(Rotation_deg)·court_m·1000 + (TX_mm, TY_mm); z is shared.
	Rotation_deg float64 `json:"rotation_deg"`
	TX_mm        float64 `json:"tx_mm"`
	TY_mm        float64 `json:"ty_mm"`

	// Feed degradations.
	Noise_mm         float64 `json:"noise_mm"`           // Gaussian sigma per axis of location noise
	Bias_mm          float64 `json:"bias_mm"`            // sigma per axis of a slowly wandering per-sensor offset (multipath), added to the noise
	BiasTau_s        float64 `json:"bias_tau_s"`         // correlation time of that offset
	Jitter_ms        float64 `json:"jitter_ms"`          // Gaussian sigma of the sampling instant around the nominal tick (clipped to ±3σ and ±40 % of the period)
	JitterPerSensor  bool    `json:"jitter_per_sensor"`  // each sensor's instant jitters on its own; by default a tick's samples share one instant, as on real feeds
	DropRate         float64 `json:"drop_rate"`          // probability that one sample is lost
	DropoutsPerMin   float64 `json:"dropouts_per_min"`   // per sensor: how often a sensor goes silent for DropoutMax_s at most
	DropoutMax_s     float64 `json:"dropout_max_s"`      // longest dropout; each lasts uniform [0.2, DropoutMax_s] s
	DuplicateRate    float64 `json:"duplicate_rate"`     // probability that a line is delivered twice
	ReorderRate      float64 `json:"reorder_rate"`       // probability that a location line is delivered 1-4 lines late
	OutlierRate      float64 `json:"outlier_rate"`       // probability that a sample jumps 0.5-2.5 m (multipath)
	FeedGapRate      float64 `json:"feed_gap_rate"`      // probability that a dead ball silences every location sensor for 2-8 s
	StatsDelayMax_ms int64   `json:"stats_delay_max_ms"` // stats and shot messages arrive 200 ms to this late

	DistInterval_s float64 `json:"dist_interval_s"` // cadence of the cumulative DIST stats
	StartTime_ms   int64   `json:"start_time_ms"`   // epoch ms of PLAY_START / the first DRILL_START: 1 to MaxTime_ms minus the session length
	BenchPerTeam   int     `json:"bench_per_team"`  // players beyond the five on court
	Compress       string  `json:"compress"`        // "", "gz" or "zst": messages.jsonl[.gz|.zst]
}

// MaxTime_ms is the latest timestamp a session may carry: every timestamp
// lies in [StartTime_ms, StartTime_ms + Duration_s·1000], and Validate keeps
// that inside (0, MaxTime_ms], the timestamps the engine keeps
// (track.PlausibleTime; track's tests check that the two agree). synth
// cannot import track, whose tests import synth.
const MaxTime_ms = 100_000_000_000_000 // year 5138

// DefaultConfig is a 12-minute NBA game at 25 Hz, seed 1, 30 mm noise.
func DefaultConfig() Config {
	return Config{
		Minutes: 12, Hz: 25, Seed: 1, Court: "nba",
		Rotation_deg: -31, TX_mm: 4200, TY_mm: 7600,
		Noise_mm: 30, Bias_mm: 20, BiasTau_s: 1.5, Jitter_ms: 3, DropRate: 0.004,
		DropoutsPerMin: 0.15, DropoutMax_s: 1.5,
		DuplicateRate: 0.0008, ReorderRate: 0.002, OutlierRate: 0.0003, FeedGapRate: 0.15,
		StatsDelayMax_ms: 1500,
		DistInterval_s:   5, StartTime_ms: 1764151200000, // 2025-11-26T10:00:00Z
		BenchPerTeam: 7,
	}
}

// SampleConfig is the built-in sample behind `stmotion analyze`, `mock` and
// `live --demo`: a 4-minute NBA game (seed 33, chosen among the first 40
// for its variety: the only one of them with all of what follows) with the
// default feed degradations: short, but with both halves, passes,
// 3-pointers and layups made and missed, offensive and defensive rebounds,
// assists, a steal, a pass out of bounds, fouls and free throws,
// substitutions and a stats correction.
func SampleConfig() Config {
	c := DefaultConfig()
	c.Minutes = 4
	c.Seed = 33
	return c
}

// Duration_s is the session length in seconds.
func (c Config) Duration_s() float64 { return c.Minutes * 60 }

// template returns the court template or a *ConfigError.
func (c Config) template() (court.Template, error) {
	t, ok := court.TemplateByName(c.Court)
	if !ok {
		return court.Template{}, &ConfigError{"Court", fmt.Sprintf("unknown court %q (want one of %s)", c.Court, strings.Join(court.TemplateNames(), ", "))}
	}
	return t, nil
}

// Validate reports the first field out of range.
func (c Config) Validate() error {
	bad := func(f string, v float64, lo, hi float64) error {
		if math.IsNaN(v) || v < lo || v > hi {
			return &ConfigError{f, fmt.Sprintf("%v is outside [%v, %v]", v, lo, hi)}
		}
		return nil
	}
	for _, e := range []error{
		bad("Minutes", c.Minutes, 0.05, 24*60),
		bad("Hz", c.Hz, 0.5, 1000),
		bad("Noise_mm", c.Noise_mm, 0, 5000),
		bad("Bias_mm", c.Bias_mm, 0, 5000),
		bad("BiasTau_s", c.BiasTau_s, 0.01, 3600),
		bad("Jitter_ms", c.Jitter_ms, 0, 100),
		bad("DropRate", c.DropRate, 0, 0.9),
		bad("DropoutsPerMin", c.DropoutsPerMin, 0, 60),
		bad("DropoutMax_s", c.DropoutMax_s, 0, 60),
		bad("DuplicateRate", c.DuplicateRate, 0, 0.9),
		bad("ReorderRate", c.ReorderRate, 0, 0.9),
		bad("OutlierRate", c.OutlierRate, 0, 0.9),
		bad("FeedGapRate", c.FeedGapRate, 0, 1),
		bad("StatsDelayMax_ms", float64(c.StatsDelayMax_ms), 0, 60000),
		bad("DistInterval_s", c.DistInterval_s, 0.1, 3600),
		bad("BenchPerTeam", float64(c.BenchPerTeam), 0, 15),
		bad("Rotation_deg", c.Rotation_deg, -360, 360),
		bad("TX_mm", c.TX_mm, -1e7, 1e7),
		bad("TY_mm", c.TY_mm, -1e7, 1e7),
	} {
		if e != nil {
			return e
		}
	}
	// After Minutes is known to be in range: the session must end by MaxTime_ms.
	if last := MaxTime_ms - int64(math.Ceil(c.Duration_s()*1000)); c.StartTime_ms < 1 || c.StartTime_ms > last {
		return &ConfigError{"StartTime_ms", fmt.Sprintf("%d is outside [1, %d] (the session must end by %d ms, year 5138)", c.StartTime_ms, last, int64(MaxTime_ms))}
	}
	switch c.Compress {
	case "", "gz", "zst":
	default:
		return &ConfigError{"Compress", fmt.Sprintf("%q (want \"\", \"gz\" or \"zst\")", c.Compress)}
	}
	_, err := c.template()
	return err
}

// ErrTruth is wrapped when a truth.json cannot be used.
var ErrTruth = errors.New("bad truth file")
