package track

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// KinConfig holds the kinematic settings of one kind of sensor (players or
// the ball). See docs/kinematics.md for how the defaults were chosen.
type KinConfig struct {
	// Noise_m is the sensor noise σ per axis assumed by the Kalman filter.
	// 0 (the default) estimates it from the feed's first samples: the
	// players' second differences (see Quality.Noise_m).
	Noise_m float64
	// JerkPSD_m2ps5 is the power spectral density q of the white jerk that
	// drives the constant-acceleration model: larger follows faster changes
	// of acceleration and lets more noise through.
	JerkPSD_m2ps5 float64
	// InitSpeed_mps and InitAccel_mps2 are the prior standard deviations of
	// velocity and acceleration at the first sample of a track.
	InitSpeed_mps  float64
	InitAccel_mps2 float64
	// MaxSpeed_mps and JumpSlack_m define a teleport: two consecutive raw
	// samples further apart than MaxSpeed_mps·Δt + JumpSlack_m split the
	// track (the slack absorbs sensor noise over short Δt).
	MaxSpeed_mps float64
	JumpSlack_m  float64
	// Outlier_m: a raw sample further than this from the straight line
	// between its neighbours (while the neighbours agree with each other)
	// is a single-sample jump (multipath) and is dropped.
	//
	// JumpSlack_m and Outlier_m are given for a sensor noise σ of 50 mm;
	// with a noisier feed (Noise_m, set or estimated) both grow by
	// σ/50 mm.
	Outlier_m float64
	// MaxGap_ms: two samples of this kind further apart than this are
	// never interpolated; the track is split there. 0 takes
	// Config.MaxGap_ms.
	MaxGap_ms int64
}

