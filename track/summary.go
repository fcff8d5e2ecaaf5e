package track

import (
	"cmp"
	"slices"

	"github.com/stmotion/stmotion/decode"
)

// summary builds the Summary: one PlayerSummary per roster player, per
// player id seen in the feed and per player in the box score, ordered by
// team (roster order, unknown team last) and id.
func (s *Session) summary() *Summary {
	sum := &Summary{SessionID: s.meta.SessionID, Quality: s.q, Definitions: s.cfg.Definitions.Clone(), InBounds: s.inCounts}
	sum.OneTeam, sum.OneTeamTracked = s.sides()
	sum.Practice = s.meta.Event == EventPractice || s.meta.Event != EventGame && s.timeline.drills
	sum.Quality.PlayerSensors, sum.Quality.BallSensors = int64(len(s.players)), int64(len(s.balls))
	sum.Quality.RepeatsForgotten = s.repeats.forgotten()
	sum.Quality.PeriodsRefused = s.timeline.refused
	sum.Quality.LateMarkers, sum.Quality.LateMarkerMax_ms = s.timeline.late, s.timeline.lateMax_ms
	if s.gridStarted() {
		sum.Quality.GridPeriod_ms = s.period_ms
	}
	if s.haveT {
		sum.Start_ms, sum.End_ms = s.firstT, s.lastT
	}
	if s.q.BadTimeMessages > 0 {
		sum.FirstBadMessage_ms = s.firstBadMsg
	}
	sum.Round, sum.Rounds = s.rounds.summarise(&s.meta)
	// Every player's per-period list has one entry per period the session
	// opened, so that index i is period i+1 for everyone.
	periods := int(s.timeline.period)
	teamRank := map[int64]int{}
	for i, t := range s.meta.Roster {
		if _, ok := teamRank[t.ID]; !ok {
			teamRank[t.ID] = i
		}
		sum.Teams = append(sum.Teams, TeamSummary{TeamID: t.ID, Name: t.Name})
	}
	for _, i := range s.players {
		if r, ok := s.roster[s.sensors[i].id]; ok {
			if k := slices.IndexFunc(sum.Teams, func(t TeamSummary) bool { return t.TeamID == r.team }); k >= 0 {
				sum.Teams[k].PlayerSensors++
			}
		}
	}
	seen := map[int64]bool{}
	var ids []int64
	add := func(id int64) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, t := range s.meta.Roster {
		for _, p := range t.Players {
			add(p.ID)
		}
	}
	for _, i := range s.players {
		add(s.sensors[i].id)
	}
	for _, id := range s.box.order {
		add(id)
	}
	team := func(id int64) int64 {
		if r, ok := s.roster[id]; ok {
			return r.team
		}
		if e := s.box.players[id]; e != nil {
			return e.team
		}
		return 0
	}
	rank := func(id int64) int {
		if r, ok := teamRank[team(id)]; ok {
			return r
		}
		return len(s.meta.Roster)
	}
	slices.SortStableFunc(ids, func(a, b int64) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return cmp.Compare(a, b)
	})
	nb := len(s.cfg.SpeedBands_mps) + 1
	for _, id := range ids {
		p := PlayerSummary{PlayerID: id, TeamID: team(id), SpeedBand_s: make([]float64, nb),
			DistancePeriod_m: make([]float64, periods),
			SprintsPeriod:    make([]int, periods), AccelsPeriod: make([]int, periods), DecelsPeriod: make([]int, periods),
			TimeOnCourtPeriod_s: make([]float64, periods), SpeedBandPeriod_s: make([][]float64, periods)}
		bands := make([]float64, periods*nb) // one allocation for every period's bands
		for i := range p.SpeedBandPeriod_s {
			p.SpeedBandPeriod_s[i] = bands[i*nb : (i+1)*nb : (i+1)*nb]
		}
		if r, ok := s.roster[id]; ok {
			p.Name, p.Jersey = r.name, r.jersey
		}
		if sn := s.ids.get(id); sn != nil {
			a := &sn.acc
			p.Distance_m = a.dist
			p.DistanceLive_m = a.distLive
			p.DistanceCourt_m = a.distCourt
			if len(a.distPeriod) > len(p.DistancePeriod_m) {
				p.DistancePeriod_m = slices.Clone(a.distPeriod) // cannot happen: samples' periods are opened ones
			} else {
				copy(p.DistancePeriod_m, a.distPeriod)
			}
			p.RawDistance_m = a.raw
			p.TopSpeed_mps = a.top
			if a.top == 0 {
				// No tick away from a track's ends (topAtEnd).
				p.TopSpeed_mps = a.topEnd
			}
			p.TimeOnCourt_s = float64(a.onCourt) * s.dt_s
			if p.TimeOnCourt_s > 0 {
				p.MeanSpeed_mps = a.distCourt / p.TimeOnCourt_s
			}
			copy(p.SpeedBand_s, a.bands)
			p.Sprints, p.Accels, p.Decels = a.sprints.n, a.accels.n, a.decels.n
			s.periodFigures(&p, a)
		}
		if e := s.box.players[id]; e != nil {
			if e.has.Has(decode.StatDIST) {
				p.DistStat_m = e.vals[decode.StatDIST] / 100
				switch {
				case e.based:
					// A session that started mid-event: what the feed
					// counted since the baseline (see resolveCheck).
					p.DistStat_m = (e.vals[decode.StatDIST] - e.baseFeed_cm) / 100
				case s.midEvent && e.distMade:
					// Only the REST state's DIST, from before the
					// session, and none of the feed's since: the feed
					// counted nothing of the session (a bench player).
					p.DistStat_m = 0
				}
			}
			p.DistRatio, p.DistFlag = s.distVerdict(e)
		}
		if e := s.box.players[id]; (e == nil || !e.has.Has(decode.StatDIST)) && p.Distance_m >= s.cfg.DistFlagMin_m {
			p.DistFlag = DistFlagNoDIST
		}
		sum.Players = append(sum.Players, p)
	}
	names := decode.StatNames()
	for _, id := range s.box.order {
		e := s.box.players[id]
		b := BoxScore{PlayerID: id, TeamID: team(id), Version: e.version, Values: map[string]float64{}}
		for k := decode.Stat(0); int(k) < decode.NumStats; k++ {
			if e.has.Has(k) {
				b.Values[names[k]] = e.vals[k]
			}
		}
		sum.BoxScore = append(sum.BoxScore, b)
	}
	return sum
}

