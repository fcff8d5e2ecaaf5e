package mock

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	json "github.com/goccy/go-json"
	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/decode"
)

// The seed's credentials for the "Security Required" mock service.
const (
	DefaultUsername = "2e4118d42e5011e6b4a4deecc6e6f587"
	DefaultSecret   = "2d64b892e8d434100001"
)

// Data types a token can grant, as the API spells them.
const (
	DataStats     = "STATS"
	DataShots     = "SHOTS"
	DataLocations = "LOCATIONS"
)

var allDataTypes = []string{DataStats, DataShots, DataLocations}

// Options configures a Server. The zero value serves on a free loopback
// port with HMAC security (the seed's mock credentials) and replays the
// feed once as fast as the client reads it.
type Options struct {
	// Listen is the REST (and, without WSListen, websocket) address.
	// Empty means "127.0.0.1:0" (a free port).
	Listen string
	// WSListen, when set, serves the websocket on its own address, like
	// the real mock's separate live host.
	WSListen string

	// NoAuth turns HMAC verification off ("No Security Required").
	NoAuth bool
	// Username and Secret are the accepted credentials; empty means the
	// seed's mock pair (DefaultUsername, DefaultSecret).
	Username, Secret string
	// MaxSkew is how far the date header may be from the mock's clock,
	// either way. Zero means 5 minutes.
	MaxSkew time.Duration
	// UserToken is the bearer token /v1/data/user/profile accepts. Empty
	// accepts any non-empty token.
	UserToken string
	// Now is the mock's clock for the skew check. Nil means time.Now.
	Now func() time.Time

	// Speed is the replay rate: 1 is real time (by occurred_at), 2 twice
	// as fast. 0 replays as fast as the client reads, every connection
	// from the first line of its live id's round (the start of the feed
	// for the bundle's live id), and the REST state is the end state.
	Speed float64
	// Loop replays the feed continuously, like ShotTracker's mock service;
	// otherwise a connection that reaches the end is closed normally. Each
	// loop is a new pass in time under new live ids, at every Speed (see
	// the package doc).
	Loop bool
	// LoopGap is the pause between the end of the feed and its restart.
	// Zero means 1 s.
	LoopGap time.Duration
	// EndOpen (without Loop) keeps a connection that reaches the end of
	// the feed open, answering pings, instead of closing it normally: a
	// real server may leave the socket open after PLAY_END. The event has
	// ended, though: from then on (at Speed > 0, once the replay clock is
	// past the feed's end) its live ids answer 400 "The live id is no
	// longer active", as the API's do.
	EndOpen bool
	// OnRound, if set, is called as the replay clock (Speed > 0) reaches
	// the start of each round: the bundle's first, each one a PLAY_NEXT /
	// DRILL_NEXT marker starts and, with Loop, those of every later pass
	// under their new live ids. It is called from one goroutine of the
	// Server, in order, and must return quickly.
	OnRound func(Round)
	// AutoNotify makes the mock call the registered live notifies as the
	// real (non-mock) service does: START with a round's live id when the
	// replay clock reaches it, END to the notifies with end notifications
	// enabled when it ends. It needs Speed > 0. The simulation endpoints
	// (PUT /mock/{key}/do/live/notify/start|end) work either way.
	AutoNotify bool

	// DataTypes are the data types the credentials are granted; nil
	// means all three. A request for another gets 403.
	DataTypes []string
	// InactiveIDs are live ids answered with 400 "The live id is no
	// longer active" (besides the bundle's completed results), matched in
	// any case.
	InactiveIDs []string
	// NotifyKey is the {key} of the notify simulation endpoints (which
	// PUT to any URL they are given), the key ShotTracker hands out for
	// its mock. Empty: with authentication on, they need an HMAC
	// signature, as the /v1 requests (then any {key}); with NoAuth they
	// accept any key. A signed request passes with any key either way.
	NotifyKey string
	// Court and Roster are served for a bundle without its own court.json
	// or subscribe.json (a bare recording): a /court body (see
	// decode.ReadCourt) and a roster (decode.ReadRoster), which also names
	// the teams of made-up live information. Nil serves none; what the
	// bundle has of its own is served instead (decode.Bundle.Supply).
	Court  []byte
	Roster *decode.Subscribe

	// FacilityLatitude_deg, FacilityLongitude_deg place the bundle's court
	// for the nearest-locations endpoint. Both zero means Kansas City.
	FacilityLatitude_deg, FacilityLongitude_deg float64
	// User is the /v1/data/user/profile body; nil means a "Mock User".
	User *decode.UserProfile

	// MaxInputBuffer_B is the ack's maxInputBufferSizeInBytes and the
	// largest client message read. Zero means 8192.
	MaxInputBuffer_B int
	// ConnectionTimeout is the ack's connectionTimeoutInMs: a connection
	// with no message either way for this long is closed. Zero means 120 s.
	ConnectionTimeout time.Duration
	// TokenTTL is how long an unused subscription token stays valid. Zero
	// means 5 minutes.
	TokenTTL time.Duration

	// Fault injection, for hardening clients.

	// DropEvery drops each websocket connection (no close frame) this long
	// after it opened. Zero never drops.
	DropEvery time.Duration
	// Delay is added before every websocket message sent.
	Delay time.Duration
	// CorruptEvery replaces every Nth replayed line of a connection with
	// its first half (truncated JSON). Zero never corrupts.
	CorruptEvery int

	// Logger receives request and connection logs. Nil discards.
	Logger *slog.Logger
}

