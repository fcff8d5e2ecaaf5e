package live

import (
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/internal/fifo"
	"github.com/stmotion/stmotion/track"
)

// dedup recognises messages received twice, as happens when a feed
// replays after a reconnect, so that nothing is counted twice:
//
//   - stats: the same (player, version) (or, without a version, the same
//     player, occurred_at and classification);
//   - shots: the same player, occurred_at, make, zone and hoop_player_x/y
//     (track.ShotKey);
//   - markers: the same type and occurred_at (and next live id)
//     (track.MarkerKey);
//   - locations: the same sensor (id and type: ids are unique per sensor
//     type only, a ball may carry a player's id, and the engine keeps
//     the two apart as well), occurred_at and xyz as one of the
//     sensor's last locRing samples, or a sample older than the sensor's
//     newest by more than the engine's reorder window (the engine would
//     drop it as late anyway; dropping it here keeps a replayed feed out
//     of messages.jsonl).
//
// A sensor's newest time moves only with samples it can trust: a sample
// more than the reorder window plus track.TimeJumpSlack_ms ahead of it
// moves it only once the sensor's samples have gone on near that time for
// aheadSpan_ms, as after a silence of the feed (a sensor's first time,
// once its next sample is near it)
// (while its samples near the newest time go on, that sample is
// forgotten). One sample a day ahead had moved it a day on, and every
// later sample of the sensor was then taken for a replay and kept out of
// the recording; so did two such samples, 40 ms apart, while the next one
// confirmed. (The engine holds such samples the same way across sensors,
// for three grid periods, see track.Session.vet; the span here is longer,
// so that the recording never drops what the engine takes.)
//
// Acks, pongs, errors and unknown types are never duplicates. Memory:
// one small ring (about 0.9 KB) per sensor, for at most maxSensors
// sensors, the engine's track.Config.MaxSensors, so a feed inventing ids
// costs no memory here; the newest stats version of at most maxSensors
// players (the first the stats name, as the engine's box score keeps);
// and one entry per stats, shot and marker message, up to
// maxDedupStats, maxDedupShots and maxDedupMarkers (and
// maxDedupMarkerText_B of marker texts), the oldest forgotten beyond
// (fifo.Set), so that a feed sending endless distinct messages costs a
// bounded amount here: 1 M distinct stats messages through the filter
// leave it holding 17 MB of heap (3 M: the same), the process's peak RSS
// 61 MB, where it once held 103 MB (peak RSS 154 MB) and grew without
// end (3 M: 204 MB, 286 MB); 1 M distinct shots 8 MB (168 MB before),
// 1 M distinct PLAY_NEXT markers 3 MB (152 MB). (Measured with a
// throwaway test feeding such lines to newDedup, under /usr/bin/time;
// see the commit that bounded them.) A game stays far below the bounds
// (a simulated 12-minute game has 1 575 stats messages, 34 shots and 26
// markers), so a replay is forgotten only on a feed that sends more: it
// is then let through, recorded twice and, as it changes nothing the
// engine has (its stats versions are not newer, a shot or marker the
// engine has is a repeat it drops), counted in the engine's Quality
// (StaleStats, RepeatedShots, RepeatedMarkers). What the bounds forgot
// is counted (forgotten; SessionResult.DedupForgotten). As in
// the engine (track.Session's admit), a ball sensor, a roster player or
// a player the stats name, first seen once the table is full, takes the
// place of a sensor that is none of the last two (a ball sensor never
// is: the roster and the stats name players) and has sent a sample or
// two (a bogus id, most likely), so that a burst of bogus ids does not
// leave the real sensors' replays unfiltered; other ids first seen then
// are never taken for duplicates (they are still recorded, for analyze
// to count).
//
// Shots and markers are recognised by the keys the engine drops its own
// repeats by, so a shot or marker this lets through is never one the
// engine would drop: live and the analysis of its recording agree.
type dedup struct {
	window_ms  int64
	maxSensors int // bound on len(sensors)
	sensors    map[sensorID]*locHistory
	// order holds the sensors in the order they took their place; the
	// ones before scanFrom have sent more than two samples and are never
	// replaced (see replace).
	order    []sensorID
	scanFrom int
	roster   map[int64]bool // the roster's players
	// named holds the players the stats name (the first maxSensors) and
	// the newest stats version of each: see StatVersion.
	named map[int64]newestVersion
	stats *fifo.Set[statKey]
	shots *fifo.Set[track.ShotKey]
	// shotAt holds each shot's player and occurred_at, whatever its
	// other fields: see ShotSeen.
	shotAt  *fifo.Set[[2]int64]
	markers *fifo.Set[track.MarkerKey]
}