// Config holds every threshold of the engine. Start from DefaultConfig.
type Config struct {
	// Rate_Hz is the rate of the output grid; 0 takes the feed's median
	// sample rate, estimated from the first sample intervals of all
	// sensors: at most RateSamples of them, fewer once they span 40 frames
	// (see Session.rateLearnt). The noise estimate takes at most
	// 2·RateSamples values. A rate above the feed's interpolates several
	// ticks between two samples: the filter then takes its noise σ² times
	// their number (the feed's interval over the grid period), and the
	// outlier test counts the feed's periods, so that the figures stay
	// those of the feed's own rate (docs/kinematics.md, "A grid finer
	// than the feed"). The feed's rate is learnt as with 0, and the grid
	// waits for it, unless RateSamples is below 2 (then the grid, with
	// Noise_m set too, starts at once, and is taken for the feed's rate).
	Rate_Hz     float64
	RateSamples int

	// ReorderWindow_ms: samples up to this much older than the newest
	// timestamp seen are still placed in order; older ones are late. The
	// engine holds at least 3.5 sample periods all the same (the grid's,
	// or the feed's when Rate_Hz sets a finer grid), which its outlier
	// test needs (Session.Window_ms): below 14 Hz that is longer than the
	// default.
	ReorderWindow_ms int64
	// MaxGap_ms: two samples further apart than this are never
	// interpolated; the track is split there. A kind's own
	// KinConfig.MaxGap_ms, when set, takes its place (the ball's default).
	MaxGap_ms int64
	// BridgeGap_ms: when a player's track resumes after a gap no longer
	// than this, the length of the cubic Hermite curve between the two
	// ends' positions and velocities counts toward distance (samples are
	// still never interpolated across the gap).
	BridgeGap_ms int64
	// RingSize is the capacity of each sensor's raw sample ring (rounded
	// up to a power of two). It bounds memory whatever the session length.
	RingSize int
	// MaxSensors bounds the number of distinct sensor ids kept
	// (DefaultMaxSensors); samples of further ids are dropped and counted
	// (Quality.DroppedSensors), but a roster player or a ball sensor takes
	// the place of an unknown id that sent a sample or two
	// (Quality.EvictedSensors).
	MaxSensors int

	// Causal selects live output: Sample rows (and analyzer frames) come
	// from the forward Kalman pass and leave as soon as their tick is
	// complete: the feed is past it by the reorder window, whether or not
	// a sensor in a dropout may still bridge it (the tick's rows then
	// leave without that sensor). Otherwise (batch) rows come from the fixed-lag
	// Rauch-Tung-Striebel smoother with lag Lag_s. The per-player figures
	// (distance, top speed, ...) and the DIST checks always use the
	// smoothed track, Lag_s to 3·Lag_s behind the feed.
	Causal bool
	Lag_s  float64
	// MarkerHold_s (batch only) holds each tick's rows, frames, figures
	// and DIST checks back this much longer than Lag_s, so that a marker
	// that arrives up to Lag_s + MarkerHold_s after its occurred_at (a
	// LIVE or START_SECOND_HALF delivered late) still takes effect at
	// its own time: applied when it came, a LIVE 5 s late had cost 12 %
	// of a game's live distance. A DIST update as late is checked at its
	// own time too. The backward passes are the same, run later (the
	// figures stay live mode's to the bit); only the emission waits,
	// and the tick ring holds MarkerHold_s more of every sensor (5 s:
	// 256 ticks, 32 KiB a sensor at 25 Hz, against 128 without; 15 s
	// took 512, whose reads a hold later missed L2, and ran the game
	// benchmark 10 % slower: docs/performance.md). A marker
	// later still is applied when it comes and counted
	// (Quality.LateMarkers). 0: no hold. Live mode (Causal) has none:
	// its rows leave at the watermark, and its figures take a marker up
	// to Lag_s to 3·Lag_s late.
	MarkerHold_s float64

	Player KinConfig
	Ball   KinConfig

	// Still detection (a sensor that does not move must not accrue
	// distance from noise): the track is "moving" when its smoothed
	// displacement over StillWindow_s, divided by StillWindow_s, exceeds
	// MoveOn_mps, and "still" again when it drops below MoveOff_mps.
	// Distance accrues only while moving. Both thresholds are given for a
	// sensor noise of 50 mm and scale with √(σ/50 mm).
	StillWindow_s float64
	MoveOn_mps    float64
	MoveOff_mps   float64

	// TopSpeedWindow_s: the top speed is the fastest tick speed held over
	// this window: the smaller of the smoothed speed and the straight-line
	// displacement of the smoothed track over the window centred on the
	// tick, divided by the window, at the ticks whose window lies wholly
	// within the track. A single noisy velocity cannot set it, and a
	// longer window loses more of a sharp peak (a·window/4).
	TopSpeedWindow_s float64

	// InBoundsMargin_m widens the court when deciding "on court".
	InBoundsMargin_m float64

	// Definitions are the thresholds behind the per-player counts, speed
	// bands and DIST flags (its fields are Config's: c.Sprint_mps, ...).
	Definitions

	// DistFlagMin_m: a player whose feed DIST and engine distance are
	// both shorter than this is not flagged, whatever their ratio: the
	// ratio of a few centimetres of smoothed noise to a DIST of 0 (a
	// player who stayed on the bench) says nothing about definitions.
	// Default 10.
	DistFlagMin_m float64

	// BatchRows is how many Sample rows are collected before they are
	// handed to the sinks (in causal mode each tick is flushed at once).
	BatchRows int
}

// DefaultMaxSensors is DefaultConfig's MaxSensors: far more sensors than
// a court holds (two teams with their benches, the game and spare balls),
// few enough that the engine's memory stays bounded (a raw ring and a
// tick ring per sensor) whatever ids a corrupt feed invents.
const DefaultMaxSensors = 1024

// MaxMarkerHold_s bounds Config.MarkerHold_s: the tick ring grows with
// it (a minute: 256 KiB a sensor at 25 Hz).
const MaxMarkerHold_s = 60

