package pipeline

import (
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
	"github.com/stmotion/stmotion/track/heatmap"
)

// feedShots sits in front of the table writer and keeps the feed's shots
// for the shot charts (the engine has placed their segments on the court
// already, from hoop_player_x/y). A feed shot without hoop_player_x/y is
// not charted.
type feedShots struct {
	track.Sink
	cur   *decode.Message // the message being fed
	chart *heatmap.ShotChart
}

func (f *feedShots) Segment(g *track.Segment) error {
	if m := f.cur; g.Type == track.SegFeedShot && m != nil && m.Kind == decode.KindShot &&
		m.Shot.Present&decode.HasHoopPlayerXY != 0 && m.Shot.OccurredAt_ms == g.Start_ms {
		sh := &m.Shot
		f.chart.AddFeed(sh.OccurredAt_ms, sh.PlayerID, sh.TeamID, sh.HoopPlayerX_mm, sh.HoopPlayerY_mm, sh.IsMake, sh.Is3Point, sh.Zone)
	}
	return f.Sink.Segment(g)
}
