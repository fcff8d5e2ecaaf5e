package live

import (
	"context"
	_ "embed"
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"sync"
	"time"
)

// previewPage is the self-contained preview (no external assets): a
// canvas with the court and a dot per sensor, fed from /overlay.
//
//go:embed static/index.html
var previewPage []byte

// Health is what /healthz reports. The live session updates it; it is
// safe for concurrent use. The zero value works; Stall may be set before
// it is used.
type Health struct {
	// Stall is how long the overlay may go without a frame, while a feed
	// is connected, before /healthz reports "stalled" (HTTP 503): zero
	// means DefaultHealthStall, negative never.
	Stall time.Duration

	mu          sync.Mutex
	liveID      string
	connected   bool
	upSince     time.Time // when connected last became true
	lastMessage time.Time
	reconnects  int64
	messages    int64
	done        bool
	// handover is the live id whose feed is read for liveID while
	// liveID's own is not up yet (see handoff), "" otherwise.
	handover string
}

// DefaultHealthStall is Health.Stall's default, 10 s: frames come at each
// grid tick (40 ms at 25 Hz) while the feed brings locations, paused
// clock and dead balls included; the longest wait expected is a live
// id's first frames, about 1.6 s after its feed is up (the engine learns
// the feed's rate). A review's stalled feed read "ok" for 61 s, until
// the websocket's ping deadline dropped it.
const DefaultHealthStall = 10 * time.Second

// HealthReport is the JSON body of /healthz.
type HealthReport struct {
	// Status is "ok" (connected), "connecting" (or reconnecting),
	// "handover" (the previous live id's feed is read for LiveID, whose
	// own is not up yet: HandoverFrom), "stalled" (connected, or in a
	// handover, but the overlay has broadcast no frame for longer than
	// Health.Stall, counted from the newest frame or from when the feed
	// came up, whichever is later; only once a first frame has been
	// broadcast, so that a feed without locations never reads stalled)
	// or "finished".
	Status       string `json:"status"`
	LiveID       string `json:"live_id"`
	Connected    bool   `json:"connected"` // a feed is acknowledged and read (during a handover, HandoverFrom's)
	HandoverFrom string `json:"handover_from,omitempty"`
	Messages     int64  `json:"messages"`
	Reconnects   int64  `json:"reconnects"`
	// SinceMessage_s is the time since the last message received, -1
	// before the first. Every message counts, also those dropped as
	// duplicates (a server replaying its feed after a restart): it does
	// not say that the overlay is current; SinceFrame_s does.
	SinceMessage_s float64 `json:"since_message_s"`
	// SinceFrame_s is the time (wall clock) since the overlay broadcast
	// its newest frame (Overlay.LastFrame); -1 before the first, and
	// without an overlay. Frames come at each tick of the engine's grid
	// (40 ms at 25 Hz) while the feed brings locations, so more than a
	// second or two while connected is a stalled overlay (the feed
	// stalled, or only duplicates arrive), but for the wait of a live
	// id's first frames (docs/overlay.md); past Health.Stall the status
	// says "stalled".
	SinceFrame_s   float64 `json:"since_frame_s"`
	OverlayClients int     `json:"overlay_clients"`
}

func (h *Health) set(f func(h *Health)) {
	if h == nil {
		return
	}
	h.mu.Lock()
	was := h.connected
	f(h)
	if h.connected && !was {
		h.upSince = time.Now()
	}
	h.mu.Unlock()
}

// Report returns the current state (without an overlay's frames: never
// "stalled"; /healthz reports with them).
func (h *Health) Report() HealthReport { return h.report(time.Time{}, time.Now()) }