// DefaultConfig returns the documented defaults (docs/kinematics.md):
//
//   - grid: the feed's median rate; reorder window 250 ms; gaps longer than
//     1 s are never interpolated; the distance across a sensor dropout of
//     up to 2 s is bridged with a cubic Hermite curve between the two ends.
//     Longer silences (dead balls with the feed off) add no distance: what
//     was not observed is not invented.
//   - sensor noise σ estimated from the feed (Noise_m = 0);
//   - players: q = 40 m²/s⁵ (a ≈1.3 Hz zero-phase cut-off at σ = 50 mm,
//     20 Hz), teleport above 12 m/s (faster than any basketball player;
//     elite sprinters peak near 12.4 m/s) + 0.5 m of noise slack.
//   - ball: q = 5e4 m²/s⁵ (passes and bounces change velocity
//     within one or two samples), teleport above 35 m/s + 1 m; gaps longer
//     than 0.4 s are never interpolated (over 0.4 s a ball in free flight
//     leaves the chord by g·Δt²/8 = 0.2 m, near its own diameter, and a
//     longer gap may hide a bounce, a catch or a pass, which a straight
//     line would turn into one fast flight).
//   - single-sample outliers: 0.35 m off the line of their neighbours for
//     players (7σ of the difference at σ = 50 mm), 1 m for the ball (a
//     catch bends the ball's path by up to v·Δt/2 between two samples).
//   - batch smoother lag 1 s (positions within 0.5 mm of the full RTS
//     smoother at the player settings); still detection over 1 s with
//     0.12 / 0.085 m/s at σ = 50 mm.
//   - speed bands 2, 4, 5.5, 7 m/s; sprint ≥ 7.0 m/s for ≥ 1 s (STATSports'
//     sprint threshold, 25.2 km/h, with the common 1 s minimum effort
//     duration); accelerations |a| ≥ 3 m/s² for ≥ 0.5 s (the usual "high
//     intensity" acceleration zone of STATSports / SciSports style reports).
//   - DIST ratio band 0.95..1.05.
//   - batch: the emission held 5 s beyond the smoother's lag, for the
//     markers delivered late (MarkerHold_s).
func DefaultConfig() Config {
	return Config{
		RateSamples:      1024,
		ReorderWindow_ms: 250,
		MaxGap_ms:        1000,
		BridgeGap_ms:     2000,
		RingSize:         256,
		MaxSensors:       DefaultMaxSensors,
		Lag_s:            1,
		MarkerHold_s:     5,
		Player: KinConfig{
			JerkPSD_m2ps5: 40, InitSpeed_mps: 5, InitAccel_mps2: 5,
			MaxSpeed_mps: 12, JumpSlack_m: 0.5, Outlier_m: 0.35,
		},
		Ball: KinConfig{
			JerkPSD_m2ps5: 5e4, InitSpeed_mps: 15, InitAccel_mps2: 20,
			MaxSpeed_mps: 35, JumpSlack_m: 1, Outlier_m: 1, MaxGap_ms: 400,
		},
		StillWindow_s:    1,
		TopSpeedWindow_s: 0.3,
		MoveOn_mps:       0.12,
		MoveOff_mps:      0.085,
		InBoundsMargin_m: 0.5,
		Definitions: Definitions{
			SpeedBands_mps: []float64{2, 4, 5.5, 7},
			Sprint_mps:     7,
			SprintMin_s:    1,
			Accel_mps2:     3,
			AccelMin_s:     0.5,
			DistRatioLo:    0.95,
			DistRatioHi:    1.05,
		},
		DistFlagMin_m: 10,
		BatchRows:     256,
	}
}