// periodFigures fills p's per-period efforts, time on court and speed
// bands (sized to the periods the session opened) from player figures a,
// adding the part of the period still open (accum.enterPeriod) without
// changing a.
func (s *Session) periodFigures(p *PlayerSummary, a *accum) {
	copy(p.SprintsPeriod, a.sprints.byPeriod)
	copy(p.AccelsPeriod, a.accels.byPeriod)
	copy(p.DecelsPeriod, a.decels.byPeriod)
	nb := len(a.bands)
	court := func(i int) int64 {
		var c int64
		if i < len(a.courtPeriod) {
			c = a.courtPeriod[i]
		}
		if i == int(a.period)-1 {
			c += a.onCourt - a.courtMark
		}
		return c
	}
	for i := range p.TimeOnCourtPeriod_s {
		p.TimeOnCourtPeriod_s[i] = float64(court(i)) * s.dt_s
		b := p.SpeedBandPeriod_s[i]
		if (i+1)*nb <= len(a.bandPeriod) {
			copy(b, a.bandPeriod[i*nb:(i+1)*nb])
		}
		if i == int(a.period)-1 {
			for k := range b {
				b[k] += a.bands[k] - a.bandMark[k]
			}
		}
	}
}

// sides applies the rule of the sides type to every player tracked
// (Summary.OneTeam, Summary.OneTeamTracked).
func (s *Session) sides() (oneTeam, oneTeamTracked bool) {
	sd := newSides(s.meta.Roster, func(id int64) int64 { return s.roster[id].team }, s.meta.Event)
	for _, i := range s.players {
		sd.see(s.sensors[i].id)
	}
	return sd.verdict()
}
