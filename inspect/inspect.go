package inspect

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
)

// MaxMarkers bounds the markers a Report lists; the others are counted
// (Report.MoreMarkers).
const MaxMarkers = 1000

// MaxSensors bounds the sensors a Report lists (Report.Sensors): the
// first MaxSensors distinct ones (type and id) in the recording's order,
// as many as analyze's engine tracks (track.DefaultMaxSensors). A feed
// with more invents ids (corrupt ones, most likely); listing a million
// of them cost a million rows and 7 times the file's size in memory.
const MaxSensors = track.DefaultMaxSensors

// MaxCountedUnlisted bounds the distinct sensors beyond MaxSensors that
// Read counts (Report.MoreSensors), with a set of their ids (about 3 MB
// when full); past it their samples are still counted, their ids no
// longer (Report.MoreSensorsCapped).
const MaxCountedUnlisted = 1 << 16

// maxTypeTexts bounds the distinct unknown message types a Report names.
const maxTypeTexts = 5

// Report is what Read finds in one input; its JSON encoding is the
// command's --json line.
type Report struct {
	Path        string           `json:"path"`
	Bundle      *Bundle          `json:"bundle,omitempty"`
	Court       *Court           `json:"court"`
	Recording   string           `json:"recording"`
	Compression string           `json:"compression"`
	Lines       int64            `json:"lines"`
	Blank       int64            `json:"blank"`
	Bad         int64            `json:"bad"`
	TooLong     int64            `json:"too_long"`
	Messages    int64            `json:"messages"`
	ByType      map[string]int64 `json:"by_type"`
	// BadTimes are the location samples with an impossible timestamp
	// (track.PlausibleTime), as analyze counts them in quality.bad_times: not in
	// Sensors, the time span or the gaps.
	BadTimes int64    `json:"bad_times"`
	First_ms int64    `json:"first_t_ms,omitempty"`
	Last_ms  int64    `json:"last_t_ms,omitempty"`
	Span_s   float64  `json:"span_s"`
	Players  int      `json:"players"` // of the sensors listed
	Balls    int      `json:"balls"`   // of the sensors listed
	Sensors  []Sensor `json:"sensors"` // the first MaxSensors to appear: players, then balls, then unknown sensor types; by id within each
	// MoreSensors is the distinct sensors not listed, beyond the first
	// MaxSensors, counted up to MaxCountedUnlisted; MoreSensorsCapped
	// says there were more still. MoreSensorSamples is all their location
	// samples (those with a plausible time).
	MoreSensors       int       `json:"sensors_not_listed,omitempty"`
	MoreSensorsCapped bool      `json:"sensors_not_listed_capped,omitempty"`
	MoreSensorSamples int64     `json:"sensor_samples_not_listed,omitempty"`
	Markers           []Marker  `json:"markers"` // the first MaxMarkers, in the recording's order
	MoreMarkers       int       `json:"markers_not_listed,omitempty"`
	Unknown           Unknown   `json:"unknown"`
	Errors            []BadLine `json:"errors"`
	// Err is why the recording could not be read to its end (nil: it
	// was); ReadError is its text.
	Err       error  `json:"-"`
	ReadError string `json:"read_error,omitempty"`
	// Truncated is a compressed stream cut short (decode.ErrTruncated),
	// read up to the break, as analyze's quality.truncated: ReadError
	// says where.
	Truncated bool `json:"truncated"`
	// ZeroTail is the zero bytes after the complete compressed stream at
	// the end of the file, ignored (decode.Reader.ZeroTail).
	ZeroTail int64 `json:"zero_tail_bytes,omitempty"`
	// ZeroGaps is the zero bytes between the gzip members or zstd frames
	// of the file, skipped (decode.Reader.ZeroGaps).
	ZeroGaps    int64 `json:"zero_gap_bytes,omitempty"`
	Interrupted bool  `json:"interrupted,omitempty"` // the read was stopped (ctx ended) before the end
}

// Bundle is what a Report says of a bundle directory.
type Bundle struct {
	Dir   string   `json:"dir"`
	Files []string `json:"files"`          // its files, not those whose name starts with "."
	Live  []string `json:"live,omitempty"` // live session ids, names and types from live.json, then rounds.json (a practice's later drills)
	// Warnings are what analyze warns of in its side files
	// (decode.Bundle.Warnings: one that is not UTF-8, its names garbled).
	Warnings []string `json:"warnings,omitempty"`
}

