package live

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the Prometheus metrics of a live session and its overlay
// server, on a registry of their own (so several sessions can run in one
// process, as tests do). Serve them with Handler. All fields are safe for
// concurrent use.
//
//	stmotion_live_messages_total{kind}         websocket messages received, by message kind
//	stmotion_live_decode_errors_total          messages that did not decode (recorded, counted, skipped)
//	stmotion_live_duplicates_total             messages dropped as already seen (after reconnects)
//	stmotion_live_gap_filled_total{kind}       stats/shot messages recovered from REST after a reconnect (or a handover's lost span)
//	stmotion_live_handover_gap_seconds_total   feed time at PLAY_NEXT / DRILL_NEXT handovers that neither feed delivered (SessionResult.HandoverGap)
//	stmotion_live_reconnects_total             websocket reconnects that succeeded (acknowledged)
//	stmotion_live_connect_failures_total       attempts to connect that failed: a reconnect's subscribe or dial, a retried first request of a live id
//	stmotion_live_connected                    1 while a websocket is acknowledged and read (during a handover, the previous live id's), else 0
//	stmotion_live_reconnect_seconds           from losing the websocket to the next ack
//	stmotion_live_lag_seconds                  wall clock minus occurred_at of the newest message, at each scrape
//	                                           (against a replay, stmotion mock: plus the recording's age)
//	stmotion_overlay_clients                   connected /overlay websocket clients
//	stmotion_overlay_frames_total              frames broadcast
//	stmotion_overlay_dropped_frames_total      frames a slow client lost (oldest first)
//	stmotion_overlay_latency_seconds           message entering the engine → frame written to a client
//	stmotion_overlay_frame_age_seconds         at each location received: its sensor time (the newest so far) minus the newest broadcast frame's t_ms
//	stmotion_nats_connected                    1 while the NATS client is connected, else 0 (only with a NATSPublisher: NATSOptions.Metrics)
//	stmotion_nats_published_messages_total     frames and events handed to the NATS client while it was connected
//	stmotion_nats_buffered_messages_total      events kept in the NATS client's reconnect buffer while not connected (sent when it connects)
//	stmotion_nats_dropped_messages_total{kind} not published: frames while not connected (kind="frame"), events the reconnect buffer had no room for (kind="event")
type Metrics struct {
	reg *prometheus.Registry

	MessagesIn    *prometheus.CounterVec
	DecodeErrors  prometheus.Counter
	Duplicates    prometheus.Counter
	GapFilled     *prometheus.CounterVec
	HandoverGap   prometheus.Counter
	Reconnects    prometheus.Counter
	ConnectFails  prometheus.Counter
	Connected     prometheus.Gauge
	ReconnectTime prometheus.Histogram
	// Lag is computed at each scrape from the newest occurred_at
	// received (NoteNewest), so that it grows while nothing arrives (an
	// outage) instead of standing at its last value; 0 before the first
	// message.
	Lag           prometheus.GaugeFunc
	Clients       prometheus.Gauge
	Frames        prometheus.Counter
	DroppedFrames prometheus.Counter
	Latency       prometheus.Histogram
	// FrameAge is observed at each location message received (see
	// OverlaySink.NoteLocation): how far, in sensor time, the newest
	// frame broadcast is behind the newest location, what a viewer sees
	// against what the feed has delivered. Weighted by the locations,
	// it counts the time an overlay spends that far behind: the engine's
	// delay (0.27–0.33 s at 25 Hz) most of the time, and more while the
	// engine waits for a sensor in a dropout or after a (re)join.
	FrameAge      prometheus.Histogram
	NATSPublished prometheus.Counter
	NATSBuffered  prometheus.Counter
	NATSDropped   *prometheus.CounterVec

	// nats is the publisher stmotion_nats_connected reports (the newest
	// attached), registered with the first (natsOnce): without NATS the
	// gauge is absent, not a 0 to alert on.
	nats     atomic.Pointer[NATSPublisher]
	natsOnce sync.Once

	newest_ms atomic.Int64     // newest occurred_at received, epoch ms
	now       func() time.Time // the clock of Lag (tests set it)
}

