package mock

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	json "github.com/goccy/go-json"
	"github.com/gorilla/websocket"
)

// writeWait bounds one websocket write.
const writeWait = 10 * time.Second

var upgrader = websocket.Upgrader{
	ReadBufferSize:  4096,
	WriteBufferSize: 16384,
	// Browsers on any origin may use a local mock.
	CheckOrigin: func(*http.Request) bool { return true },
}

// handleWS takes a websocket connection with a one-time token: a missing
// or unknown token is refused with 401, a token used before with 403
// (request a new one from /_subscribe).
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	if tok == "" {
		writeError(w, http.StatusUnauthorized, "missing token: request one from /v1/data/live/{live_id}/_subscribe and connect with ?token=")
		return
	}
	s.mu.Lock()
	t := s.tokens[tok]
	var status int
	var msg string
	switch {
	case t == nil:
		status, msg = http.StatusUnauthorized, "unknown or expired token: request a new one from /_subscribe"
	case t.used:
		status, msg = http.StatusForbidden, "token already used: tokens are one time use, request a new one from /_subscribe"
	case time.Since(t.issued) > s.opts.TokenTTL:
		delete(s.tokens, tok)
		status, msg = http.StatusUnauthorized, "token expired: request a new one from /_subscribe"
	default:
		t.used = true
	}
	s.mu.Unlock()
	if status != 0 {
		writeError(w, status, msg)
		return
	}
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		c.Close()
		return
	default:
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
		s.wg.Done()
	}()
	sess := &session{s: s, c: c, id: newID()[:8], done: make(chan struct{})}
	for _, dt := range t.types {
		switch dt {
		case DataStats:
			sess.allow[lineStats] = true
		case DataShots:
			sess.allow[lineShot] = true
		case DataLocations:
			sess.allow[lineLocation] = true
		}
	}
	sess.allow[lineOther] = true
	sess.run(t.ref)
}

// feedEnded reports whether the event has ended with EndOpen: a
// connection reached the end of the feed, or (at Speed > 0) the replay
// clock is past it.
func (s *Server) feedEnded() bool {
	if !s.opts.EndOpen {
		return false
	}
	s.mu.Lock()
	ended := s.ended
	s.mu.Unlock()
	if ended {
		return true
	}
	_, off := s.position(time.Now())
	return s.opts.Speed > 0 && off > s.b.span_ms
}

// session is one websocket connection.
type session struct {
	s     *Server
	c     *websocket.Conn
	id    string
	allow [lineControl + 1]bool

	writeMu  sync.Mutex
	active   atomic.Int64 // unix ns of the last message either way
	done     chan struct{}
	doneOnce sync.Once
	sent     int // replayed lines, for CorruptEvery (replay goroutine only)
}

func (ss *session) finish() { ss.doneOnce.Do(func() { close(ss.done) }) }

func (ss *session) touch() { ss.active.Store(time.Now().UnixNano()) }

func (ss *session) write(data []byte) error {
	ss.writeMu.Lock()
	defer ss.writeMu.Unlock()
	ss.c.SetWriteDeadline(time.Now().Add(writeWait))
	err := ss.c.WriteMessage(websocket.TextMessage, data)
	if err == nil {
		ss.touch()
	}
	return err
}

func (ss *session) closeWith(code int, reason string) {
	ss.writeMu.Lock()
	ss.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	ss.writeMu.Unlock()
}

func (ss *session) run(ref roundRef) {
	s := ss.s
	log := s.log.With("session", ss.id)
	ss.touch()
	ack := fmt.Sprintf(`{"data":{"socketSessionId":%q,"serverAttributes":{"maxInputBufferSizeInBytes":%d,"connectionTimeoutInMs":%d}},"action":"subscribe","type":"ack"}`,
		ss.id, s.opts.MaxInputBuffer_B, s.opts.ConnectionTimeout.Milliseconds())
	if err := ss.write([]byte(ack)); err != nil {
		return
	}
	log.Info("mock: websocket open", "remote", ss.c.RemoteAddr().String())
	ss.c.SetReadLimit(int64(s.opts.MaxInputBuffer_B))

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); ss.read() }()
	go func() { defer wg.Done(); ss.watch() }()
	reason := ss.replay(ref)
	switch {
	case reason == endOfFeed && s.opts.EndOpen:
		s.mu.Lock()
		s.ended = true
		s.mu.Unlock()
		log.Info("mock: end of feed; the event has ended, the connection stays open")
		<-ss.done // the client closes, goes idle, or the server closes
	case reason == endOfFeed:
		log.Info("mock: end of feed, closing")
		ss.closeWith(websocket.CloseNormalClosure, "mock: end of feed")
		// Give the client a moment to answer the close.
		select {
		case <-ss.done:
		case <-time.After(time.Second):
		}
	}
	ss.finish()
	ss.c.Close()
	wg.Wait()
}

// read answers pings and notes activity until the connection fails.
func (ss *session) read() {
	defer ss.finish()
	for {
		_, data, err := ss.c.ReadMessage()
		if err != nil {
			return
		}
		ss.touch()
		if isPing(data) {
			if err := ss.write([]byte(`{"type":"pong"}`)); err != nil {
				return
			}
		}
	}
}

// isPing reports whether a client's message is the ping the API
// documents: a JSON object whose "action" is "ping".
func isPing(data []byte) bool {
	var msg struct {
		Action string `json:"action"`
	}
	return json.Unmarshal(data, &msg) == nil && msg.Action == "ping"
}

