package mock

import (
	"context"
	"crypto/subtle"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stmotion/stmotion/decode"
)

func pathUnescape(s string) (string, error) { return url.PathUnescape(s) }

// handleAPI serves everything under /v1/.
func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	fail := s.failNext > 0
	if fail {
		s.failNext--
	}
	s.mu.Unlock()
	if fail {
		writeError(w, http.StatusInternalServerError, "mock: injected internal error (FailNext)")
		return
	}
	segs := splitPath(r)
	if len(segs) < 3 || segs[0] != "v1" || segs[1] != "data" {
		writeError(w, http.StatusNotFound, "Invalid id: no such resource "+r.URL.Path)
		return
	}
	segs = segs[2:]
	if !s.opts.NoAuth {
		var err *authError
		if segs[0] == "user" {
			err = s.verifyBearer(r)
		} else {
			err = s.verifyHMAC(r)
		}
		if err != nil {
			s.log.Info("mock: refused", "method", r.Method, "uri", r.RequestURI, "why", err.msg)
			writeError(w, http.StatusUnauthorized, err.msg)
			return
		}
	}
	s.log.Debug("mock: request", "method", r.Method, "uri", r.RequestURI)
	switch segs[0] {
	case "live":
		if len(segs) >= 2 && segs[1] == "notify" {
			s.routeNotify(w, r, segs[2:])
			return
		}
		s.routeLive(w, r, segs[1:])
	case "locations":
		s.routeLocations(w, r, segs[1:])
	case "user":
		if len(segs) == 2 && segs[1] == "profile" && method(w, r, http.MethodGet) {
			writeJSON(w, http.StatusOK, s.opts.User)
			return
		}
		if len(segs) != 2 || segs[1] != "profile" {
			writeError(w, http.StatusNotFound, "Invalid id: no such resource "+r.URL.Path)
		}
	case "teams":
		s.routeTeams(w, r, segs[1:])
	default:
		writeError(w, http.StatusNotFound, "Invalid id: no such resource "+r.URL.Path)
	}
}

// method answers 405 and returns false unless r uses m.
func method(w http.ResponseWriter, r *http.Request, m string) bool {
	if r.Method == m {
		return true
	}
	w.Header().Set("Allow", m)
	writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed here: use %s", r.Method, m))
	return false
}

func (s *Server) granted(t string) bool { return slices.Contains(s.opts.DataTypes, t) }

// inactive reports a live id the mock answers with 400. Options.InactiveIDs
// match in any case, as UUIDs compare.
func (s *Server) inactive(id string) bool {
	if slices.ContainsFunc(s.opts.InactiveIDs, func(x string) bool { return strings.EqualFold(x, id) }) {
		return true
	}
	if s.feedEnded() {
		if _, ok := s.lookup(id); ok {
			return true
		}
	}
	for _, r := range s.b.sub.EventCompletedResults {
		if r.ID == id {
			return true
		}
	}
	return false
}