// Definitions are the thresholds of Config that define the per-player
// counts a sports scientist compares between sessions and clubs: the
// speed bands, sprints, accelerations and the DIST ratio band (defaults
// and their sources in DefaultConfig). A session records them in its
// Summary. Config embeds them, so its JSON has their fields among its
// own.
type Definitions struct {
	// SpeedBands_mps are the band edges for PlayerSummary.SpeedBand_s:
	// band i is [edge[i-1], edge[i]) with edge[-1] = 0 and a last band
	// [edge[n-1], ∞).
	SpeedBands_mps []float64
	// A sprint is speed ≥ Sprint_mps held ≥ SprintMin_s, timed between
	// the crossings of Sprint_mps interpolated between ticks.
	Sprint_mps  float64
	SprintMin_s float64
	// An acceleration (deceleration) is a tangential acceleration ≥
	// Accel_mps2 (≤ −Accel_mps2) held ≥ AccelMin_s, timed the same way.
	Accel_mps2 float64
	AccelMin_s float64
	// DistRatioLo / DistRatioHi bound the accepted feed DIST / engine
	// distance ratio; outside it a player is flagged.
	DistRatioLo float64
	DistRatioHi float64
}

// EffortGap_s is the longest dip below its threshold that does not end a
// sprint, an acceleration or a deceleration: the smoothed acceleration's
// noise (0.35–0.6 m/s² at σ = 50 mm) dips below the threshold for a tick
// or a few in the middle of an effort. docs/kinematics.md has the
// measurements behind it.
const EffortGap_s = 0.25

// topEdge_s: top speed is not taken from the first and last topEdge_s of
// a track (nor closer to its ends than half TopSpeedWindow_s): there the
// smoothed speed has data on one side only (docs/kinematics.md, "Top
// speed"), unless no tick of the player's is (topAtEnd).
const topEdge_s = 0.25

// liveAccel_s is the window of a live row's tangential acceleration
// (Config.Causal; Session.liveAccel): the change of the row's forward
// speed over the last liveAccel_s, divided by it. The forward estimate's
// own v·a/|v| read +1.25 to +1.55 m/s² on average for a still sensor and
// +0.7 to +0.85 m/s² over ±4 m/s² ramps (its velocity and acceleration
// errors are positively correlated); the speed's change has no such bias,
// and over 0.4 s it reaches half of a step of acceleration 0.24–0.28 s
// after it, 0.03–0.07 s later than the forward acceleration did, with a
// third of its noise on a still sensor (docs/kinematics.md, "Live rows'
// acceleration").
const liveAccel_s = 0.4

// Clone returns d with its own SpeedBands_mps.
func (d Definitions) Clone() Definitions {
	d.SpeedBands_mps = slices.Clone(d.SpeedBands_mps)
	return d
}

// Equal says whether d and e are the same definitions.
func (d Definitions) Equal(e Definitions) bool {
	return slices.Equal(d.SpeedBands_mps, e.SpeedBands_mps) &&
		d.Sprint_mps == e.Sprint_mps && d.SprintMin_s == e.SprintMin_s &&
		d.Accel_mps2 == e.Accel_mps2 && d.AccelMin_s == e.AccelMin_s &&
		d.DistRatioLo == e.DistRatioLo && d.DistRatioHi == e.DistRatioHi
}

// ErrConfig says a Config value is out of range.
var ErrConfig = errors.New("track: invalid config")

// ConfigError names the offending field.
type ConfigError struct {
	Field string
	Value float64
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("track: invalid config: %s = %g", e.Field, e.Value)
}

func (e *ConfigError) Unwrap() error { return ErrConfig }

// Validate reports the first field NewSession would reject (a
// *ConfigError), or nil. A zero field is not filled with its default: it
// is checked as given (start from DefaultConfig).
func (c Config) Validate() error { return c.validate() }