// watch closes the connection when it has been idle for the connection
// timeout, and drops it every DropEvery.
func (ss *session) watch() {
	s := ss.s
	timeout := s.opts.ConnectionTimeout
	tick := min(timeout/4, time.Second)
	tick = max(tick, 5*time.Millisecond)
	t := time.NewTicker(tick)
	defer t.Stop()
	var drop <-chan time.Time
	if s.opts.DropEvery > 0 {
		dt := time.NewTimer(s.opts.DropEvery)
		defer dt.Stop()
		drop = dt.C
	}
	for {
		select {
		case <-ss.done:
			return
		case <-s.closed:
			ss.closeWith(websocket.CloseGoingAway, "mock: server closing")
			ss.finish()
			ss.c.Close()
			return
		case <-drop:
			s.log.Info("mock: dropping connection (fault injection)", "session", ss.id)
			ss.finish()
			ss.c.Close() // no close frame: an abrupt drop
			return
		case now := <-t.C:
			if now.Sub(time.Unix(0, ss.active.Load())) > timeout {
				s.log.Info("mock: closing idle connection", "session", ss.id, "timeout", timeout)
				ss.closeWith(websocket.CloseGoingAway, "idle timeout")
				ss.finish()
				ss.c.Close()
				return
			}
		}
	}
}

type endReason uint8

const (
	stopped   endReason = iota // the connection or the server ended
	endOfFeed                  // the feed ended and Loop is off
)

var errStopped = errors.New("mock: stopped")

// replay sends the feed from round ref on, filtered by the token's data
// types, at the configured speed. A connection starts at its round's
// first line, or where the replay clock stands when that is later: then
// the markers since its round's start go first (since the start of the
// round the clock is in when its pass is over), so that the client knows
// the period and clock state, and a following client the PLAY_NEXT that
// ended its round. It is not closed at the round's end:
// the later rounds follow (a client that does not follow PLAY_NEXT keeps
// the whole feed). At speed 0 it starts at its round's first line, in
// its live id's pass.
func (ss *session) replay(ref roundRef) endReason {
	s := ss.s
	b := s.b
	loop := ref.pass
	i := b.rounds[ref.round].first
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	wait := func(d time.Duration) error {
		if d <= 0 {
			select {
			case <-ss.done:
				return errStopped
			default:
				return nil
			}
		}
		timer.Reset(d)
		select {
		case <-ss.done:
			return errStopped
		case <-timer.C:
			return nil
		}
	}
	pass := func() int64 {
		if s.newPasses() {
			return loop
		}
		return 0
	}
	var buf []byte
	lineData := func(j int) []byte { // the bundle's bytes in the first pass: no copy
		if p := pass(); p != 0 {
			buf = s.appendLine(buf[:0], j, p)
			return buf
		}
		return b.line(j)
	}
	send := func(data []byte) error {
		if err := wait(s.opts.Delay); err != nil {
			return err
		}
		ss.sent++
		if s.opts.CorruptEvery > 0 && ss.sent%s.opts.CorruptEvery == 0 {
			data = data[:len(data)/2]
		}
		return ss.write(data)
	}
	// A connection to the round a marker ending the feed names starts at
	// the end: it has nothing to be sent but where the feed goes on (the
	// next pass's marker, the next loop), which the guard against a feed
	// filtered out whole must not hold back.
	sentThisPass := i >= len(b.lines)
	if s.opts.Speed > 0 {
		cl, off := s.position(time.Now())
		if ci := b.firstAt(off); cl > loop || (cl == loop && ci > i) {
			// The markers since its round's start, the PLAY_NEXT ending
			// it when the clock has passed it; in a later pass, those of
			// the round the clock is in.
			from := i
			if cl > loop {
				from = b.rounds[b.roundOf(min(ci, len(b.lines)-1))].first
			}
			loop, i = cl, ci
			for j := from; j < i; j++ {
				if ln := &b.lines[j]; ln.marker && ss.allow[ln.kind] {
					if err := send(lineData(j)); err != nil {
						return stopped
					}
					sentThisPass = true
				}
			}
		}
	}
	for {
		if i >= len(b.lines) {
			if !s.opts.Loop {
				return endOfFeed
			}
			if sentThisPass && s.newPasses() {
				// The next pass is a new round: say where it goes on (at
				// Speed 0 at once: there is no clock to wait for).
				if s.opts.Speed > 0 {
					if err := wait(time.Until(s.due(loop, b.span_ms))); err != nil {
						return stopped
					}
				}
				buf = s.appendPassEnd(buf[:0], loop)
				if err := send(buf); err != nil {
					return stopped
				}
			}
			if !sentThisPass {
				// The token's data types filter out the whole feed: nothing
				// will ever be sent, so wait (idle) instead of spinning.
				if s.opts.Speed == 0 {
					<-ss.done
					return stopped
				}
				if err := wait(time.Until(s.due(loop+1, 0))); err != nil {
					return stopped
				}
			}
			loop, i, sentThisPass = loop+1, 0, false
		}
		ln := &b.lines[i]
		if !ss.allow[ln.kind] {
			i++
			continue
		}
		sentThisPass = true
		if s.opts.Speed > 0 {
			if err := wait(time.Until(s.due(loop, ln.rel_ms))); err != nil {
				return stopped
			}
		}
		if err := send(lineData(i)); err != nil {
			return stopped
		}
		i++
	}
}