// routeLive serves /v1/data/live/{id}[/...].
func (s *Server) routeLive(w http.ResponseWriter, r *http.Request, segs []string) {
	if len(segs) == 0 {
		writeError(w, http.StatusNotFound, "Invalid id")
		return
	}
	id, rest := segs[0], strings.Join(segs[1:], "/")
	if id == "_search" {
		// The API's signing example calls /v1/data/live/_search, which
		// it does not otherwise document: not a live id.
		writeError(w, http.StatusNotFound, "Not simulated: "+r.URL.Path+" (the mock serves live ids from live.json, see stmotion mock -h)")
		return
	}
	switch rest {
	case "", "_subscribe", "court", "stats", "stats/details", "shots", "video":
	default:
		writeError(w, http.StatusNotFound, "Invalid id: no such resource "+r.URL.Path)
		return
	}
	want := http.MethodGet
	if rest == "video" {
		want = http.MethodPut
	}
	if !method(w, r, want) {
		return
	}
	if s.inactive(id) {
		writeError(w, http.StatusBadRequest, "The live id is no longer active")
		return
	}
	ref, ok := s.lookup(id)
	if !ok {
		writeError(w, http.StatusNotFound, "Invalid id")
		return
	}
	switch rest {
	case "":
		writeJSON(w, http.StatusOK, s.liveInfo(ref, id))
	case "_subscribe":
		s.subscribe(w, r, id, ref)
	case "court":
		if s.b.court == nil {
			writeError(w, http.StatusInternalServerError, "mock: the bundle has no court.json")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(s.b.court)
	case "stats":
		if !s.granted(DataStats) {
			writeError(w, http.StatusForbidden, "No access to STATS data")
			return
		}
		p, lo, n := s.restState(ref)
		writeJSON(w, http.StatusOK, decode.LiveStats{Teams: s.b.statsAt(lo, n, 0, s.shiftOf(p))})
	case "stats/details":
		if !s.granted(DataStats) {
			writeError(w, http.StatusForbidden, "No access to STATS data")
			return
		}
		p, lo, n := s.restState(ref)
		writeJSON(w, http.StatusOK, decode.LiveStatsDetails{Teams: s.b.detailsAt(lo, n, s.shiftOf(p))})
	case "shots":
		if !s.granted(DataShots) {
			writeError(w, http.StatusForbidden, "No access to SHOTS data")
			return
		}
		p, lo, n := s.restState(ref)
		writeJSON(w, http.StatusOK, decode.LiveShots{Teams: s.b.shotsAt(lo, n, 0, s.shiftOf(p))})
	case "video":
		s.video(w, r, id)
	}
}

// subscribe issues a one-time token for the requested data types, to the
// feed of live id id (round ref).
func (s *Server) subscribe(w http.ResponseWriter, r *http.Request, id string, ref roundRef) {
	dts := r.URL.Query()["dt"]
	var types []string
	// The API takes one type per dt, spelled as it documents them ("More
	// than one data type can be passed using the &dt= notation. Possible
	// values for this field are STATS, SHOTS, or LOCATIONS."): the mock
	// takes no other spelling (dt=stats, dt=STATS,SHOTS), so that a client
	// that passes here sends what the API takes.
	for _, t := range dts {
		if t == "" {
			continue // the API's own example URI: _subscribe?dt= (no type given)
		}
		if !slices.Contains(allDataTypes, t) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("Invalid data type %q: want STATS, SHOTS or LOCATIONS, one per dt (&dt=STATS&dt=SHOTS)", t))
			return
		}
		if !s.granted(t) {
			writeError(w, http.StatusForbidden, "No access to "+t+" data")
			return
		}
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	if len(types) == 0 {
		types = slices.Clone(s.opts.DataTypes)
	}
	slices.SortFunc(types, func(a, b string) int { return slices.Index(allDataTypes, a) - slices.Index(allDataTypes, b) })
	tok := newID()
	s.mu.Lock()
	now := time.Now()
	for k, t := range s.tokens { // forget expired tokens
		if now.Sub(t.issued) > s.opts.TokenTTL {
			delete(s.tokens, k)
		}
	}
	s.tokens[tok] = &token{types: types, issued: now, ref: ref}
	s.mu.Unlock()
	sub := s.b.sub
	sub.Token, sub.TokenDataTypes = tok, types
	if sub.ActiveState == "" {
		sub.ActiveState = "LIVE"
	}
	if sub.Teams == nil {
		sub.Teams = []decode.RosterTeam{}
	}
	base := "http://" + r.Host + "/v1/data/live/" + url.PathEscape(id)
	sub.StatsURL, sub.StatsDetailsURL, sub.ShotsURL = base+"/stats", base+"/stats/details", base+"/shots"
	writeJSON(w, http.StatusOK, sub)
}

