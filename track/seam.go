package track

import (
	"slices"

	"github.com/stmotion/stmotion/decode"
)

// Analyzers returns the analyzers attached so far, in the order of
// Attach (a copy): a caller wiring analyzers can tell whether its own are
// there already.
func (s *Session) Analyzers() []Analyzer { return slices.Clone(s.analyzers) }

// Frame is one tick of the output grid: every sensor's estimate at T_ms.
// Players and the ball share the grid, so the players' positions in a Frame
// are the ones at the ball's time. The slices point into the engine's row
// batch: they are valid only during the Analyzer call, and changes an
// Analyzer makes to Players[i].BallHolder and Balls[i].GameBall reach the
// sinks.
type Frame struct {
	T_ms    int64
	Dt_s    float64 // grid period: the time each sample stands for
	Period  int32
	Clock   ClockState
	Players []Sample // in order of first appearance of the sensor
	Balls   []Sample // usually zero or one
}

// Analyzer is the seam for analyses that need a whole frame at a time
// (possession needs the ball and every player at the same instant;
// heatmaps need each player's position and the time it stands for).
//
// Frame is called once per grid tick that has at least one sample, in time
// order, after the kinematics of the tick and before its rows go to the
// sinks. Finish is called once by Session.Close, after the last Frame and
// before the sinks' Close, to add the analyzer's results to the summary
// (e.g. PlayerSummary.Possession_s, Summary.Heatmaps). Segments are emitted
// through emit, which forwards them to every sink.
type Analyzer interface {
	Frame(f *Frame, emit func(*Segment) error) error
	Finish(sum *Summary, emit func(*Segment) error) error
}

// ClockObserver is implemented by an Analyzer that needs the instants at
// which the period or the clock state changed, not only the state of the
// ticks that have samples: during a silence of the whole feed (a dead ball
// with the sensors off) no frame comes, and the first frame after it may
// already be in another state. Clock is called with each marker as the
// engine applies it, in time order, with the period (as Frame.Period) and
// clock state from t_ms on: before the Frame of the first tick at or after
// t_ms, or before Finish for markers after the last tick.
type ClockObserver interface {
	Clock(t_ms int64, period int32, clock ClockState)
}

// ShotObserver is implemented by an Analyzer that needs the feed's shot
// messages (the possession detector checks the shooter against the ball
// holder). FeedShot is called with each shot message as the engine is fed
// it, in arrival order, before the shot's segment goes to the sinks; the
// Shot is valid only during the call.
type ShotObserver interface {
	FeedShot(s *decode.Shot)
}
