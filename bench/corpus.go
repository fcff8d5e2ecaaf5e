package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
)

// Corpus is a set of messages held in memory, one JSON object per line, as
// a recording stores them. Data is the whole text; line i is
// Data[Starts[i]:Ends[i]] (without its newline). A Corpus is read-only once
// built and can be shared by any number of benchmarks.
type Corpus struct {
	Name   string // "game", "game-shuffled", or the file it was read from
	Data   []byte
	Starts []int
	Ends   []int
	// MsgBytes is the sum of the line lengths, without newlines: the bytes a
	// decoder is handed, and what throughput (MB/s) is computed from.
	MsgBytes int64
	// Skipped counts lines of a file corpus that were left out: rejected by
	// encoding/json or stmotion, or too long (see LoadCorpus).
	Skipped int
	// KindCounts counts messages by kind ("location", "stats", ...): as the
	// generator wrote them, or as stmotion decoded a file corpus.
	KindCounts map[string]int
}

// Len is the number of messages.
func (c *Corpus) Len() int { return len(c.Ends) }

// Line returns message i; it aliases Data.
func (c *Corpus) Line(i int) []byte { return c.Data[c.Starts[i]:c.Ends[i]] }

func (c *Corpus) add(line []byte) {
	c.Starts = append(c.Starts, len(c.Data))
	c.Data = append(c.Data, line...)
	c.Ends = append(c.Ends, len(c.Data))
	c.Data = append(c.Data, '\n')
	c.MsgBytes += int64(len(line))
}

// GameOptions configures GameCorpus.
type GameOptions struct {
	// Seed makes the corpus reproducible: the same options give the same bytes.
	Seed uint64
	// Duration_s is the length of the simulated feed in seconds, from
	// MinGameDuration_s to MaxGameDuration_s (0: the default, 600 s, about
	// 165,000 messages and 18 MB).
	Duration_s float64
	// Shuffled writes every message with its keys in a random order at both
	// levels and random extra whitespace between tokens. The messages carry
	// the same values as the unshuffled corpus with the same Seed, so both
	// decode to the same checksum.
	Shuffled bool
}

// Sensor ids of the generated game. The ball id does not fit an int32, as in
// the real feed.
var (
	GamePlayerIDs = [10]int64{2942, 2951, 3017, 3020, 3188, 4410, 4415, 4502, 4623, 4711}
	GameTeamIDs   = [2]int64{461, 462}
)

// GameBallID is the ball sensor's id in the generated game.
const GameBallID int64 = 2147549498

// MinGameDuration_s and MaxGameDuration_s bound GameOptions.Duration_s.
// Below a second the feed is little more than its markers (a 0.01 s game
// is three of them), not the location-heavy game the corpus stands for;
// three hours is longer than any game's feed, and holds about 300 MB of
// messages in memory.
const MinGameDuration_s, MaxGameDuration_s float64 = 1, 3 * 3600

// gameStart_ms is typed: an epoch time in ms does not fit a 32-bit int.
const gameStart_ms int64 = 1500571321532

const (
	gameTick_ms    = 40 // 25 Hz per sensor
	courtHalfX_mm  = 14330
	courtHalfY_mm  = 7620
	distEvery_tick = 100 // each player's DIST stat every 4 s, staggered
)

// GameCorpus builds, deterministically, the feed of a basketball game as the
// ShotTracker websocket delivers it: 10 players and the ball, each sampled at
// 25 Hz with a few ms of timestamp jitter (about 110-byte location lines),
// interleaved as in a game with cumulative DIST stats updates (every player
// every 4 s), shots followed by their box-score stats (about every 25 s),
// clock-state markers (LIVE, PAUSED, FOUL) and the game markers (PLAY_START,
// END_FIRST_HALF, START_SECOND_HALF, PLAY_END). About 99% of the messages are
// locations.
//
// It fails, without building anything, when Duration_s is neither 0 nor
// from MinGameDuration_s to MaxGameDuration_s (NaN and infinities
// included).
func GameCorpus(opt GameOptions) (*Corpus, error) {
	return GameCorpusContext(context.Background(), opt)
}