// The bounds of the filter's stats, shots and markers (see dedup); the
// shots and markers the engine's repeat check's, so that the two forget
// alike.
const (
	maxDedupStats        = 1 << 16
	maxDedupShots        = track.MaxRepeatShots
	maxDedupMarkers      = track.MaxRepeatMarkers
	maxDedupMarkerText_B = track.MaxRepeatMarkerText_B
)

// newestVersion is the newest stats version of a player (ok: one was
// received).
type newestVersion struct {
	v  int64
	ok bool
}

const locRing = 32

// aheadSpan_ms is how long a sensor's samples must go on at times far
// ahead of its newest (or before them) to move it there: a second, more
// than the engine's three grid periods at any rate down to 4 Hz.
const aheadSpan_ms = track.TimeJumpSlack_ms

// sensorID names a sensor: its id and type (a location of an unknown
// type, which the engine drops, is filtered under SensorUnknown).
type sensorID struct {
	id  int64
	typ decode.SensorType
}

type locKey struct {
	t_ms    int64
	x, y, z int32
}

type locHistory struct {
	newest int64 // the newest trusted time (when set)
	set    bool
	ahead  int64 // the first of the samples far from newest, not yet confirmed (0: none)
	ring   [locRing]locKey
	n      int
}

type statKey struct {
	player, version, t_ms int64
	class                 decode.Classification
}

// newDedup returns a dedup for an engine with the given reorder window,
// MaxSensors (at least 1) and roster (nil: none).
func newDedup(window_ms int64, maxSensors int, roster []decode.RosterTeam) *dedup {
	ids := map[int64]bool{}
	for _, t := range roster {
		for _, p := range t.Players {
			ids[p.ID] = true
		}
	}
	return &dedup{
		roster:     ids,
		named:      map[int64]newestVersion{},
		window_ms:  window_ms,
		maxSensors: max(maxSensors, 1),
		sensors:    map[sensorID]*locHistory{},
		stats:      fifo.New[statKey](maxDedupStats, nil, 0),
		shots:      fifo.New[track.ShotKey](maxDedupShots, nil, 0),
		shotAt:     fifo.New[[2]int64](maxDedupShots, nil, 0),
		markers:    fifo.New(maxDedupMarkers, func(k track.MarkerKey) int { return len(k.Text) }, maxDedupMarkerText_B),
	}
}

