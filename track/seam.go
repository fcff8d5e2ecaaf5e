package track

// Frame is one tick of the output grid: every sensor's estimate at T_ms.
// Players and the ball share the grid, so the players' positions in a Frame
// are the ones at the ball's time. The slices point into the engine's row
// batch: they are valid only during the Analyzer call, and changes an
// Analyzer makes to Players[i].BallHolder reach the sinks.
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