// NewMetrics registers the metrics on a new registry (with the Go runtime
// and process collectors).
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		MessagesIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stmotion_live_messages_total", Help: "Websocket messages received, by message kind.",
		}, []string{"kind"}),
		DecodeErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stmotion_live_decode_errors_total", Help: "Websocket messages that did not decode (recorded verbatim, counted, skipped).",
		}),
		Duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stmotion_live_duplicates_total", Help: "Messages dropped because they were already received (replays after a reconnect).",
		}),
		GapFilled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stmotion_live_gap_filled_total", Help: "Stats and shot messages recovered from the REST API after a reconnect (or for a span lost at a handover).",
		}, []string{"kind"}),
		HandoverGap: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stmotion_live_handover_gap_seconds_total", Help: "Feed time (occurred_at) at PLAY_NEXT / DRILL_NEXT handovers that neither feed delivered: the previous live id's feed stopped short of the next one's start (it ended, or was not waited for longer). Its stats and shots are gap-filled, its locations lost.",
		}),
		Reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stmotion_live_reconnects_total", Help: "Websocket reconnects that succeeded (acknowledged; each with a new one-time token).",
		}),
		ConnectFails: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stmotion_live_connect_failures_total", Help: "Attempts to connect that failed (a reconnect's subscribe or dial, a retried first request of a live id, as of a next live id the API does not know yet); they go on with backoff.",
		}),
		Connected: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "stmotion_live_connected", Help: "1 while a websocket is acknowledged and read (during a handover, the previous live id's, read for the next), 0 while connecting or reconnecting.",
		}),
		ReconnectTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "stmotion_live_reconnect_seconds",
			Help:    "Time from losing the websocket to the ack of the next connection.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30},
		}),

		Clients: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "stmotion_overlay_clients", Help: "Connected /overlay websocket clients.",
		}),
		Frames: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stmotion_overlay_frames_total", Help: "Overlay frames broadcast.",
		}),
		DroppedFrames: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stmotion_overlay_dropped_frames_total", Help: "Overlay frames lost by slow clients (their oldest queued frames).",
		}),
		Latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "stmotion_overlay_latency_seconds",
			Help:    "From the message that completed a frame entering the engine to the frame written to a client.",
			Buckets: []float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25},
		}),
		FrameAge: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "stmotion_overlay_frame_age_seconds",
			Help:    "At each location received: its sensor time (the newest so far) minus the t_ms of the newest overlay frame broadcast, how far behind the feed the overlay shows the court.",
			Buckets: []float64{0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.75, 1, 1.5, 2, 5},
		}),
		NATSPublished: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stmotion_nats_published_messages_total", Help: "Frames and events handed to the NATS client while it was connected.",
		}),
		NATSBuffered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stmotion_nats_buffered_messages_total", Help: "Events kept in the NATS client's reconnect buffer (8 MiB) while it was not connected, sent when it connects (frames are not kept: they are dropped).",
		}),
		NATSDropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stmotion_nats_dropped_messages_total", Help: "Messages not published: overlay frames while NATS was not connected (kind=frame), events its reconnect buffer had no room for (kind=event).",
		}, []string{"kind"}),
	}
	m.Lag = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "stmotion_live_lag_seconds", Help: "Wall clock minus occurred_at of the newest message received, at the scrape: it grows during an outage (0 before the first message). Against a replay (stmotion mock, live --demo) the occurred_at are the recording's, so it starts at the recording's age: only its rise tells an outage.",
	}, m.lag_s)
	for _, k := range []string{"location", "stats", "shot", "marker", "ack", "pong"} {
		m.MessagesIn.WithLabelValues(k) // present (at 0) before the first message
	}
	for _, k := range []string{"stats", "shot"} {
		m.GapFilled.WithLabelValues(k)
	}
	for _, k := range []string{"frame", "event"} {
		m.NATSDropped.WithLabelValues(k)
	}
	m.reg.MustRegister(m.MessagesIn, m.DecodeErrors, m.Duplicates, m.GapFilled, m.HandoverGap, m.Reconnects, m.ConnectFails, m.Connected, m.ReconnectTime, m.Lag,
		m.Clients, m.Frames, m.DroppedFrames, m.Latency, m.FrameAge, m.NATSPublished, m.NATSBuffered, m.NATSDropped,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// attachNATS makes p the publisher stmotion_nats_connected reports,
// registering the gauge at the first.
func (m *Metrics) attachNATS(p *NATSPublisher) {
	m.nats.Store(p)
	m.natsOnce.Do(func() {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "stmotion_nats_connected", Help: "1 while the NATS client is connected to a server, 0 while it is not (frames are dropped then, events buffered); absent without a NATS publisher.",
		}, func() float64 {
			if p := m.nats.Load(); p != nil && p.Connected() {
				return 1
			}
			return 0
		}))
	})
}

// NoteNewest takes the occurred_at (epoch ms) of a message received: Lag
// is measured from the newest so far. A message older than that (a
// replay, a late marker) changes nothing.
func (m *Metrics) NoteNewest(t_ms int64) {
	for {
		old := m.newest_ms.Load()
		if t_ms <= old || m.newest_ms.CompareAndSwap(old, t_ms) {
			return
		}
	}
}

// lag_s is Lag's value: now minus the newest occurred_at, in seconds.
func (m *Metrics) lag_s() float64 {
	t_ms := m.newest_ms.Load()
	if t_ms == 0 {
		return 0
	}
	now := time.Now
	if m.now != nil {
		now = m.now
	}
	return float64(now().UnixMilli()-t_ms) / 1000
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is the registry the metrics are on, for callers that add their own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }
