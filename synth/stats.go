package synth

import (
	"math"

	"github.com/stmotion/stmotion/decode"
)

const numBox = decode.NumStats

// classDef is which stats a classification's message carries and how it
// changes them.
type classDef struct {
	keys  []decode.Stat
	delta []float64
}

var (
	kFG2 = []decode.Stat{decode.StatFGA, decode.StatFG, decode.StatPTS}
	kFG3 = []decode.Stat{decode.StatFGA, decode.StatFG, decode.StatFGA3, decode.StatFG3, decode.StatPTS}
	kFT  = []decode.Stat{decode.StatFTA, decode.StatFT, decode.StatPTS}
	kDR  = []decode.Stat{decode.StatREB, decode.StatDefensiveREB}
	kOR  = []decode.Stat{decode.StatREB, decode.StatOffensiveREB}
)

// classTable pairs every classification the simulator sends with its stats.
var classTable = map[decode.Classification]classDef{
	decode.ClassTwoPointMake:     {kFG2, []float64{1, 1, 2}},
	decode.ClassTwoPointMiss:     {kFG2[:1], []float64{1}},
	decode.ClassThreePointMake:   {kFG3, []float64{1, 1, 1, 1, 3}},
	decode.ClassThreePointMiss:   {[]decode.Stat{decode.StatFGA, decode.StatFGA3}, []float64{1, 1}},
	decode.ClassFreeThrowMake:    {kFT, []float64{1, 1, 1}},
	decode.ClassFreeThrowMiss:    {kFT[:1], []float64{1}},
	decode.ClassAssist:           {[]decode.Stat{decode.StatAST}, []float64{1}},
	decode.ClassTurnover:         {[]decode.Stat{decode.StatTO}, []float64{1}},
	decode.ClassSteal:            {[]decode.Stat{decode.StatSTL}, []float64{1}},
	decode.ClassDefensiveRebound: {kDR, []float64{1, 1}},
	decode.ClassOffensiveRebound: {kOR, []float64{1, 1}},

	decode.ClassUpdatedTwoPointMissToMake:   {kFG2, []float64{0, 1, 2}},
	decode.ClassUpdatedTwoPointMakeToMiss:   {kFG2, []float64{0, -1, -2}},
	decode.ClassUpdatedThreePointMissToMake: {kFG3, []float64{0, 1, 0, 1, 3}},
	decode.ClassUpdatedThreePointMakeToMiss: {kFG3, []float64{0, -1, 0, -1, -3}},
	decode.ClassDeletedAssist:               {[]decode.Stat{decode.StatAST}, []float64{-1}},
	decode.ClassDeletedDefensiveRebound:     {kDR, []float64{-1, -1}},
	decode.ClassDeletedOffensiveRebound:     {kOR, []float64{-1, -1}},
}

// truthStat applies a physical event to the true box score.
func (g *game) truthStat(i int, c decode.Classification) {
	d := classTable[c]
	for k, s := range d.keys {
		g.ag[i].box[s] += d.delta[k]
	}
}

// feedStat applies c to what the feed says about player i and queues the
// stats message: occurred at occ (s since start), delivered delay s later.
func (g *game) feedStat(i int, c decode.Classification, occ, delay float64) {
	a := &g.ag[i]
	d := classTable[c]
	p := pending{
		kind: decode.KindStats, occ_ms: g.ms(occ), deliver_ms: g.rel_ms(g.t + delay),
		team: g.teamID[a.side], player: a.id, class: c, n: len(d.keys),
	}
	for k, s := range d.keys {
		a.feedBox[s] += d.delta[k]
		p.keys[k] = s
		p.vals[k] = a.feedBox[s]
	}
	g.em.push(p)
}

// stat records a physical event: the truth and, usually, the same in the
// feed. With probability pWrong the automatic record is wrong (wrong is the
// classification recorded, or who is credited) and a correction is queued.
func (g *game) stat(i int, c decode.Classification, occ, delay float64) {
	g.truthStat(i, c)
	g.feedStat(i, c, occ, delay)
}

// statDelay is how late a stats or shot message arrives, s. It draws from
// the feed's stream, always once, whatever StatsDelayMax_ms.
func (g *game) statDelay() float64 {
	u := g.frng.Float64()
	hi := float64(g.cfg.StatsDelayMax_ms) / 1000
	if hi < 0.2 {
		return hi
	}
	return 0.2 + (hi-0.2)*u
}