// report is Report at now, judging a stall from lastFrame, when the
// overlay broadcast its newest frame (zero: none yet, or no overlay).
func (h *Health) report(lastFrame, now time.Time) HealthReport {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := HealthReport{LiveID: h.liveID, Connected: h.connected, HandoverFrom: h.handover, Messages: h.messages, Reconnects: h.reconnects, SinceMessage_s: -1, SinceFrame_s: -1}
	if !h.lastMessage.IsZero() {
		r.SinceMessage_s = now.Sub(h.lastMessage).Seconds()
	}
	if !lastFrame.IsZero() {
		r.SinceFrame_s = now.Sub(lastFrame).Seconds()
	}
	switch {
	case h.done:
		r.Status = "finished"
	case h.connected && h.stalled(lastFrame, now):
		r.Status = "stalled"
	case h.connected && h.handover != "":
		r.Status = "handover"
	case h.connected:
		r.Status = "ok"
	default:
		r.Status = "connecting"
	}
	return r
}

// stalled says whether a connected feed has given the overlay no frame
// for longer than the stall threshold, counted from the newest frame or
// from when the feed came up, whichever is later. h.mu is held.
func (h *Health) stalled(lastFrame, now time.Time) bool {
	stall := h.Stall
	if stall == 0 {
		stall = DefaultHealthStall
	}
	if stall < 0 || lastFrame.IsZero() {
		return false
	}
	return now.Sub(later(lastFrame, h.upSince)) > stall
}

// later is the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// WatchStall logs the stalls /healthz reports (see HealthReport.Status):
// a warning once the overlay has had no frame for Health.Stall while a
// feed is connected, and a line when frames come again, with how long
// they did not. It checks every second (or a quarter of Health.Stall,
// when less) and returns when ctx ends.
func (h *Health) WatchStall(ctx context.Context, ov *Overlay, log *slog.Logger) {
	if h == nil || ov == nil {
		return
	}
	stall := h.Stall
	if stall == 0 {
		stall = DefaultHealthStall
	}
	if stall < 0 {
		return
	}
	t := time.NewTicker(min(time.Second, stall/4))
	defer t.Stop()
	var since time.Time // the newest frame when the stall was reported; zero while none is
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			last := ov.LastFrame()
			r := h.report(last, now)
			switch {
			case since.IsZero() && r.Status == "stalled":
				since = last
				log.Warn("live: stalled: the overlay has had no frame while the feed is connected (the feed stalled, or brings only duplicates); /healthz says stalled (503)",
					"live_id", PrintableID(r.LiveID), "since_frame_s", math.Round(r.SinceFrame_s*10)/10, "since_message_s", math.Round(r.SinceMessage_s*10)/10, "stall", stall)
			case !since.IsZero() && last.After(since):
				log.Info("live: overlay frames again after a stall", "live_id", PrintableID(r.LiveID), "stalled_s", math.Round(last.Sub(since).Seconds()*10)/10)
				since = time.Time{}
			case !since.IsZero() && r.Status != "stalled":
				since = time.Time{} // reconnecting, finished: the stall is over, or reported otherwise
			}
		}
	}
}

// NewHandler serves the live-mode endpoints:
//
//	GET /          the preview page
//	GET /overlay   the overlay websocket (see Overlay.ServeHTTP)
//	GET /metrics   Prometheus metrics
//	GET /healthz   HealthReport as JSON; 200 while connected or finished, 503 while (re)connecting or stalled
//
// Any of ov, m and h may be nil; its endpoints then answer 404.
func NewHandler(ov *Overlay, m *Metrics, h *Health) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(previewPage)
	})
	if ov != nil {
		mux.Handle("GET /overlay", ov)
	}
	if m != nil {
		mux.Handle("GET /metrics", m.Handler())
	}
	if h != nil {
		mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
			var last time.Time
			if ov != nil {
				last = ov.LastFrame()
			}
			rep := h.report(last, time.Now())
			if ov != nil {
				rep.OverlayClients = ov.Clients()
			}
			w.Header().Set("Content-Type", "application/json")
			if rep.Status == "connecting" || rep.Status == "stalled" {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
			json.NewEncoder(w).Encode(rep)
		})
	}
	return mux
}
