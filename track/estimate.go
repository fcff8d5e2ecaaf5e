package track

import (
	"cmp"
	"math"
	"slices"
)

// The feed's rate and noise, learnt from its first samples before the grid
// starts.

// learn collects, before the grid starts, the sample intervals for the
// rate estimate and the players' normalised second differences for the
// noise estimate, from a sample just appended in order.
func (s *Session) learn(sn *sensor, prevLast int64) {
	r := &sn.raw
	t := r.lastT()
	if prevLast >= 0 && t > prevLast && len(s.intervals) < cap(s.intervals) {
		s.intervals = append(s.intervals, interval{dt_ms: t - prevLast, sensor: sn.index})
		if !s.haveLocT || t > s.maxT {
			s.rateFrames++ // a new frame instant (maxT is updated after learn)
		}
	}
	if sn.kind != KindPlayer || r.n < 3 || len(s.noiseVals)+2 > cap(s.noiseVals) {
		return
	}
	p0, p1, p2 := &r.s[r.at(r.n-3)], &r.s[r.at(r.n-2)], &r.s[r.at(r.n-1)]
	d1, d2 := p1.t-p0.t, p2.t-p1.t
	if d1 <= 0 || d2 <= 0 || d1+d2 > 4*max(d1, d2) || d1+d2 > 500 {
		return
	}
	// e = p2 − p1 − (p1 − p0)·d2/d1 has variance (1 + ρ² + (1+ρ)²)·σ²,
	// ρ = d2/d1, when the motion is locally linear.
	rho := float64(d2) / float64(d1)
	norm := 1 / math.Sqrt(1+rho*rho+(1+rho)*(1+rho))
	ex := p2.x - p1.x - (p1.x-p0.x)*rho
	ey := p2.y - p1.y - (p1.y-p0.y)*rho
	s.noiseVals = append(s.noiseVals, math.Abs(ex)*norm, math.Abs(ey)*norm)
}

// autoNoise reports whether some kind's noise is to be estimated.
func (s *Session) autoNoise() bool { return s.cfg.Player.Noise_m == 0 || s.cfg.Ball.Noise_m == 0 }

// Noise bounds of the estimate: below 5 mm the feed is already smoothed
// (the estimate then mostly measures motion), above 250 mm it is broken.
// fallbackNoise_m is used when the feed gives too little to estimate from.
const minNoise_m, maxNoise_m, fallbackNoise_m = 0.005, 0.25, 0.05

// refNoise_m is the sensor noise σ the noise-dependent defaults are given
// for: the still detector's thresholds, the outlier distance and the
// teleport slack.
const refNoise_m = 0.05

// noiseValues is how many normalised second differences (two per player
// sample) the noise estimate takes; fewer (2·RateSamples) when RateSamples
// is set lower, for a quicker start.
const noiseValues = 512

// detectNoise estimates the players' sensor noise σ per axis as the median
// absolute normalised second difference / 0.6745 (the median of |N(0, σ²)|
// is 0.6745σ), which ignores the few large values motion makes.
func (s *Session) detectNoise() float64 {
	if len(s.noiseVals) < 16 {
		return fallbackNoise_m
	}
	v := slices.Clone(s.noiseVals)
	slices.Sort(v)
	return min(maxNoise_m, max(minNoise_m, v[len(v)/2]/0.6745))
}

// rateLearnt reports whether the rate estimate has enough intervals: all
// RateSamples of them, or at least minRateIntervals spanning rateFrames
// frame instants. Feeds that stamp a whole frame with one instant give one
// interval per sensor and frame step, so the count of intervals alone
// waited 1024/11 = 93 frames (3.7 s at 25 Hz) for ten players and a ball
// where 40 frames (1.6 s) give the mean to 0.1 ms; feeds whose sensors
// keep their own instants give a new instant with nearly every sample,
// and then minRateIntervals independent intervals do.
func (s *Session) rateLearnt() bool {
	n := len(s.intervals)
	return n == cap(s.intervals) || n >= minRateIntervals && s.rateFrames >= rateFrames
}

// The rate estimate's stopping rule (rateLearnt).
const (
	minRateIntervals = 256
	rateFrames       = 40
)

// interval is one sample interval of one sensor, for the rate estimate.
type interval struct {
	dt_ms  int64
	sensor int32 // sensor.index
}