// Server is a local ShotTracker API serving one bundle. Create it with New,
// run it with Start, stop it with Close.
type Server struct {
	opts Options
	b    *bundle
	log  *slog.Logger
	now  func() time.Time

	mu        sync.Mutex
	tokens    map[string]*token
	notifies  []*decode.Notify
	videos    []Video
	failNext  int
	ended     bool      // EndOpen: a connection reached the end of the feed
	start     time.Time // replay clock origin, set by Start
	idBase    [16]byte  // the live ids of later passes (roundID): random, with p and k in the last 6 bytes
	conns     map[*websocket.Conn]struct{}
	listeners []net.Listener
	servers   []*http.Server
	restURL   string
	wsURL     string

	wg        sync.WaitGroup
	closed    chan struct{}
	closeOnce sync.Once
}

// Video is one PUT /v1/data/live/{id}/video the mock received.
type Video struct {
	LiveID       string
	ID           string
	StartedAt_ms int64 // 0 when the request left it out
}

// token is a one-time subscription token.
type token struct {
	types  []string
	issued time.Time
	used   bool
	ref    roundRef // the round (live id) it was issued for
}

// New loads the bundle in dir and checks opts. The Server does not listen
// until Start.
func New(dir string, opts Options) (*Server, error) {
	if opts.Speed < 0 {
		return nil, fmt.Errorf("mock: speed %g is negative", opts.Speed)
	}
	if opts.EndOpen && opts.Loop {
		return nil, errors.New("mock: EndOpen and Loop exclude each other: a looping feed has no end")
	}
	if opts.CorruptEvery < 0 || opts.DropEvery < 0 || opts.Delay < 0 {
		return nil, errors.New("mock: fault injection settings must not be negative")
	}
	for _, t := range opts.DataTypes {
		if !slices.Contains(allDataTypes, t) {
			return nil, fmt.Errorf("mock: data type %q: want STATS, SHOTS or LOCATIONS", t)
		}
	}
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	if opts.Username == "" {
		opts.Username = DefaultUsername
	}
	if opts.Secret == "" {
		opts.Secret = DefaultSecret
	}
	if opts.MaxSkew <= 0 {
		opts.MaxSkew = 5 * time.Minute
	}
	if opts.LoopGap <= 0 {
		opts.LoopGap = time.Second
	}
	if opts.DataTypes == nil {
		opts.DataTypes = allDataTypes
	}
	if opts.FacilityLatitude_deg == 0 && opts.FacilityLongitude_deg == 0 {
		opts.FacilityLatitude_deg, opts.FacilityLongitude_deg = 39.0997, -94.5786
	}
	if opts.User == nil {
		opts.User = &decode.UserProfile{ID: 1, FirstName: "Mock", LastName: "User", Email: "mock.user@example.com"}
	}
	if opts.MaxInputBuffer_B <= 0 {
		opts.MaxInputBuffer_B = 8192
	}
	if opts.ConnectionTimeout <= 0 {
		opts.ConnectionTimeout = 120 * time.Second
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 5 * time.Minute
	}
	b, err := loadBundle(dir, opts.Court, opts.Roster)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, b: b, log: opts.Logger, now: opts.Now,
		tokens: map[string]*token{}, conns: map[*websocket.Conn]struct{}{}, closed: make(chan struct{}),
	}
	rand.Read(s.idBase[:])
	s.idBase[6] = s.idBase[6]&0x0f | 0x40 // version 4
	s.idBase[8] = s.idBase[8]&0x3f | 0x80 // RFC 4122 variant
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if b.readNote != "" {
		s.log.Warn("mock: " + b.readNote)
	}
	if b.madeUp {
		s.log.Warn("mock: no live.json: serving made-up live information (a live id from the path, the roster's teams, the feed's start)", "live_id", b.liveID)
	}
	return s, nil
}