func (s *Server) video(w http.ResponseWriter, r *http.Request, liveID string) {
	q := r.URL.Query()
	id := q.Get("id")
	if id == "" || len(id) > 255 {
		writeError(w, http.StatusBadRequest, "id is required and may be at most 255 bytes")
		return
	}
	var at int64
	if v := q.Get("started_at"); v != "" {
		n, err := parseDigits(v)
		if err != nil || n <= 0 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("started_at %q: want epoch milliseconds", v))
			return
		}
		at = n
	}
	s.mu.Lock()
	s.videos = append(s.videos, Video{LiveID: liveID, ID: id, StartedAt_ms: at})
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// routeNotify serves /v1/data/live/notify[/{id}[/_enableEndNotify|_disableEndNotify]].
func (s *Server) routeNotify(w http.ResponseWriter, r *http.Request, segs []string) {
	switch len(segs) {
	case 0:
		switch r.Method {
		case http.MethodGet:
			s.mu.Lock()
			list := decode.NotifyList{Notifications: []decode.Notify{}}
			for _, n := range s.notifies {
				list.Notifications = append(list.Notifications, *n)
			}
			s.mu.Unlock()
			writeJSON(w, http.StatusOK, list)
		case http.MethodPut:
			u, ok := notifyURL(w, r)
			if !ok {
				return
			}
			n := &decode.Notify{ID: newID(), Action: "LIVE", URL: u}
			s.mu.Lock()
			s.notifies = append(s.notifies, n)
			s.mu.Unlock()
			w.Header().Set("X-ShotTracker-Notify-Id", n.ID)
			w.WriteHeader(http.StatusNoContent)
		default:
			method(w, r, "GET, PUT")
		}
		return
	case 1, 2:
	default:
		writeError(w, http.StatusNotFound, "Invalid id: no such resource "+r.URL.Path)
		return
	}
	id := segs[0]
	var change func(n *decode.Notify)
	switch {
	case len(segs) == 1 && r.Method == http.MethodPut:
		u, ok := notifyURL(w, r)
		if !ok {
			return
		}
		change = func(n *decode.Notify) { n.URL = u }
	case len(segs) == 1 && r.Method == http.MethodDelete:
	case len(segs) == 1:
		method(w, r, "PUT, DELETE")
		return
	case segs[1] == "_enableEndNotify" || segs[1] == "_disableEndNotify":
		if !method(w, r, http.MethodPut) {
			return
		}
		on := segs[1] == "_enableEndNotify"
		change = func(n *decode.Notify) { n.EndNotification = on }
	default:
		writeError(w, http.StatusNotFound, "Invalid id: no such resource "+r.URL.Path)
		return
	}
	s.mu.Lock()
	i := slices.IndexFunc(s.notifies, func(n *decode.Notify) bool { return n.ID == id })
	if i >= 0 {
		if change != nil {
			change(s.notifies[i])
		} else {
			s.notifies = slices.Delete(s.notifies, i, i+1)
		}
	}
	s.mu.Unlock()
	if i < 0 {
		writeError(w, http.StatusUnprocessableEntity, "Notify id not found")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// notifyURL reads the url parameter, answering 400 when it is unusable.
func notifyURL(w http.ResponseWriter, r *http.Request) (string, bool) {
	v := r.URL.Query().Get("url")
	u, err := url.Parse(v)
	if v == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("url %q: want an absolute http or https URL", v))
		return "", false
	}
	return v, true
}