func (c *Config) validate() error {
	bad := func(field string, v float64) error { return &ConfigError{Field: field, Value: v} }
	pos := func(field string, v float64) error {
		if !(v > 0) || math.IsInf(v, 0) {
			return bad(field, v)
		}
		return nil
	}
	if c.Rate_Hz < 0 || c.Rate_Hz > 1000 || math.IsNaN(c.Rate_Hz) {
		return bad("Rate_Hz", c.Rate_Hz)
	}
	if c.Rate_Hz == 0 && c.RateSamples < 2 {
		return bad("RateSamples", float64(c.RateSamples))
	}
	if c.ReorderWindow_ms < 0 {
		return bad("ReorderWindow_ms", float64(c.ReorderWindow_ms))
	}
	if c.MaxGap_ms <= 0 {
		return bad("MaxGap_ms", float64(c.MaxGap_ms))
	}
	if c.BridgeGap_ms < 0 {
		return bad("BridgeGap_ms", float64(c.BridgeGap_ms))
	}
	if c.RingSize < 8 || c.RingSize > 1<<20 {
		return bad("RingSize", float64(c.RingSize))
	}
	if c.MaxSensors < 1 {
		return bad("MaxSensors", float64(c.MaxSensors))
	}
	if err := pos("Lag_s", c.Lag_s); err != nil {
		return err
	}
	if !(c.MarkerHold_s >= 0 && c.MarkerHold_s <= MaxMarkerHold_s) {
		return bad("MarkerHold_s", c.MarkerHold_s)
	}
	for _, k := range []struct {
		name string
		k    KinConfig
	}{{"Player", c.Player}, {"Ball", c.Ball}} {
		for _, f := range []struct {
			n string
			v float64
		}{
			{".JerkPSD_m2ps5", k.k.JerkPSD_m2ps5},
			{".InitSpeed_mps", k.k.InitSpeed_mps}, {".InitAccel_mps2", k.k.InitAccel_mps2},
			{".MaxSpeed_mps", k.k.MaxSpeed_mps},
		} {
			if err := pos(k.name+f.n, f.v); err != nil {
				return err
			}
		}
		if k.k.Noise_m < 0 || k.k.Noise_m > 10 || math.IsNaN(k.k.Noise_m) {
			return bad(k.name+".Noise_m", k.k.Noise_m)
		}
		if k.k.JumpSlack_m < 0 {
			return bad(k.name+".JumpSlack_m", k.k.JumpSlack_m)
		}
		if k.k.Outlier_m < 0 {
			return bad(k.name+".Outlier_m", k.k.Outlier_m)
		}
		if k.k.MaxGap_ms < 0 {
			return bad(k.name+".MaxGap_ms", float64(k.k.MaxGap_ms))
		}
	}
	for _, f := range []struct {
		n string
		v float64
	}{
		{"StillWindow_s", c.StillWindow_s}, {"TopSpeedWindow_s", c.TopSpeedWindow_s}, {"Sprint_mps", c.Sprint_mps}, {"Accel_mps2", c.Accel_mps2},
		{"DistRatioHi", c.DistRatioHi},
	} {
		if err := pos(f.n, f.v); err != nil {
			return err
		}
	}
	if c.MoveOff_mps < 0 || c.MoveOn_mps < c.MoveOff_mps {
		return bad("MoveOn_mps", c.MoveOn_mps)
	}
	if c.SprintMin_s < 0 {
		return bad("SprintMin_s", c.SprintMin_s)
	}
	if c.AccelMin_s < 0 {
		return bad("AccelMin_s", c.AccelMin_s)
	}
	if c.InBoundsMargin_m < 0 {
		return bad("InBoundsMargin_m", c.InBoundsMargin_m)
	}
	if c.DistRatioLo < 0 || c.DistRatioLo > c.DistRatioHi {
		return bad("DistRatioLo", c.DistRatioLo)
	}
	if c.DistFlagMin_m < 0 {
		return bad("DistFlagMin_m", c.DistFlagMin_m)
	}
	for i, e := range c.SpeedBands_mps {
		if !(e > 0) || (i > 0 && e <= c.SpeedBands_mps[i-1]) {
			return bad(fmt.Sprintf("SpeedBands_mps[%d]", i), e)
		}
	}
	if c.BatchRows < 1 {
		return bad("BatchRows", float64(c.BatchRows))
	}
	return nil
}