// GameCorpusContext is GameCorpus, stopped when ctx ends (a three-hour
// game takes seconds to build) with an error wrapping
// pipeline.ErrCanceled, as MeasureContext's.
func GameCorpusContext(ctx context.Context, opt GameOptions) (*Corpus, error) {
	if opt.Duration_s == 0 {
		opt.Duration_s = 600
	}
	if !(opt.Duration_s >= MinGameDuration_s && opt.Duration_s <= MaxGameDuration_s) {
		return nil, fmt.Errorf("bench: game duration %g s: want %g to %g s (0 for the default)", opt.Duration_s, MinGameDuration_s, MaxGameDuration_s)
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5eed5eed))
	// The shuffler has its own stream so that the values do not depend on
	// whether the corpus is shuffled.
	w := &writer{shuffle: opt.Shuffled, rng: rand.New(rand.NewPCG(opt.Seed, 0x5ca77e12))}
	name := "game"
	if opt.Shuffled {
		name = "game-shuffled"
	}
	ticks := int(opt.Duration_s * 1000 / gameTick_ms)
	c := &Corpus{Name: name, KindCounts: map[string]int{}}
	c.Data = make([]byte, 0, ticks*11*118)
	c.Starts = make([]int, 0, ticks*12)
	c.Ends = make([]int, 0, ticks*12)

	type body struct {
		x, y, z, vx, vy float64 // mm, mm/tick
		dist_cm         float64
	}
	var players [10]body
	for i := range players {
		players[i] = body{x: (rng.Float64()*2 - 1) * 12000, y: (rng.Float64()*2 - 1) * 6500, z: 60 + rng.Float64()*20}
	}
	ball := body{z: 1000}
	var version [10]int64
	var pts, fga, fg [10]float64

	emit := func(kind string) {
		c.add(w.line)
		c.KindCounts[kind]++
	}
	emitMarker := func(t int64, typ string) {
		w.marker(t, typ, "")
		emit("marker")
	}

	emitMarker(gameStart_ms-500, "PLAY_START")
	emitMarker(gameStart_ms-20, "LIVE")
	live := true
	half := ticks / 2
	for k := 0; k < ticks; k++ {
		if k%(stopEvery/16) == 0 && ctx.Err() != nil { // about stopEvery messages
			return nil, canceled("building the " + name + " corpus")
		}
		base := gameStart_ms + int64(k)*gameTick_ms
		if k == half {
			emitMarker(base-5, "PAUSED")
			emitMarker(base-3, "END_FIRST_HALF")
			w.marker(base-2, "PLAY_NEXT", "a1140480-e1d5-4684-a619-402984b5c9ba")
			emit("marker")
			emitMarker(base-1, "START_SECOND_HALF")
			emitMarker(base, "LIVE")
			live = true
		}
		for i := range players {
			p := &players[i]
			if live {
				// A bounded random walk: players run up to about 8 m/s.
				p.vx = clamp(p.vx+rng.NormFloat64()*12, -320, 320)
				p.vy = clamp(p.vy+rng.NormFloat64()*12, -320, 320)
			} else {
				p.vx *= 0.9
				p.vy *= 0.9
			}
			nx := clamp(p.x+p.vx, -courtHalfX_mm, courtHalfX_mm)
			ny := clamp(p.y+p.vy, -courtHalfY_mm, courtHalfY_mm)
			p.dist_cm += math.Hypot(nx-p.x, ny-p.y) / 10
			p.x, p.y = nx, ny
			p.z = clamp(p.z+rng.NormFloat64()*3, 40, 120)
			w.location(base+int64(rng.IntN(4)), "PLAYER", GamePlayerIDs[i], p.x, p.y, p.z)
			emit("location")
		}
		// The ball follows a player, with passes and flight above head height.
		holder := &players[(k/90)%10]
		ball.x += (holder.x + 300 - ball.x) * 0.3
		ball.y += (holder.y - ball.y) * 0.3
		ball.z = 900 + 1800*math.Abs(math.Sin(float64(k)*0.21))
		w.location(base+int64(rng.IntN(4)), "BALL", GameBallID, ball.x, ball.y, ball.z)
		emit("location")

		// DIST: one player per 10 ticks, so each player every 100 ticks (4 s).
		if k%(distEvery_tick/10) == 5 {
			i := (k / (distEvery_tick / 10)) % 10
			version[i]++
			w.stats(base+7, GameTeamIDs[i/5], GamePlayerIDs[i], version[i], "DISTANCE",
				[]statKV{{"DIST", math.Round(players[i].dist_cm*10) / 10}})
			emit("stats")
		}
		// A shot about every 25 s, then its box score.
		if live && k%625 == 300 {
			i := rng.IntN(10)
			three := rng.IntN(3) == 0
			make_ := rng.IntN(2) == 0
			zone := 1 + rng.IntN(14)
			hx := rng.IntN(12000) - 6000
			hy := rng.IntN(8000) - 500
			w.shot(base+11, GameTeamIDs[i/5], GamePlayerIDs[i], make_, three, zone, hx, hy)
			emit("shot")
			fga[i]++
			class := "TWO_POINT_MISS"
			kv := []statKV{{"FGA", fga[i]}}
			if make_ {
				fg[i]++
				class = "TWO_POINT_MAKE"
				if three {
					pts[i] += 3
					class = "THREE_POINT_MAKE"
				} else {
					pts[i] += 2
				}
				kv = append(kv, statKV{"FG", fg[i]}, statKV{"PTS", pts[i]})
			} else if three {
				class = "THREE_POINT_MISS"
			}
			version[i]++
			w.stats(base+13, GameTeamIDs[i/5], GamePlayerIDs[i], version[i], class, kv)
			emit("stats")
		}
		// Clock state changes: a foul or a stoppage about every 20 s.
		if k%500 == 250 && k < ticks-1 {
			if rng.IntN(2) == 0 {
				emitMarker(base+17, "FOUL")
			}
			emitMarker(base+18, "PAUSED")
			live = false
		}
		if !live && k%500 == 320 {
			emitMarker(base+19, "LIVE")
			live = true
		}
	}
	emitMarker(gameStart_ms+int64(ticks)*gameTick_ms, "PLAY_END")
	return c, nil
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

