package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/decode"
)

// Sentinel errors of the websocket feed.
var (
	// ErrTokenRefused: the server refused the subscription token (401
	// unknown or expired, 403 already used). Tokens are one-time: get a
	// new one from Subscribe.
	ErrTokenRefused = errors.New("live: feed token refused")
	// ErrNoAck: the first message of the feed was not the subscription ack.
	ErrNoAck = errors.New("live: feed did not acknowledge the subscription")
	// ErrFeedClosed: the feed was closed normally. By the server (close
	// code 1000), e.g. at the end of the event, but a proxy may too: Join
	// asks the live information before it takes it for the end. Or by
	// the caller: Next after Feed.Close, or a Next that Close (from
	// another goroutine) interrupted. The *FeedError's text says which
	// ("by the server", "by Feed.Close").
	ErrFeedClosed = errors.New("live: feed closed")
	// ErrMessageTooLarge: a message longer than the feed's read limit.
	ErrMessageTooLarge = errors.New("live: feed message too large")
)

// FeedError is a failure of the websocket feed with the phase it happened
// in ("dial", "ack", "read", "ping") and, for a refused dial, the HTTP
// status and the body's message and request id (read as the REST client
// reads them).
type FeedError struct {
	Op        string
	Status    int
	Message   string
	RequestID string // the body's "shottrackerRequestId", if any
	Err       error
}

func (e *FeedError) Error() string {
	var b strings.Builder
	b.WriteString("live: feed ")
	b.WriteString(e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": %d %s", e.Status, http.StatusText(e.Status))
	}
	writeServerDetail(&b, e.Message, e.RequestID)
	if e.Err != nil {
		b.WriteString(": ")
		// "live: feed read: feed closed by ...", not "live: ..." twice
		// (the package's sentinels say "live:" of their own).
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "live: "))
	}
	return b.String()
}

func (e *FeedError) Unwrap() error { return e.Err }

// Permanent reports whether the server answered the dial with an HTTP
// status that another attempt, even with a new token, cannot change:
// every status but 401 and 403 (the token: a new one may pass), 408 and
// 429 (come back later) and 5xx (the server's trouble). A 404, a 400, a
// redirect or a 200 without the upgrade mean the address is not a feed
// (or not this client's), and network errors, which have no status, are
// worth retrying.
func (e *FeedError) Permanent() bool {
	if e.Op != "dial" || e.Status == 0 {
		return false
	}
	switch {
	case e.Status == http.StatusUnauthorized, e.Status == http.StatusForbidden,
		e.Status == http.StatusRequestTimeout, e.Status == http.StatusTooManyRequests,
		e.Status >= 500:
		return false
	}
	return true
}

// FeedOptions configures DialFeed. The zero value works.
type FeedOptions struct {
	// AckTimeout bounds the dial and the wait for the ack. Zero means 10 s.
	AckTimeout time.Duration
	// PingInterval overrides the keepalive period. Zero means a third of
	// the ack's connectionTimeoutInMs (capped at 30 s), or 30 s when the
	// ack does not say.
	PingInterval time.Duration
	// ReadLimit_B overrides the largest message accepted (the caller's
	// choice: not capped). Zero means DefaultReadLimit(ack's
	// maxInputBufferSizeInBytes), which a server cannot raise past
	// MaxReadLimit_B.
	ReadLimit_B int64
	// Dialer dials the websocket; nil means a dialer with 4 KiB buffers.
	Dialer *websocket.Dialer
}

// MaxReadLimit_B is the largest feed message accepted whatever the server
// announces: decode.DefaultMaxLineBytes (1 MiB), the longest line `stmotion
// analyze` reads from the recording by default, as every message is
// recorded as one line of messages.jsonl. The feed's messages are about
// 100-300 bytes; the largest the API describes (a stats message naming
// every box-score stat of a player, a marker, the ack) stay under 1 KiB,
// so this leaves three orders of magnitude of margin, and a frame from a
// broken or hostile server costs at most about this much memory (the
// read buffer grows by doubling: up to twice it) before it is refused.
const MaxReadLimit_B int64 = decode.DefaultMaxLineBytes