// Start listens and serves in the background until Close or until ctx is
// done. It returns once the listeners are open, so URL and WSURL are valid.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	if s.servers != nil {
		s.mu.Unlock()
		return errors.New("mock: already started")
	}
	s.mu.Unlock()
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.opts.Listen)
	if err != nil {
		return fmt.Errorf("mock: listen: %w", err)
	}
	listeners := []net.Listener{ln}
	handlers := []http.Handler{s.recoverer(s.restMux())}
	s.restURL = "http://" + ln.Addr().String()
	s.wsURL = "ws://" + ln.Addr().String() + "/"
	if s.opts.WSListen != "" {
		wln, err := lc.Listen(ctx, "tcp", s.opts.WSListen)
		if err != nil {
			ln.Close()
			return fmt.Errorf("mock: listen websocket: %w", err)
		}
		ws := http.NewServeMux()
		ws.HandleFunc("/", s.handleWS)
		listeners = append(listeners, wln)
		handlers = append(handlers, s.recoverer(ws))
		s.wsURL = "ws://" + wln.Addr().String() + "/"
	}
	s.mu.Lock()
	s.start = time.Now()
	s.listeners = listeners
	for i, l := range listeners {
		hs := &http.Server{Handler: handlers[i], ReadHeaderTimeout: 10 * time.Second}
		s.servers = append(s.servers, hs)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := hs.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("mock: serve", "addr", l.Addr().String(), "err", err)
			}
		}()
	}
	if s.opts.Speed > 0 && (s.opts.OnRound != nil || s.opts.AutoNotify) {
		s.wg.Add(1)
		go s.announceRounds()
	}
	s.mu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.closed:
		}
	}()
	s.log.Info("mock: serving", "url", s.restURL, "ws", s.wsURL, "live_id", s.b.liveID, "auth", !s.opts.NoAuth)
	return nil
}

// restMux routes the REST address's requests (and the websocket's,
// without Options.WSListen).
func (s *Server) restMux() *http.ServeMux {
	rest := http.NewServeMux()
	rest.HandleFunc("/v1/", s.handleAPI)
	rest.HandleFunc("/mock/", s.handleSimulate)
	rest.HandleFunc("/ws", s.handleWS)
	rest.HandleFunc("/", s.handleRoot)
	return rest
}

// Close stops serving, closes every websocket connection and waits for
// the server's goroutines to end. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.mu.Lock()
		servers := s.servers
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		for _, hs := range servers {
			hs.Close()
		}
	})
	s.wg.Wait()
	return nil
}