// Court is what a Report says of a bundle's court.json, as analyze fits
// it with the same options (Options.Court), or why it cannot be used. An
// input without one (a bare recording too) is the sensor frame.
type Court struct {
	File string `json:"file,omitempty"` // the court.json read; "" without one
	// Fit is the court as analyze fits it (court.Court.Describe:
	// template, size, rotation, residual, hoops); template "sensor"
	// without a court.json. nil when the court.json cannot be used:
	// Error says why (Err is the error, for a caller to word), and
	// analyze keeps the input's positions in the sensor frame.
	Fit   *court.Description `json:"fit,omitempty"`
	Err   error              `json:"-"`
	Error string             `json:"error,omitempty"`
	// Refused says that the court.json fails only because the template
	// named (court.Options.Template) does not fit its size: analyze,
	// naming it, refuses the input rather than analyse it in the sensor
	// frame.
	Refused bool `json:"refused,omitempty"`
	// Warnings are what the fitted court holds that analysis cannot
	// rely on (court.Court.Warnings: hoops dropped, a custom size far
	// from any template's), as analyze warns of them.
	Warnings []string `json:"warnings,omitempty"`
}

// courtOf is what a Report says of b's court, fitted with opt.
func courtOf(b *decode.Bundle, opt court.Options) *Court {
	if b.Court == nil {
		d := court.SensorFrame().Describe()
		return &Court{Fit: &d}
	}
	out := &Court{File: b.CourtPath}
	c, err := court.Parse(b.Court, opt)
	if err != nil {
		out.Err, out.Error = err, err.Error()
		out.Refused = opt.Template != "" && errors.Is(err, court.ErrTemplate)
		return out
	}
	d := c.Describe()
	out.Fit, out.Warnings = &d, c.Warnings()
	return out
}

// Sensor is one sensor's samples.
type Sensor struct {
	Type              string  `json:"type"`
	ID                int64   `json:"id"`
	Name              string  `json:"name,omitempty"` // from a bundle's roster (subscribe.json), or Options.Roster
	Samples           int64   `json:"samples"`
	First_ms          int64   `json:"first_t_ms"`
	Last_ms           int64   `json:"last_t_ms"`
	MedianInterval_ms int64   `json:"median_interval_ms"`
	Rate_Hz           float64 `json:"rate_hz"`    // 1000 / (mean interval within 0.5-1.5x the median)
	MaxGap_ms         int64   `json:"max_gap_ms"` // the longest interval
	Backwards         int64   `json:"backwards"`  // samples older than the newest before (late or reordered)
	Repeats           int64   `json:"repeats"`    // samples at the newest time before (duplicates, or two positions at once)
}

// Marker is one marker message.
// Type and LiveID are the texts as the JSON strings encode them (escapes
// decoded), as the engine and live mode compare them.
type Marker struct {
	T_ms   int64  `json:"t_ms"`
	Type   string `json:"type"`
	LiveID string `json:"live_id,omitempty"`
	Line   int64  `json:"line"`
}

// Unknown counts what the decoder did not know, by kind: messages, but
// location samples for SensorTypes (those with a plausible time) and
// keys for StatKeys (a stats message with two unknown keys is 2).
// analyze's quality.unknown counts them together, by message, without
// repeated markers, and with the stats messages it drops too.
type Unknown struct {
	Types           int64    `json:"types"`                // messages of an unknown type
	TypeTexts       []string `json:"type_texts,omitempty"` // the first few distinct ones
	SensorTypes     int64    `json:"sensor_types"`         // location samples of a sensor type other than PLAYER and BALL
	StatKeys        int64    `json:"stat_keys"`            // unknown keys of stats messages
	Classifications int64    `json:"classifications"`      // stats messages with an unknown classification
	Markers         int64    `json:"markers"`              // markers of an unknown type
}

// BadLine is one bad line's error; Message does not repeat the line
// number (WriteText prints FILE:LINE: Message).
type BadLine struct {
	Line    int64  `json:"line"`
	Message string `json:"message"`
}

// Options says how Read reads an input.
type Options struct {
	// Roster (nil: none) names the players of an input without a roster
	// of its own (a bare recording); a bundle's own subscribe.json wins.
	Roster *decode.Subscribe
	// Reader is passed to the recording's reader: the line limit, how
	// many bad lines' errors to keep.
	Reader decode.ReaderOptions
	// Court fits the input's court.json (Report.Court) as analyze would
	// with the same options: a template named, mirrored corners allowed.
	Court court.Options
}

// sensorKey identifies a sensor: ids are only unique per type.
type sensorKey struct {
	sensor decode.SensorType
	id     int64
}

// sensorAcc accumulates one sensor's samples. The intervals are counted
// by their length in whole ms: a feed has few distinct ones, so the
// memory is small whatever the recording's length (and nothing for a
// sensor seen once).
type sensorAcc struct {
	samples, backwards, repeats int64
	first_ms, last_ms           int64 // last_ms: the newest
	maxGap_ms                   int64
	intervals                   map[int64]int64 // forward intervals, ms → count
}