// DefaultReadLimit is the read limit a feed sets from the ack's
// maxInputBufferSizeInBytes: four times the announced size, at least
// 64 KiB and at most MaxReadLimit_B. The announced value is the server's
// input buffer (what a client may send: our pings are 17 bytes and never
// exceed it), not a bound on what the server sends, so it may lower the
// limit (down to 64 KiB) but never raise it past MaxReadLimit_B: a server
// announcing a terabyte would otherwise have the client hold a frame of
// any size in memory. A margin keeps a slightly larger legitimate message
// from killing the connection, while a runaway frame is refused
// (ErrMessageTooLarge, and a reconnect) before it can exhaust memory.
func DefaultReadLimit(announced_B int64) int64 {
	switch {
	case announced_B >= MaxReadLimit_B/4: // also keeps 4*announced_B from overflowing
		return MaxReadLimit_B
	case announced_B < 16<<10: // and a negative one from wrapping around
		return 64 << 10
	}
	return 4 * announced_B
}

// pingMessage is the keepalive the API documents.
var pingMessage = []byte(`{"action":"ping"}`)

// Feed is one websocket connection to the live feed, after the ack. Read
// it from one goroutine with Next; a background goroutine sends pings.
// Close it when done; a Feed is not reused after an error.
type Feed struct {
	c       *websocket.Conn
	ack     decode.Ack
	ackRaw  []byte
	session string // socketSessionId
	limit   int64
	ping    time.Duration
	idle    time.Duration // read deadline after each message

	wmu       sync.Mutex // one writer at a time: pings and the close frame
	done      chan struct{}
	closeOnce sync.Once
	pingErr   error
	wg        sync.WaitGroup
}

// FeedAddressError is a websocket base address that is not one: it does
// not parse, its scheme is not ws or wss (http and https are taken for
// them), or it names no host. No retry changes it: Join fails at once.
type FeedAddressError struct {
	Address string
	Err     error // what is wrong: the parse error, or the rule broken
}

func (e *FeedAddressError) Error() string {
	return fmt.Sprintf("live: websocket address %q: %v", e.Address, e.Err)
}

func (e *FeedAddressError) Unwrap() error { return e.Err }

// CheckFeedAddress checks a websocket base address as FeedURL and
// DialFeed take it (SessionConfig.WSURL, stmotion live --ws): a
// *FeedAddressError when it is not one.
func CheckFeedAddress(base string) error {
	_, err := parseFeedAddress(base)
	return err
}

// parseFeedAddress parses the websocket base address base, its scheme
// ws or wss.
func parseFeedAddress(base string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the address is the FeedAddressError's
		}
		return nil, &FeedAddressError{Address: base, Err: fmt.Errorf("%w: want ws://host/ or wss://host/", err)}
	}
	switch u.Scheme {
	case "ws", "wss":
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	default:
		return nil, &FeedAddressError{Address: base, Err: errors.New("want ws://host/ or wss://host/")}
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, &FeedAddressError{Address: base, Err: errors.New("no host: want ws://host/ or wss://host/")}
	}
	return u, nil
}