// URL is the REST base URL, e.g. "http://127.0.0.1:8080". Empty before Start.
func (s *Server) URL() string { return s.restURL }

// WSURL is the websocket URL to which "?token=..." is appended, e.g.
// "ws://127.0.0.1:8080/". Empty before Start.
func (s *Server) WSURL() string { return s.wsURL }

// LiveID is the live id the bundle is served under (its first round,
// in the first pass).
func (s *Server) LiveID() string { return s.b.liveID }

// RoundIDs are the live ids of the feed's rounds in the first pass: the
// bundle's, then each one a PLAY_NEXT / DRILL_NEXT marker names and
// starts (see package doc).
func (s *Server) RoundIDs() []string {
	ids := make([]string, len(s.b.rounds))
	for i, r := range s.b.rounds {
		ids[i] = r.id
	}
	return ids
}

// Messages returns how many feed lines the mock replays per loop.
func (s *Server) Messages() int { return len(s.b.lines) }

// FailNext makes the next n /v1 requests answer 500, to test retries.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// Videos returns the video recordings indexed so far.
func (s *Server) Videos() []Video {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.videos)
}

// position is the replay clock: the loop number and the offset into the
// feed (ms of feed time) at wall time now.
func (s *Server) position(now time.Time) (loop int64, off_ms int64) {
	if s.opts.Speed == 0 {
		return 0, s.b.span_ms
	}
	s.mu.Lock()
	start := s.start
	s.mu.Unlock()
	off_ms = int64(float64(now.Sub(start).Milliseconds()) * s.opts.Speed)
	if !s.opts.Loop {
		return 0, off_ms
	}
	period := s.period_ms()
	return off_ms / period, off_ms % period
}

// period_ms is one loop of the feed in feed time.
func (s *Server) period_ms() int64 { return s.b.span_ms + s.opts.LoopGap.Milliseconds() + 1 }

// due is the wall time at which feed time off_ms of loop k is replayed.
func (s *Server) due(loop, off_ms int64) time.Time {
	s.mu.Lock()
	start := s.start
	s.mu.Unlock()
	t_ms := float64(loop*s.period_ms()+off_ms) / s.opts.Speed
	return start.Add(time.Duration(t_ms * float64(time.Millisecond)))
}

// newID returns a random UUID (version 4) string.
func newID() string {
	var u [16]byte
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return formatUUID(u)
}

// formatUUID writes u in the 8-4-4-4-12 hex form.
func formatUUID(u [16]byte) string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// parseUUID reads a UUID in the 8-4-4-4-12 hex form (either case).
func parseUUID(s string) (u [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	h := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return u, false
	}
	return u, true
}

// writeJSON writes v as the 200 (or status) JSON body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "mock: encoding the response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(data)
}

// writeError writes the API's error body with a fresh request id.
func writeError(w http.ResponseWriter, status int, msg string) {
	data, _ := json.Marshal(decode.ErrorBody{Status: status, Message: msg, ShottrackerRequestID: newID()})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(data)
}

// recoverer answers a panic in a handler with the API's 500 body.
func (s *Server) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("mock: handler panic", "path", r.URL.Path, "panic", v)
				writeError(w, http.StatusInternalServerError, fmt.Sprintf("mock: internal error: %v", v))
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// handleRoot takes the websocket at "/?token=" (the seed's URL shape) and
// answers 404 for anything else.
func (s *Server) handleRoot(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/" && websocket.IsWebSocketUpgrade(r) {
		s.handleWS(w, r)
		return
	}
	writeError(w, http.StatusNotFound, "Invalid id: no such resource "+r.URL.Path)
}

// splitPath returns the unescaped segments of the request path.
func splitPath(r *http.Request) []string {
	p := strings.Trim(r.URL.EscapedPath(), "/")
	if p == "" {
		return nil
	}
	segs := strings.Split(p, "/")
	for i, sg := range segs {
		if u, err := pathUnescape(sg); err == nil {
			segs[i] = u
		}
	}
	return segs
}
