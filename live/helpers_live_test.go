package live_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/live"
)

// newLiveRouter is one REST front for several mocks: /v1/data/live/{id}/…
// goes to the mock serving id.
func newLiveRouter(byID map[string]string) *httptest.Server {
	proxies := map[string]*httputil.ReverseProxy{}
	for id, base := range byID {
		u, _ := url.Parse(base)
		proxies[id] = httputil.NewSingleHostReverseProxy(u)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/v1/data/live/")
		id, _, _ := strings.Cut(rest, "/")
		p := proxies[id]
		if !ok || p == nil {
			http.Error(w, `{"status":404,"message":"Invalid id"}`, http.StatusNotFound)
			return
		}
		p.ServeHTTP(w, r)
	}))
}

// counterValue sums the samples of metric name (over its labels).
func counterValue(t *testing.T, m *live.Metrics, name string) float64 {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, mt := range mf.GetMetric() {
			switch {
			case mt.GetCounter() != nil:
				sum += mt.GetCounter().GetValue()
			case mt.GetGauge() != nil:
				sum += mt.GetGauge().GetValue()
			}
		}
	}
	return sum
}
