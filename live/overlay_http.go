package live

import (
	_ "embed"
	"encoding/json"
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
// safe for concurrent use.
type Health struct {
	mu          sync.Mutex
	liveID      string
	connected   bool
	lastMessage time.Time
	reconnects  int64
	messages    int64
	done        bool
	// handover is the live id whose feed is read for liveID while
	// liveID's own is not up yet (see handoff), "" otherwise.
	handover string
}

// HealthReport is the JSON body of /healthz.
type HealthReport struct {
	// Status is "ok" (connected), "connecting" (or reconnecting),
	// "handover" (the previous live id's feed is read for LiveID, whose
	// own is not up yet: HandoverFrom) or "finished".
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
	// second or two, with the status ok, is a stalled overlay (the feed
	// stalled, or only duplicates arrive), but for the wait of a live
	// id's first frames (docs/overlay.md).
	SinceFrame_s   float64 `json:"since_frame_s"`
	OverlayClients int     `json:"overlay_clients"`
}

func (h *Health) set(f func(h *Health)) {
	if h == nil {
		return
	}
	h.mu.Lock()
	f(h)
	h.mu.Unlock()
}

// Report returns the current state.
func (h *Health) Report() HealthReport {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := HealthReport{LiveID: h.liveID, Connected: h.connected, HandoverFrom: h.handover, Messages: h.messages, Reconnects: h.reconnects, SinceMessage_s: -1, SinceFrame_s: -1}
	if !h.lastMessage.IsZero() {
		r.SinceMessage_s = time.Since(h.lastMessage).Seconds()
	}
	switch {
	case h.done:
		r.Status = "finished"
	case h.connected && h.handover != "":
		r.Status = "handover"
	case h.connected:
		r.Status = "ok"
	default:
		r.Status = "connecting"
	}
	return r
}

// NewHandler serves the live-mode endpoints:
//
//	GET /          the preview page
//	GET /overlay   the overlay websocket (see Overlay.ServeHTTP)
//	GET /metrics   Prometheus metrics
//	GET /healthz   HealthReport as JSON; 200 while connected or finished, 503 while (re)connecting
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
			rep := h.Report()
			if ov != nil {
				rep.OverlayClients = ov.Clients()
				if t := ov.LastFrame(); !t.IsZero() {
					rep.SinceFrame_s = time.Since(t).Seconds()
				}
			}
			w.Header().Set("Content-Type", "application/json")
			if rep.Status == "connecting" {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
			json.NewEncoder(w).Encode(rep)
		})
	}
	return mux
}