// FeedURL appends the token to the websocket base address ("ws://host/"
// → "ws://host/?token=T"), keeping any path and query; a
// *FeedAddressError when base is not one.
func FeedURL(base, token string) (string, error) {
	u, err := parseFeedAddress(base)
	if err != nil {
		return "", err
	}
	if u.Path == "" {
		u.Path = "/"
	}
	q := u.Query()
	q.Set("token", token)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// DialFeed connects to base with a one-time token and reads the ack. A
// refused token is a *FeedError wrapping ErrTokenRefused. The ack's
// raw bytes are kept (AckRaw) so the caller can record them.
func DialFeed(ctx context.Context, base, token string, opt FeedOptions) (*Feed, error) {
	addr, err := FeedURL(base, token)
	if err != nil {
		return nil, err
	}
	if opt.AckTimeout <= 0 {
		opt.AckTimeout = 10 * time.Second
	}
	d := opt.Dialer
	if d == nil {
		d = &websocket.Dialer{HandshakeTimeout: opt.AckTimeout, ReadBufferSize: 4096, WriteBufferSize: 1024, Proxy: http.ProxyFromEnvironment}
	}
	dctx, cancel := context.WithTimeout(ctx, opt.AckTimeout)
	defer cancel()
	c, resp, err := d.DialContext(dctx, addr, nil)
	if err != nil {
		fe := &FeedError{Op: "dial", Err: err}
		if resp != nil {
			fe.Status = resp.StatusCode
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			fe.Message, fe.RequestID = errorBodyMessage(body)
			if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
				fe.Err = ErrTokenRefused
			}
		}
		return nil, fe
	}
	c.SetReadLimit(64 << 10)
	c.SetReadDeadline(time.Now().Add(opt.AckTimeout))
	_, data, err := c.ReadMessage()
	if err != nil {
		c.Close()
		return nil, &FeedError{Op: "ack", Err: err}
	}
	a, err := readAck(data, opt)
	if err != nil {
		c.Close()
		return nil, err
	}
	f := &Feed{c: c, done: make(chan struct{}), ack: a.ack, ackRaw: data, session: a.session, limit: a.limit, ping: a.ping, idle: a.idle}
	c.SetReadLimit(f.limit)
	c.SetReadDeadline(time.Now().Add(f.idle))
	f.wg.Add(1)
	go f.pinger()
	return f, nil
}

// ackSettings are what a feed takes from its ack and FeedOptions.
type ackSettings struct {
	ack     decode.Ack // its spans point into the ack's bytes
	session string     // socketSessionId
	limit   int64      // read limit
	ping    time.Duration
	idle    time.Duration // read deadline after each message
}

// readAck reads data, the feed's first message, as the subscription
// ack: a *FeedError (Op "ack") when it is not one (ErrNoAck), or when it
// announces an input buffer smaller than a ping.
func readAck(data []byte, opt FeedOptions) (ackSettings, error) {
	var m decode.Message
	var dec decode.Decoder
	if err := dec.Decode(data, &m); err != nil || m.Kind != decode.KindAck {
		return ackSettings{}, &FeedError{Op: "ack", Message: snippet(data), Err: ErrNoAck}
	}
	a := ackSettings{ack: m.Ack, session: string(m.Ack.SocketSessionID.AppendUnescaped(nil, data)), limit: opt.ReadLimit_B, ping: opt.PingInterval}
	if a.limit <= 0 {
		a.limit = DefaultReadLimit(m.Ack.MaxInputBufferSizeInBytes)
	}
	if a.ping <= 0 {
		a.ping = 30 * time.Second
		// A third of the timeout, from 90 s on the 30 s: in ns, a
		// timeout past about 292 years would wrap around, and could
		// come out as a few ns (a ping sent at every tick).
		if ms := m.Ack.ConnectionTimeout_ms; ms > 0 && ms < 90_000 {
			a.ping = time.Duration(ms) * time.Millisecond / 3
		}
	}
	// The server answers every ping with a pong, so a connection silent
	// for two ping periods (and never less than the server's own timeout
	// when that is shorter) is dead even if TCP has not noticed.
	a.idle = 2*a.ping + time.Second
	if int64(len(pingMessage)) > m.Ack.MaxInputBufferSizeInBytes && m.Ack.MaxInputBufferSizeInBytes > 0 {
		return ackSettings{}, &FeedError{Op: "ack", Err: fmt.Errorf("server input buffer %d B is smaller than a ping", m.Ack.MaxInputBufferSizeInBytes)}
	}
	return a, nil
}