// detectRate fixes the grid period at the feed's typical sample interval:
// the median over the sensors of each sensor's median interval (robust to
// drops, and to a ball reporting at another rate than the players),
// refined by the mean of the intervals within ±50 % of it of the sensors
// at that rate (their own median within a factor 1.4 of it), so that
// timestamp jitter averages out instead of tipping a rounded median;
// rounded to a millisecond. One median over all the intervals mixed the
// rates: with the players at 40 ms and the ball at 20 ms, the mean of the
// intervals within ±50 % of 40 ms made a grid of 37 ms.
//
// Feeds stamp a whole frame with one instant, so the intervals of one
// frame step are the same for every sensor: the mean is only as good as
// the number of frames the intervals span, hence rateLearnt's 40 frames
// (and RateSamples' default of 1024 intervals, 40 frames of a 25-sensor
// game). The window keeps the jitter's tails (a dropped sample, twice the
// period, is still out): with ±25 %, cutting two long steps of 51 ms out
// of 40 frames of a 40 ms feed moved the mean to 39.2 ms.
//
// With the grid set (Config.Rate_Hz) the same estimate is the feed's
// interval, for upsample and sample_ms: the grid waits for it as without
// (rateLearnt), since an estimate from fewer frames is not good to the
// millisecond: a 10 Hz game whose grid started with 12 frames learnt
// took 99 ms, and a sample whose neighbours were 300 ms apart (one
// dropped) went past the outlier test's three periods, 297 ms: a jump
// kept, 2 m of a player's distance. Without RateSamples, or with fewer than
// minFeedIntervals intervals when the grid starts (a short feed, a
// full ring), the feed's interval is the grid's.
func (s *Session) detectRate() {
	feed := s.feedInterval()
	n := len(s.intervals)
	s.intervals = nil
	if s.period_ms == 0 {
		p := int64(50) // no two samples of one sensor yet: 20 Hz
		if n > 0 {
			p = int64(math.Round(feed))
		}
		s.setPeriod(p)
		return
	}
	if n >= minFeedIntervals {
		s.feedPeriod_ms = feed
	}
}

// minFeedIntervals is how many sample intervals the feed's interval for
// upsample needs: a few dropped samples among fewer could double it.
const minFeedIntervals = 16

// feedInterval is detectRate's typical sample interval of the feed, in ms
// and not rounded, or 0 when no sensor has two samples yet.
func (s *Session) feedInterval() float64 {
	if len(s.intervals) == 0 {
		return 0
	}
	iv := slices.Clone(s.intervals)
	slices.SortFunc(iv, func(a, b interval) int {
		return cmp.Or(cmp.Compare(a.sensor, b.sensor), cmp.Compare(a.dt_ms, b.dt_ms))
	})
	// Each sensor's median interval, then their median.
	var meds []int64
	sensorMed := make(map[int32]float64)
	for i := 0; i < len(iv); {
		j := i + 1
		for j < len(iv) && iv[j].sensor == iv[i].sensor {
			j++
		}
		m := iv[(i+j)/2].dt_ms
		meds = append(meds, m)
		sensorMed[iv[i].sensor] = float64(m)
		i = j
	}
	slices.Sort(meds)
	typ := float64(meds[len(meds)/2])
	sum, n := 0.0, 0
	for _, v := range iv {
		m, f := sensorMed[v.sensor], float64(v.dt_ms)
		if m >= typ/1.4 && m <= 1.4*typ && f >= 0.5*typ && f <= 1.5*typ {
			sum += f
			n++
		}
	}
	return sum / float64(n)
}

// upsample is the number of grid periods in one sample interval of the
// feed when the grid (Config.Rate_Hz) is finer than the feed, else 1. It
// needs sample_ms (startGrid).
//
// Each grid tick's position is interpolated between the two samples
// around it, so a feed upsampled by r hands the filter r measurements
// per sample whose errors are those of the same two samples: not the
// white noise of variance σ² per tick the model assumes. The filter
// trusted them r times too much: its cut-off rose as r^(1/6) (the
// cut-off goes as (q/(σ²·dt))^(1/6)): a 10 Hz game on a 50 Hz grid read
// a player's distance up to 2.07 % long, 0.84 % now and 0.99 % on its
// own grid (with the outlier test counting the feed's periods in both,
// startGrid). The
// models take σ²·r instead (startGrid): the noise of the linear
// interpolation between samples Δt apart has, below the sample rate, the
// spectral density of white noise σ² every Δt, σ²·Δt = (σ²·r)·dt, so the
// smoother keeps the cut-off and the figures of the feed's own grid.
// A coarser grid than the feed (r < 1) drops the samples between
// ticks: each tick's measurement is as noisy as one sample, and σ²
// stays. The feed's interval is taken rounded to a millisecond, as the
// grid's would be (sample_ms): `--hz 25` on a 25 Hz feed is the feed's
// own grid, to the bit.
func (s *Session) upsample() float64 {
	return float64(s.sample_ms) / float64(s.period_ms)
}

// maxPeriod_ms bounds the grid period: a feed slower than 1 Hz is not a
// tracking feed (and would make the filter's matrices ill-conditioned).
const maxPeriod_ms = 1000

func (s *Session) setPeriod(p int64) {
	p = min(max(p, 1), maxPeriod_ms)
	s.period_ms = p
	s.dt_s = float64(p) * 1e-3
	s.intervals = nil
}
