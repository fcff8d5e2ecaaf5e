package pipeline

import (
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
	"github.com/stmotion/stmotion/track/heatmap"
)

// feedShots sits in front of the table writer and keeps the shots for the
// shot charts: the feed's (the engine has placed their segments on the
// court already, from hoop_player_x/y; a feed shot without hoop_player_x/y
// is not charted), and apart from them the field goal attempts detected
// from the ball, which are charted only when the feed has no located shot
// (a recording without shot messages, such as optical tracking data):
// the two would count the same shots twice.
type feedShots struct {
	track.Sink
	cur      *decode.Message // the message being fed
	chart    *heatmap.ShotChart
	detected *heatmap.ShotChart
	// sensorFrame: no court, so no shot is detected (nothing to chart).
	sensorFrame bool
}

// MaxChartShots bounds the shots kept for the shot charts, and so the
// shots a chart draws: the first MaxChartShots (of the feed's located
// shots, or of the detected ones), far more than a season's game has (a
// simulated 48-minute game has 123), so that a feed of endless shots
// (broken or hostile) does not grow the run without end. A chart drawn
// from fewer than all says so in its title (RenderImages), and the run
// warns (Run.Warnings); the shots table has every shot.
const MaxChartShots = 10_000

// Abort aborts the table writer behind (track.Aborter), so that a failed
// engine removes its tables.
func (f *feedShots) Abort() {
	if a, ok := f.Sink.(track.Aborter); ok {
		a.Abort()
	}
}

func (f *feedShots) Segment(g *track.Segment) error {
	switch m := f.cur; {
	case g.Type == track.SegFeedShot && m != nil && m.Kind == decode.KindShot &&
		m.Shot.Present&decode.HasHoopPlayerXY != 0 && m.Shot.OccurredAt_ms == g.Start_ms:
		sh := &m.Shot
		f.chart.AddFeed(sh.OccurredAt_ms, sh.PlayerID, sh.TeamID, sh.HoopPlayerX_mm, sh.HoopPlayerY_mm, sh.IsMake, sh.Is3Point, sh.Zone)
	case g.Type == track.SegShot && g.Label != "free_throw" && !f.sensorFrame:
		// A detected shot's segment ends at its hoop (EndX_m).
		f.detected.AddDetected(g.Start_ms, g.PlayerID, g.TeamID, g.StartX_m, g.StartY_m, g.EndX_m, g.Made)
	}
	return f.Sink.Segment(g)
}

// shots are the shots to chart: the feed's located shots, or when it has
// none, the detected ones.
func (f *feedShots) shots() []heatmap.Shot {
	if len(f.chart.Shots) > 0 {
		return f.chart.Shots
	}
	return f.detected.Shots
}

// leftOut counts the shots to chart beyond MaxChartShots.
func (f *feedShots) leftOut() int64 {
	if len(f.chart.Shots) > 0 {
		return f.chart.LeftOut
	}
	return f.detected.LeftOut
}