type statKV struct {
	key   string
	value float64
}

// writer writes messages in the ShotTracker wire form, either with the key
// order of the seed document and no spaces, or shuffled.
type writer struct {
	shuffle bool
	rng     *rand.Rand
	line    []byte
}

type member struct{ key, value []byte }

// object writes {members...}, shuffling their order and padding with
// whitespace when the writer shuffles.
func (w *writer) object(dst []byte, ms []member) []byte {
	if w.shuffle {
		w.rng.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
	}
	dst = append(dst, '{')
	dst = w.space(dst)
	for i, m := range ms {
		if i > 0 {
			dst = append(dst, ',')
			dst = w.space(dst)
		}
		dst = strconv.AppendQuote(dst, string(m.key))
		dst = w.space(dst)
		dst = append(dst, ':')
		dst = w.space(dst)
		dst = append(dst, m.value...)
		dst = w.space(dst)
	}
	return append(dst, '}')
}

func (w *writer) space(dst []byte) []byte {
	if !w.shuffle {
		return dst
	}
	for n := w.rng.IntN(3); n > 0; n-- { // on average one byte per gap
		if w.rng.IntN(3) == 0 {
			dst = append(dst, '\t')
		} else {
			dst = append(dst, ' ')
		}
	}
	return dst
}

func (w *writer) envelope(typ string, data []member) {
	inner := w.object(nil, data)
	w.line = w.object(w.line[:0], []member{
		{[]byte("type"), strconv.AppendQuote(nil, typ)},
		{[]byte("data"), inner},
	})
}

func num(v int64) []byte { return strconv.AppendInt(nil, v, 10) }

func str(s string) []byte { return strconv.AppendQuote(nil, s) }

func (w *writer) location(t int64, sensor string, id int64, x, y, z float64) {
	w.envelope("location", []member{
		{[]byte("occurred_at"), num(t)},
		{[]byte("type"), str(sensor)},
		{[]byte("id"), num(id)},
		{[]byte("x"), num(int64(math.Round(x)))},
		{[]byte("y"), num(int64(math.Round(y)))},
		{[]byte("z"), num(int64(math.Round(z)))},
	})
}

func (w *writer) stats(t, team, player, version int64, class string, kv []statKV) {
	ms := make([]member, 0, len(kv))
	for _, s := range kv {
		// One decimal: counts read "4.0" as in the seed, DIST keeps its mm.
		ms = append(ms, member{[]byte(s.key), strconv.AppendFloat(nil, s.value, 'f', 1, 64)})
	}
	stats := w.object(nil, ms)
	w.envelope("stats", []member{
		{[]byte("occurred_at"), num(t)},
		{[]byte("team_id"), num(team)},
		{[]byte("player_id"), num(player)},
		{[]byte("stats"), stats},
		{[]byte("classification"), str(class)},
		{[]byte("version"), num(version)},
	})
}

func (w *writer) shot(t, team, player int64, make_, three bool, zone, hx, hy int) {
	w.envelope("shot", []member{
		{[]byte("occurred_at"), num(t)},
		{[]byte("team_id"), num(team)},
		{[]byte("player_id"), num(player)},
		{[]byte("is_make"), strconv.AppendBool(nil, make_)},
		{[]byte("is_3point"), strconv.AppendBool(nil, three)},
		{[]byte("zone"), num(int64(zone))},
		{[]byte("hoop_player_x"), num(int64(hx))},
		{[]byte("hoop_player_y"), num(int64(hy))},
		{[]byte("status"), str("RECORDED")},
	})
}

func (w *writer) marker(t int64, typ, liveID string) {
	ms := []member{{[]byte("occurred_at"), num(t)}}
	if liveID != "" {
		ms = append(ms, member{[]byte("live_id"), str(liveID)})
	}
	ms = append(ms, member{[]byte("type"), str(typ)})
	w.envelope("marker", ms)
}

// Describe summarises a corpus in one line for humans.
func (c *Corpus) Describe() string {
	s := fmt.Sprintf("%s: %d msgs, %.1f MB, %.0f bytes/msg", c.Name, c.Len(), float64(c.MsgBytes)/1e6, float64(c.MsgBytes)/float64(max(c.Len(), 1)))
	if n := c.KindCounts["location"]; n > 0 {
		s += fmt.Sprintf(", %.1f%% location", 100*float64(n)/float64(c.Len()))
	}
	if c.Skipped > 0 {
		s += fmt.Sprintf(", %d lines skipped (invalid for encoding/json or stmotion)", c.Skipped)
	}
	return s
}
