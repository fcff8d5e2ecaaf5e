package track

// RunningFigures is one player's figures as the engine has accumulated
// them so far (live mode: for an on-air counter while the session runs).
// The figures follow the smoothed track, so they are complete only up
// to a tick some way behind the newest rows (AppendRunningFigures says
// which); at Close they are PlayerSummary's.
type RunningFigures struct {
	PlayerID int64
	// Distance_m is PlayerSummary.Distance_m so far: it counts only
	// while the still detector says the player moves (a player standing
	// on the bench gathers none from the sensor's noise), and never
	// decreases. A gap the engine bridges is added when the track
	// resumes.
	Distance_m float64
	// Moving is the still detector's verdict (Config.StillWindow_s,
	// MoveOn_mps, MoveOff_mps: the gate of Distance_m) at the player's
	// newest tick whose figures are in; false before any.
	Moving bool
}

// AppendRunningFigures appends every player sensor's running figures to
// dst, in order of first appearance, and returns it with through_ms: the
// time of the newest tick whose figures are in (the same for every
// player; a player in a dropout at that tick has his figures up to the
// start of the dropout). In live mode (Config.Causal) the rows of a tick
// leave at once, but its figures wait for the smoother's block (every
// 2·Lag_s): at a Sink's Samples, through_ms runs a grid period more than
// Lag_s to 3·Lag_s behind the newest grid tick (1.04–3 s at 25 Hz with
// the default Lag_s), and further behind the newest rows while a sensor
// in a dropout holds the grid (see framesAhead). through_ms is 0 before
// the grid starts, and a grid period before its first tick until the
// first block is in. It allocates nothing when dst has room, and may be
// called between Feeds (from a Sink's Samples too) and after Close.
func (s *Session) AppendRunningFigures(dst []RunningFigures) (out []RunningFigures, through_ms int64) {
	for _, i := range s.players {
		sn := s.sensors[i]
		dst = append(dst, RunningFigures{PlayerID: sn.id, Distance_m: sn.acc.dist, Moving: sn.acc.moving})
	}
	if s.gridStarted() {
		through_ms = (s.emitNext - 1) * s.period_ms
	}
	return dst, through_ms
}