// seen reports whether m (decoded from src) was received before, and
// remembers it otherwise.
func (d *dedup) seen(m *decode.Message, src []byte) bool {
	switch m.Kind {
	case decode.KindLocation:
		l := &m.Location
		t := l.OccurredAt_ms
		sid := sensorID{l.ID, l.Sensor}
		h := d.sensors[sid]
		if h == nil {
			if len(d.sensors) >= d.maxSensors {
				if h = d.replace(sid); h == nil {
					return false // not tracked: see dedup
				}
			} else {
				h = &locHistory{}
				d.sensors[sid] = h
				d.order = append(d.order, sid)
			}
		}
		if h.set && t < h.newest-d.window_ms {
			return true
		}
		k := locKey{t, l.X_mm, l.Y_mm, l.Z_mm}
		for i := 0; i < min(h.n, locRing); i++ {
			if h.ring[i] == k {
				return true
			}
		}
		h.ring[h.n%locRing] = k
		h.n++
		jump := d.window_ms + track.TimeJumpSlack_ms
		switch {
		case h.set && t <= h.newest+jump:
			if t > h.newest {
				h.newest, h.ahead = t, 0
			}
		case h.ahead != 0 && t-h.ahead <= jump && h.ahead-t <= jump:
			// (A sensor's first samples have no newest time to protect:
			// the next one near the first confirms it.)
			if !h.set && t != h.ahead || t-h.ahead >= aheadSpan_ms || h.ahead-t >= aheadSpan_ms {
				h.newest, h.set, h.ahead = max(t, h.ahead), true, 0
			}
		default:
			h.ahead = t // far ahead (or the first): wait for the next
		}
		return false
	case decode.KindStats:
		s := &m.Stats
		hasV := s.Present&decode.HasVersion != 0
		if nv, ok := d.named[s.PlayerID]; ok || len(d.named) < d.maxSensors {
			if hasV && (!nv.ok || s.Version > nv.v) {
				nv = newestVersion{s.Version, true}
			}
			d.named[s.PlayerID] = nv
		}
		k := statKey{player: s.PlayerID, version: s.Version}
		if !hasV {
			k = statKey{player: s.PlayerID, version: -1, t_ms: s.OccurredAt_ms, class: s.Classification}
		}
		return d.stats.Mark(k)
	case decode.KindShot:
		s := &m.Shot
		d.shotAt.Mark([2]int64{s.PlayerID, s.OccurredAt_ms})
		return d.shots.Mark(track.ShotKeyOf(s))
	case decode.KindMarker:
		return d.markers.Mark(track.MarkerKeyOf(&m.Marker, src))
	}
	return false
}

// forgotten counts the stats, shot and marker keys the filter forgot to
// stay within its bounds (see dedup): replays of them are let through.
func (d *dedup) forgotten() int64 {
	return d.stats.Forgotten() + d.shots.Forgotten() + d.markers.Forgotten()
}

// ShotSeen reports whether a shot of player at t_ms was received (or
// fed), with any make, zone or position: a REST shot is fed only when it
// was not (fillGap, applyJoin), as a correction may have changed its
// fields since the feed delivered it, and a shot the session has would
// then count twice.
func (d *dedup) ShotSeen(player, t_ms int64) bool {
	return d.shotAt.Has([2]int64{player, t_ms})
}

// StatVersion reports the newest stats version received for player (one
// of the first maxSensors players the stats name: of a player beyond
// them, the engine keeps no stats either).
func (d *dedup) StatVersion(player int64) (int64, bool) {
	nv := d.named[player]
	return nv.v, nv.ok
}

// replace gives the new sensor the place of a sensor that has sent at
// most two samples and is not a player on the roster or named by the
// stats, with its history cleared; nil when the new sensor is not a
// ball, a roster player or a player the stats name, or no sensor can
// give its place. A sensor that cannot never comes to (samples and
// names only come), so the scan goes on from where the last one stopped,
// and the place taken is behind it: over a session each place is looked
// at about once.
func (d *dedup) replace(id sensorID) *locHistory {
	if id.typ != decode.SensorBall && !d.realPlayer(id) {
		return nil
	}
	for i := d.scanFrom; i < len(d.order); i++ {
		v := d.order[i]
		h := d.sensors[v]
		if i == d.scanFrom {
			d.scanFrom++
		}
		if h.n > 2 || d.realPlayer(v) {
			continue
		}
		delete(d.sensors, v)
		*h = locHistory{}
		d.sensors[id] = h
		d.order[i] = id
		return h
	}
	return nil
}

// realPlayer reports whether id is a player sensor on the roster or
// named by the stats (the ids they give are players').
func (d *dedup) realPlayer(id sensorID) bool {
	_, named := d.named[id.id]
	return id.typ == decode.SensorPlayer && (named || d.roster[id.id])
}