// Read reads the bundle or recording at path (decode.Stdin: standard
// input) to its end, or until ctx ends, and reports what it holds. Its
// error is one of opening the input, with no Report; a read error after
// is in the Report (Report.Err).
func Read(ctx context.Context, path string, opt Options) (*Report, error) {
	b, err := decode.OpenBundle(path)
	if err != nil {
		return nil, err
	}
	b.Supply("", nil, "", opt.Roster)
	rep := &Report{Path: path, Recording: b.MessagesPath, ByType: map[string]int64{}, Sensors: []Sensor{}, Markers: []Marker{}, Errors: []BadLine{}}
	rep.Court = courtOf(b, opt.Court)
	if b.Dir != "" {
		rep.Bundle = bundleOf(b)
	}
	r, err := b.OpenMessages(opt.Reader)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rep.Compression = r.Compression().String()

	names := playerNames(b.Subscribe)
	sensors := map[sensorKey]*sensorAcc{}
	unlisted := map[sensorKey]struct{}{} // the ids beyond MaxSensors, up to MaxCountedUnlisted
	var m decode.Message
	for n := 1; r.Next(&m); n++ {
		if n&0xfff == 0 && ctx.Err() != nil {
			// Interrupted (Ctrl-C on a stream piped in, say): what was
			// read is still reported.
			rep.Interrupted = true
			break
		}
		line := r.Line()
		t := m.OccurredAt_ms()
		if !track.PlausibleTime(t) {
			if m.Kind == decode.KindLocation {
				rep.BadTimes++
				continue // as the engine drops it
			}
		} else {
			if rep.First_ms == 0 || t < rep.First_ms {
				rep.First_ms = t
			}
			rep.Last_ms = max(rep.Last_ms, t)
		}
		switch m.Kind {
		case decode.KindUnknown:
			rep.Unknown.Types++
			if txt := string(m.TypeText.AppendUnescaped(nil, line)); len(rep.Unknown.TypeTexts) < maxTypeTexts && !slices.Contains(rep.Unknown.TypeTexts, txt) {
				rep.Unknown.TypeTexts = append(rep.Unknown.TypeTexts, txt)
			}
		case decode.KindLocation:
			l := &m.Location
			if l.Sensor == decode.SensorUnknown {
				rep.Unknown.SensorTypes++
			}
			k := sensorKey{l.Sensor, l.ID}
			switch s := sensors[k]; {
			case s != nil:
				s.add(l.OccurredAt_ms)
			case len(sensors) < MaxSensors:
				sensors[k] = &sensorAcc{samples: 1, first_ms: l.OccurredAt_ms, last_ms: l.OccurredAt_ms}
			default:
				rep.MoreSensorSamples++
				if _, ok := unlisted[k]; !ok {
					if len(unlisted) < MaxCountedUnlisted {
						unlisted[k] = struct{}{}
					} else {
						rep.MoreSensorsCapped = true
					}
				}
			}
		case decode.KindStats:
			rep.Unknown.StatKeys += int64(m.Stats.NumUnknown)
			if m.Stats.Present&decode.HasClassification != 0 && m.Stats.Classification == decode.ClassUnknown {
				rep.Unknown.Classifications++
			}
		case decode.KindMarker:
			if m.Marker.Type == decode.MarkerUnknown {
				rep.Unknown.Markers++
			}
			if len(rep.Markers) < MaxMarkers {
				rep.Markers = append(rep.Markers, Marker{
					T_ms: m.Marker.OccurredAt_ms, Type: string(m.Marker.TypeText.AppendUnescaped(nil, line)),
					LiveID: string(m.Marker.LiveID.AppendUnescaped(nil, line)), Line: r.LineNumber(),
				})
			} else {
				rep.MoreMarkers++
			}
		}
	}
	if err := r.Err(); err != nil {
		rep.Err = err
		rep.ReadError = err.Error()
		rep.Truncated = errors.Is(err, decode.ErrTruncated)
	}
	rep.ZeroTail, rep.ZeroGaps = r.ZeroTail(), r.ZeroGaps()
	st := r.Stats()
	rep.Lines, rep.Blank, rep.Bad, rep.TooLong, rep.Messages = st.Lines, st.Blank, st.Bad, st.TooLong, st.Messages
	for k, n := range st.ByKind {
		if n > 0 {
			rep.ByType[decode.Kind(k).String()] = n
		}
	}
	if rep.Last_ms > rep.First_ms {
		rep.Span_s = float64(rep.Last_ms-rep.First_ms) / 1000
	}
	for _, e := range r.BadLines() {
		msg := *e
		msg.Line = 0 // the line is printed as FILE:LINE
		rep.Errors = append(rep.Errors, BadLine{Line: e.Line, Message: msg.Error()})
	}
	rep.addSensors(sensors, names)
	rep.MoreSensors = len(unlisted)
	return rep, nil
}