// handleSimulate serves the seed's notify simulation:
// PUT /mock/{key}/do/live/notify/{start|end}?url=... calls url (PUT) with
// notify_id, action=LIVE, data={live id} and state=START|END. Without url
// it calls every registered notify (END only those with end notifications
// enabled). Who may call it: see authorizeSimulate.
func (s *Server) handleSimulate(w http.ResponseWriter, r *http.Request) {
	segs := splitPath(r)
	if len(segs) != 6 || segs[2] != "do" || segs[3] != "live" || segs[4] != "notify" || (segs[5] != "start" && segs[5] != "end") {
		writeError(w, http.StatusNotFound, "no such mock endpoint: want PUT /mock/{key}/do/live/notify/start|end?url=...")
		return
	}
	if !method(w, r, http.MethodPut) {
		return
	}
	if !s.authorizeSimulate(w, r, segs[1]) {
		return
	}
	state := strings.ToUpper(segs[5])
	var targets []notifyTarget
	if u := r.URL.Query().Get("url"); u != "" {
		t := notifyTarget{url: u}
		s.mu.Lock()
		for _, n := range s.notifies {
			if n.URL == u {
				t.id = n.ID
				break
			}
		}
		s.mu.Unlock()
		if t.id == "" {
			t.id = newID()
		}
		targets = append(targets, t)
	} else {
		targets = s.notifyTargets(state)
	}
	if failed := s.callNotifies(r.Context(), targets, state, s.currentLiveID()); len(failed) > 0 {
		writeError(w, http.StatusBadGateway, "notify failed: "+strings.Join(failed, "; "))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// authorizeSimulate reports whether r may call the notify simulation with
// key, answering the refusal otherwise. It PUTs to any URL it is given
// and says how the call went, so with authentication on it is not open
// to anyone who can reach the mock (an exposed mock would relay requests
// into its network and tell which ports answer): the API description
// has ShotTracker hand out the {key}, so it needs Options.NotifyKey, or
// the signature the /v1 requests carry (then any key). Without
// authentication (NoAuth) any key passes unless NotifyKey names one.
func (s *Server) authorizeSimulate(w http.ResponseWriter, r *http.Request, key string) bool {
	keyOK := s.opts.NotifyKey != "" && subtle.ConstantTimeCompare([]byte(key), []byte(s.opts.NotifyKey)) == 1
	switch {
	case keyOK, s.opts.NoAuth && s.opts.NotifyKey == "":
		return true
	case s.opts.NoAuth, s.opts.NotifyKey != "" && r.Header.Get("Authorization") == "":
		writeError(w, http.StatusNotFound, "unknown mock key")
		return false
	}
	if err := s.verifyHMAC(r); err != nil {
		msg := "the notify simulation needs the mock's key or an HMAC signature, as the /v1 requests: " + err.msg
		if s.opts.NotifyKey == "" {
			msg = "this mock has no notify key: the notify simulation needs an HMAC signature, as the /v1 requests (" +
				err.msg + "); or start the mock with a notify key (stmotion mock --notify-key), or without authentication"
		}
		s.log.Info("mock: refused", "method", r.Method, "uri", r.RequestURI, "why", msg)
		writeError(w, http.StatusUnauthorized, msg)
		return false
	}
	return true
}

// notifyTarget is a notify to call: its id and URL.
type notifyTarget struct{ id, url string }

// notifyTargets returns the registered notifies that a notification of
// state (START or END) goes to: all for START, those with end
// notifications enabled for END.
func (s *Server) notifyTargets(state string) []notifyTarget {
	s.mu.Lock()
	defer s.mu.Unlock()
	var targets []notifyTarget
	for _, n := range s.notifies {
		if state == "START" || n.EndNotification {
			targets = append(targets, notifyTarget{id: n.ID, url: n.URL})
		}
	}
	return targets
}

// callNotifies calls each target with the notification of state for live
// id liveID and returns the failures.
func (s *Server) callNotifies(ctx context.Context, targets []notifyTarget, state, liveID string) (failed []string) {
	for _, t := range targets {
		if err := s.callNotify(ctx, t.url, t.id, state, liveID); err != nil {
			failed = append(failed, err.Error())
		}
	}
	return failed
}

// notifyAll calls the registered notifies with a notification of state
// for live id liveID (AutoNotify), logging the failures. It gives up on
// a call when the Server closes.
func (s *Server) notifyAll(state, liveID string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	for _, f := range s.callNotifies(ctx, s.notifyTargets(state), state, liveID) {
		s.log.Warn("mock: live notify", "state", state, "live_id", liveID, "err", f)
	}
}

// callNotify PUTs one notification.
func (s *Server) callNotify(ctx context.Context, target, id, state, liveID string) error {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("%q is not an http URL", target)
	}
	q := u.Query()
	q.Set("notify_id", id)
	q.Set("action", "LIVE")
	q.Set("data", liveID)
	q.Set("state", state)
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := notifyClient.Do(req)
	if err != nil {
		return fmt.Errorf("PUT %s: %v", target, err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
			return fmt.Errorf("PUT %s: status %d, a redirect to %q (not followed)", target, resp.StatusCode, loc)
		}
		return fmt.Errorf("PUT %s: status %d", target, resp.StatusCode)
	}
	return nil
}

// notifyClient makes the notify calls. It does not follow redirects: a
// 3xx is the target's answer, a failed call like any other non-2xx.
// Following it would let whoever may call the simulation reach hosts
// the URL did not name (a public URL redirecting into the mock's
// network), and report their answers.
var notifyClient = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// routeLocations serves /v1/data/locations[/nearest/latlong/{lat}/{long}].
func (s *Server) routeLocations(w http.ResponseWriter, r *http.Request, segs []string) {
	if !method(w, r, http.MethodGet) {
		return
	}
	facility := decode.Facility{FacilityName: s.b.meta.FacilityName, CourtName: s.b.meta.CourtName, LocationID: s.b.meta.LocationID}
	switch {
	case len(segs) == 0:
		writeJSON(w, http.StatusOK, decode.Locations{Locations: []decode.Facility{facility}})
	case len(segs) == 4 && segs[0] == "nearest" && segs[1] == "latlong":
		lat, err1 := strconv.ParseFloat(segs[2], 64)
		lon, err2 := strconv.ParseFloat(segs[3], 64)
		q := r.URL.Query()
		radius, err3 := strconv.ParseFloat(q.Get("radius"), 64)
		unit := q.Get("unit")
		// Not NaN either, which ParseFloat reads and every comparison passes.
		if err1 != nil || err2 != nil || !(math.Abs(lat) <= 90) || !(math.Abs(lon) <= 180) {
			writeError(w, http.StatusBadRequest, "latitude and longitude must be numbers in [-90, 90] and [-180, 180]")
			return
		}
		if err3 != nil || !(radius > 0) || math.IsInf(radius, 1) {
			writeError(w, http.StatusBadRequest, "radius is required and must be a finite number > 0")
			return
		}
		km := 1.0
		switch unit {
		case "KILOMETERS":
		case "MILES":
			km = 1.609344
		default:
			writeError(w, http.StatusBadRequest, fmt.Sprintf("unit %q: want MILES or KILOMETERS", unit))
			return
		}
		d := haversine_km(lat, lon, s.opts.FacilityLatitude_deg, s.opts.FacilityLongitude_deg) / km
		out := decode.Locations{Locations: []decode.Facility{}}
		if d <= radius {
			facility.Distance = &decode.FacilityDistance{Unit: unit, Value: math.Round(d*100) / 100}
			out.Locations = append(out.Locations, facility)
		}
		writeJSON(w, http.StatusOK, out)
	default:
		writeError(w, http.StatusNotFound, "Invalid id: no such resource "+r.URL.Path)
	}
}

// haversine_km is the great-circle distance on a sphere of radius 6371 km.
func haversine_km(lat1, lon1, lat2, lon2 float64) float64 {
	const r_km = 6371.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r_km * math.Asin(math.Min(1, math.Sqrt(a)))
}

// parseDigits reads a decimal integer written with digits only, as the
// API's ids and epoch times are: strconv.ParseInt also takes a sign, so
// /teams/+461 was team 461 and /teams/-0 team 0.
func parseDigits(v string) (int64, error) {
	if v == "" || v[0] < '0' || v[0] > '9' {
		return 0, fmt.Errorf("%q: not digits", v)
	}
	return strconv.ParseInt(v, 10, 64)
}

// rangeMessage applies the API's from/to rules; "" means the range is good.
func rangeMessage(q url.Values) (from_ms, to_ms int64, msg string) {
	from_ms, err1 := parseDigits(q.Get("from"))
	to_ms, err2 := parseDigits(q.Get("to"))
	switch {
	case err1 != nil || err2 != nil || from_ms <= 0 || to_ms <= 0:
		return 0, 0, "Both from and to must be greater than 0"
	case from_ms >= to_ms:
		return 0, 0, "from timestamp must be less than to timestamp"
	case time.UnixMilli(from_ms).UTC().AddDate(0, 8, 0).Before(time.UnixMilli(to_ms).UTC()):
		return 0, 0, "Request may not exceed more than 8 months"
	}
	return from_ms, to_ms, ""
}

// routeTeams serves /v1/data/teams and the team history endpoints. The
// bundle's session is the only event: it is returned, with each of its
// rounds (Server.event), when it overlaps [from, to] (the events
// endpoint), and the stats (statsIn) and shots of its rounds whose spans
// (as the events endpoint lists them) overlap [from, to] and whose type
// matches the activity (a practice's shooting drills for
// practice/shooting, its scrimmages for practice/scrimmage: see
// activityMatches); otherwise the lists are empty.
func (s *Server) routeTeams(w http.ResponseWriter, r *http.Request, segs []string) {
	if !method(w, r, http.MethodGet) {
		return
	}
	if len(segs) == 0 {
		writeJSON(w, http.StatusOK, decode.Teams{Teams: s.b.teams()})
		return
	}
	team, err := parseDigits(segs[0])
	if err != nil || !s.b.hasTeam(team) {
		writeError(w, http.StatusNotFound, "Invalid id")
		return
	}
	rest := strings.Join(segs[1:], "/")
	var what, activity string
	switch rest {
	case "events":
	case "players/practice/stats", "players/practice/scrimmage/stats", "players/practice/shooting/stats", "players/game/stats":
		what, activity = "stats", strings.TrimSuffix(strings.TrimPrefix(rest, "players/"), "/stats")
	case "players/practice/shots", "players/practice/scrimmage/shots", "players/practice/shooting/shots", "players/game/shots":
		what, activity = "shots", strings.TrimSuffix(strings.TrimPrefix(rest, "players/"), "/shots")
	default:
		writeError(w, http.StatusNotFound, "Invalid id: no such resource "+r.URL.Path)
		return
	}
	if what == "stats" && !s.granted(DataStats) {
		writeError(w, http.StatusForbidden, "No access to STATS data")
		return
	}
	if what == "shots" && !s.granted(DataShots) {
		writeError(w, http.StatusForbidden, "No access to SHOTS data")
		return
	}
	from, to, msg := rangeMessage(r.URL.Query())
	if msg != "" {
		writeError(w, http.StatusUnprocessableEntity, msg)
		return
	}
	start, end := s.b.sessionSpan_ms()
	in := start <= to && end >= from
	switch what {
	case "":
		out := decode.TeamEvents{Events: []decode.TeamEvent{}}
		if in {
			out.Events = append(out.Events, s.event(r, start, end))
		}
		writeJSON(w, http.StatusOK, out)
	case "stats":
		out := decode.TeamPlayerStats{ID: team, PlayerStats: []decode.PlayerStats{}}
		if ts := s.b.statsIn(s.b.activityLines(activity, from, to), team); len(ts) == 1 {
			out = ts[0]
		}
		writeJSON(w, http.StatusOK, out)
	case "shots":
		out := decode.TeamPlayerShots{ID: team, PlayerShots: []decode.PlayerShots{}}
		if ts := s.b.shotsIn(s.b.activityLines(activity, from, to), team, shift{}); len(ts) == 1 {
			out = ts[0]
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// activityLines returns the line ranges [lo, hi) of the rounds whose
// span (roundSpan_ms, as the events endpoint lists it) overlaps [from_ms,
// to_ms] and that count as activity (activityMatches of each round's own
// type), adjacent ones merged.
func (b *bundle) activityLines(activity string, from_ms, to_ms int64) [][2]int {
	var out [][2]int
	for k, r := range b.rounds {
		lo_ms, hi_ms := b.roundSpan_ms(k)
		hi := len(b.lines)
		if k+1 < len(b.rounds) {
			hi = b.rounds[k+1].first
		}
		if lo_ms > to_ms || hi_ms < from_ms || !activityMatches(r.meta, activity) {
			continue
		}
		if n := len(out); n > 0 && out[n-1][1] == r.first {
			out[n-1][1] = hi
			continue
		}
		out = append(out, [2]int{r.first, hi})
	}
	return out
}

// roundSpan_ms is when round k started and ended (epoch ms), as the
// events endpoint lists it and the team history's from/to select it: the
// first round from the session's start, a later one from its first line
// (replay time: the running maximum of occurred_at); each until 1 ms
// before the next round starts (the marker that ends it is the next
// round's start: a drill's DRILL_NEXT is sent as the drill starts), the
// last until the feed's last line. The rounds tile the session without
// overlap, as the API's example lists a game's rounds, so a from/to of one
// round's span selects that round alone. A round with no lines (a marker
// that ends the feed names it) starts and ends at the feed's end, and the
// round before it ends there too.
func (b *bundle) roundSpan_ms(k int) (start, end int64) {
	start, end = b.sessionSpan_ms()
	if k > 0 {
		start = b.first_ms + b.rounds[k].start_ms
	}
	if k+1 < len(b.rounds) && b.rounds[k+1].first < len(b.lines) {
		end = max(start, b.first_ms+b.rounds[k+1].start_ms-1)
	}
	return start, end
}

// activityMatches says whether a round (a live id) of live metadata m
// counts as the activity of a team history endpoint: any round of a
// practice for practice, its SCRIMMAGE rounds for practice/scrimmage,
// its SHOOTING rounds for practice/shooting.
func activityMatches(m decode.LiveMeta, activity string) bool {
	t := strings.ToUpper(m.Type)
	switch activity {
	case "practice":
		return m.IsPracticeEvent
	case "practice/scrimmage":
		return m.IsPracticeEvent && strings.Contains(t, "SCRIMMAGE")
	case "practice/shooting":
		return m.IsPracticeEvent && strings.Contains(t, "SHOOTING")
	case "game":
		return m.IsGameEvent
	}
	return false
}

// event describes the bundle's session as a past team event: the
// results of earlier rounds the subscription lists
// (event_completed_results), then each round of the feed with a line (a
// game's halves, a practice's drills) as its own result, as the API's
// example lists every round of an event: its live id, its own type and
// name (rounds.json's for a drill; null when it has none, as the API's
// game rounds), its span (roundSpan_ms) and links to its own /stats,
// /stats/details and /shots. The live ids are the bundle's (the first
// pass's, at any Speed); the session is listed whole, wherever the replay
// clock stands.
func (s *Server) event(r *http.Request, start, end int64) decode.TeamEvent {
	m := s.b.meta
	ev := decode.TeamEvent{ID: s.b.liveID, Name: m.Name, IsPracticeEvent: m.IsPracticeEvent, IsGameEvent: m.IsGameEvent,
		StartedAt_ms: start, EndedAt_ms: end}
	if m.Event != nil {
		ev.ID, ev.Name = m.Event.ID, m.Event.Name
	}
	link := func(id string) string { return "http://" + r.Host + "/v1/data/live/" + url.PathEscape(id) }
	ev.Results = []decode.EventResult{}
	for _, res := range s.b.sub.EventCompletedResults {
		if !slices.ContainsFunc(s.b.rounds, func(rd round) bool { return rd.id == res.ID }) {
			ev.Results = append(ev.Results, res)
		}
	}
	for k, rd := range s.b.rounds {
		if rd.first >= len(s.b.lines) {
			continue // no lines: the feed ended as it was named
		}
		lo_ms, hi_ms := s.b.roundSpan_ms(k)
		var name *string
		if rd.meta.Name != "" {
			name = &rd.meta.Name
		}
		ev.Results = append(ev.Results, decode.EventResult{ID: rd.id, Type: rd.meta.Type, Name: name, StartedAt_ms: lo_ms, EndedAt_ms: hi_ms,
			StatsURL: link(rd.id) + "/stats", StatsDetailsURL: link(rd.id) + "/stats/details", ShotsURL: link(rd.id) + "/shots"})
	}
	return ev
}
