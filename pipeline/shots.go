package pipeline

import (
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
	"github.com/stmotion/stmotion/track/heatmap"
)

// feedShots sits in front of the table writer. The engine emits a feed
// shot's segment while it is fed the shot message, without a court
// position: feedShots places it (the hoop-relative hoop_player_x/y put on
// the half court whose hoop is east, as shot charts draw it, since the
// feed does not say which end was attacked) and keeps the shots for the
// shot charts. A feed shot without hoop_player_x/y passes unplaced.
type feedShots struct {
	track.Sink
	cur   *decode.Message // the message being fed
	chart *heatmap.ShotChart
}

func (f *feedShots) Segment(g *track.Segment) error {
	if g.Type != track.SegFeedShot {
		return f.Sink.Segment(g)
	}
	m := f.cur
	if m == nil || m.Kind != decode.KindShot || m.Shot.Present&decode.HasHoopPlayerXY == 0 || m.Shot.OccurredAt_ms != g.Start_ms {
		return f.Sink.Segment(g)
	}
	sh := &m.Shot
	f.chart.AddFeed(sh.OccurredAt_ms, sh.PlayerID, sh.TeamID, sh.HoopPlayerX_mm, sh.HoopPlayerY_mm, sh.IsMake, sh.Is3Point, sh.Zone)
	s := f.chart.Shots[len(f.chart.Shots)-1]
	c := *g
	c.StartX_m, c.StartY_m, c.EndX_m, c.EndY_m = s.X_m, s.Y_m, s.X_m, s.Y_m
	return f.Sink.Segment(&c)
}