// bundleOf is what a Report says of the bundle b.
func bundleOf(b *decode.Bundle) *Bundle {
	out := &Bundle{Dir: b.Dir, Warnings: b.Warnings}
	entries, _ := os.ReadDir(b.Dir)
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out.Files = append(out.Files, e.Name())
		}
	}
	infos := b.Rounds
	if b.Live != nil {
		infos = append([]decode.LiveInfo{*b.Live}, infos...)
	}
	for _, li := range infos {
		for _, t := range li.Teams {
			out.Live = append(out.Live, fmt.Sprintf("%s %s (%s, team %d %s)", t.Live.ID, t.Live.Name, t.Live.Type, t.ID, t.Name))
		}
	}
	return out
}

// playerNames names the players of sub (nil: none) by id: "#jersey name
// (team)".
func playerNames(sub *decode.Subscribe) map[int64]string {
	names := map[int64]string{}
	if sub == nil {
		return names
	}
	for _, t := range sub.Teams {
		for _, p := range t.Players {
			name := p.DisplayName
			if name == "" {
				name = strings.TrimSpace(p.FirstName + " " + p.LastName)
			}
			if p.JerseyNumber != "" {
				name = "#" + string(p.JerseyNumber) + " " + name
			}
			names[p.ID] = name + " (" + t.Name + ")"
		}
	}
	return names
}

// add counts a sample at t_ms after the first. Intervals run from the
// newest time before (s.last_ms), not from the sample before: a sample
// delivered late is backwards and takes no part in them, and the next one
// is measured from the newest. Measured from the late sample, one sample
// 200 ms late in a 40-ms feed read a 240-ms gap, and 5 samples 5 s late
// a 5031-ms one, as a real dropout does.
func (s *sensorAcc) add(t_ms int64) {
	dt := t_ms - s.last_ms
	switch {
	case dt < 0:
		s.backwards++
	case dt == 0:
		s.repeats++
	default:
		if s.intervals == nil {
			s.intervals = make(map[int64]int64, 4)
		}
		s.intervals[dt]++
		s.maxGap_ms = max(s.maxGap_ms, dt)
		s.last_ms = t_ms
	}
	s.samples++
	s.first_ms = min(s.first_ms, t_ms)
}

// addSensors fills rep's Sensors, Players and Balls, in their order:
// players, then balls, then unknown sensor types; by id within each.
func (rep *Report) addSensors(sensors map[sensorKey]*sensorAcc, names map[int64]string) {
	for k, s := range sensors {
		med := s.medianInterval_ms()
		out := Sensor{Type: k.sensor.String(), ID: k.id, Samples: s.samples, First_ms: s.first_ms, Last_ms: s.last_ms,
			MedianInterval_ms: med, MaxGap_ms: s.maxGap_ms, Backwards: s.backwards, Repeats: s.repeats}
		out.Rate_Hz = s.rate_Hz(med)
		if k.sensor == decode.SensorPlayer {
			out.Name = names[k.id]
		}
		rep.Sensors = append(rep.Sensors, out)
		switch k.sensor {
		case decode.SensorPlayer:
			rep.Players++
		case decode.SensorBall:
			rep.Balls++
		}
	}
	rank := map[string]int{decode.SensorPlayer.String(): 0, decode.SensorBall.String(): 1, decode.SensorUnknown.String(): 2}
	sort.Slice(rep.Sensors, func(i, j int) bool {
		a, b := rep.Sensors[i], rep.Sensors[j]
		if a.Type != b.Type {
			return rank[a.Type] < rank[b.Type]
		}
		return a.ID < b.ID
	})
}

// medianInterval_ms is the median of the intervals of the samples that
// went forward in time (each from the newest time before it), or 0
// without intervals.
func (s *sensorAcc) medianInterval_ms() int64 {
	var n int64
	dts := make([]int64, 0, len(s.intervals))
	for dt, c := range s.intervals {
		n += c
		dts = append(dts, dt)
	}
	slices.Sort(dts)
	half, cum := (n+1)/2, int64(0)
	for _, dt := range dts {
		if cum += s.intervals[dt]; cum >= half {
			return dt
		}
	}
	return 0
}

// rate_Hz is the sample rate from the intervals near the median,
//
//	rate_Hz = 1000 / mean{dt : med/2 <= dt <= 3*med/2}
//
// which keeps the median's indifference to gaps and bursts but not its
// whole-ms rounding: a 30 Hz feed stepping 33, 33, 34 ms reads 30.0 Hz, not
// 1000/33 = 30.3 Hz. It is 0 without intervals or when the median is 0.
func (s *sensorAcc) rate_Hz(med int64) float64 {
	var sum, n int64
	for dt, c := range s.intervals {
		if dt >= (med+1)/2 && dt <= 3*med/2 {
			sum += dt * c
			n += c
		}
	}
	if sum == 0 {
		return 0
	}
	return 1000 * float64(n) / float64(sum)
}