// Ack is the decoded ack (its spans point into AckRaw).
func (f *Feed) Ack() decode.Ack { return f.ack }

// AckRaw is the ack as received.
func (f *Feed) AckRaw() []byte { return f.ackRaw }

// SessionID is the ack's socketSessionId.
func (f *Feed) SessionID() string { return f.session }

// PingInterval is the keepalive period in use.
func (f *Feed) PingInterval() time.Duration { return f.ping }

// ReadLimit_B is the largest message the feed accepts.
func (f *Feed) ReadLimit_B() int64 { return f.limit }

func (f *Feed) pinger() {
	defer f.wg.Done()
	t := time.NewTicker(f.ping)
	defer t.Stop()
	for {
		select {
		case <-f.done:
			return
		case <-t.C:
			f.wmu.Lock()
			f.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
			err := f.c.WriteMessage(websocket.TextMessage, pingMessage)
			if err != nil {
				f.pingErr = err
			}
			f.wmu.Unlock()
			if err != nil {
				f.c.Close() // unblocks Next
				return
			}
		}
	}
}

// Next reads the next message into buf (grown as needed) and returns it;
// the result is valid until the next call with the same buf. A normal
// close by the server is a *FeedError wrapping ErrFeedClosed; anything
// else that ends the connection is a *FeedError to reconnect after. The
// connection is dead when it stays silent for two ping periods while Next
// waits: time the caller spends between two calls (fetching the REST
// state at a join) does not count. After Close, Next returns a *FeedError
// wrapping ErrFeedClosed, and no message the connection had buffered.
func (f *Feed) Next(buf []byte) ([]byte, error) {
	for {
		if f.closedByCaller() {
			return buf[:0], errClosedByCaller()
		}
		f.c.SetReadDeadline(time.Now().Add(f.idle))
		mt, r, err := f.c.NextReader()
		if err != nil {
			return buf[:0], f.readError(err)
		}
		buf = buf[:0]
		for {
			if len(buf) == cap(buf) {
				buf = append(buf, 0)[:len(buf)]
			}
			n, err := r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err == io.EOF {
				break
			}
			if err != nil {
				return buf[:0], f.readError(err)
			}
		}
		if mt != websocket.TextMessage && mt != websocket.BinaryMessage {
			continue
		}
		return buf, nil
	}
}

// errClosedByCaller is Next's error after Close.
func errClosedByCaller() error {
	return &FeedError{Op: "read", Err: fmt.Errorf("%w by Feed.Close", ErrFeedClosed)}
}

// closedByCaller reports whether Close was called.
func (f *Feed) closedByCaller() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

func (f *Feed) readError(err error) error {
	if f.closedByCaller() {
		return errClosedByCaller() // not "use of closed network connection"
	}
	switch {
	case websocket.IsCloseError(err, websocket.CloseNormalClosure):
		return &FeedError{Op: "read", Err: fmt.Errorf("%w by the server", ErrFeedClosed), Message: closeText(err)}
	case errors.Is(err, websocket.ErrReadLimit):
		return &FeedError{Op: "read", Err: fmt.Errorf("%w (limit %d B)", ErrMessageTooLarge, f.limit)}
	}
	f.wmu.Lock()
	pingErr := f.pingErr
	f.wmu.Unlock()
	if pingErr != nil {
		return &FeedError{Op: "ping", Err: pingErr}
	}
	return &FeedError{Op: "read", Err: err}
}

func closeText(err error) string {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Text
	}
	return ""
}

// Close sends a close frame (best effort) and closes the connection. It
// is safe to call more than once and from any goroutine.
func (f *Feed) Close() error {
	f.closeOnce.Do(func() {
		close(f.done)
		f.wmu.Lock()
		f.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		f.wmu.Unlock()
		f.c.Close()
	})
	f.wg.Wait()
	return nil
}