// correction is a queued manual correction.
type correction struct {
	at    float64 // when it is sent (s)
	occ   float64 // occurred_at of the original event (s)
	who   int     // player whose wrong record is corrected
	c     decode.Classification
	then  int // player to credit afterwards with thenC, or -1
	thenC decode.Classification
	orig  decode.Classification
}

// shotStat records a field goal attempt's stats, sometimes first wrongly
// (make and miss swapped) and corrected later.
func (g *game) shotStat(i int, three, make bool, occ float64) {
	c := shotClass(three, make)
	g.truthStat(i, c)
	delay := g.statDelay()
	if g.frng.Float64() < 0.05 {
		wrong := shotClass(three, !make)
		g.feedStat(i, wrong, occ, delay)
		var fix decode.Classification
		switch {
		case three && make:
			fix = decode.ClassUpdatedThreePointMissToMake
		case three:
			fix = decode.ClassUpdatedThreePointMakeToMiss
		case make:
			fix = decode.ClassUpdatedTwoPointMissToMake
		default:
			fix = decode.ClassUpdatedTwoPointMakeToMiss
		}
		g.corr = append(g.corr, correction{at: g.t + 15 + 45*g.frng.Float64(), occ: occ, who: i, c: fix, then: -1, orig: wrong})
		return
	}
	g.feedStat(i, c, occ, delay)
}

// creditStat records an assist or rebound for i, sometimes first credited
// to teammate wrong and corrected later (DELETED_* then the right credit).
func (g *game) creditStat(i int, c decode.Classification, occ float64) {
	g.truthStat(i, c)
	delay := g.statDelay()
	if g.frng.Float64() < 0.06 {
		if w := g.teammateOf(i); w >= 0 {
			g.feedStat(w, c, occ, delay)
			del := decode.ClassDeletedAssist
			switch c {
			case decode.ClassDefensiveRebound:
				del = decode.ClassDeletedDefensiveRebound
			case decode.ClassOffensiveRebound:
				del = decode.ClassDeletedOffensiveRebound
			}
			g.corr = append(g.corr, correction{at: g.t + 10 + 40*g.frng.Float64(), occ: occ, who: w, c: del, then: i, thenC: c, orig: c})
			return
		}
	}
	g.feedStat(i, c, occ, delay)
}

// runCorrections sends the corrections due by now (all of them when force).
func (g *game) runCorrections(force bool) {
	k := 0
	for _, c := range g.corr {
		if !force && g.t < c.at {
			g.corr[k] = c
			k++
			continue
		}
		g.feedStat(c.who, c.c, c.occ, 0)
		if c.then >= 0 {
			g.feedStat(c.then, c.thenC, c.occ, 0.05)
		}
		g.tr.Corrections = append(g.tr.Corrections, Correction{
			PlayerID: g.ag[c.who].id, Class: c.c.String(), Original: c.orig.String(),
			Event_ms: g.ms(c.occ), Delivered_s: math.Round(g.t*1000) / 1000,
		})
	}
	g.corr = g.corr[:k]
}

func shotClass(three, make bool) decode.Classification {
	switch {
	case three && make:
		return decode.ClassThreePointMake
	case three:
		return decode.ClassThreePointMiss
	case make:
		return decode.ClassTwoPointMake
	}
	return decode.ClassTwoPointMiss
}

// emitDIST queues the cumulative DIST stat (cm) of every player in a lineup
// or whose distance changed since the last one (all players when all).
func (g *game) emitDIST(all bool) {
	for i := range g.ag {
		a := &g.ag[i]
		cm := int64(math.Round(a.dist_m * 100))
		if !all && !a.lineup && cm == a.lastDIST_cm {
			continue
		}
		a.lastDIST_cm = cm
		a.feedBox[decode.StatDIST] = float64(cm)
		a.box[decode.StatDIST] = float64(cm)
		p := pending{
			kind: decode.KindStats, occ_ms: g.ms(g.t), deliver_ms: g.rel_ms(g.t + 0.05 + 0.25*g.distRng.Float64()),
			team: g.teamID[a.side], player: a.id, class: decode.ClassDistance, n: 1,
		}
		if all {
			p.deliver_ms = g.rel_ms(g.t)
		}
		p.keys[0] = decode.StatDIST
		p.vals[0] = float64(cm)
		g.em.push(p)
	}
}
