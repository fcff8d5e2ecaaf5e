package live_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stmotion/stmotion/live"
)

// chromiumPath finds Debian's chromium (or another Chromium/Chrome).
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

type dot struct {
	ID   int64   `json:"id"`
	Kind string  `json:"kind"`
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
}

// TestPreviewPageInChromium loads the preview page in real headless
// Chromium while frames of moving players are broadcast, and checks that
// the page draws dots and that they move.
func TestPreviewPageInChromium(t *testing.T) {
	bin := chromiumPath()
	if bin == "" {
		t.Skip("chromium not installed: apt-get update && apt-get install -y chromium (.ci/run does this)")
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	ov, srv := overlayServer(t, live.OverlayOptions{})
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		sink := ov.Sink("preview", testRoster)
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			sink.Samples(tick(int64(1000+40*n), n%100))
		}
	}()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first call starts the browser: no timeout on its context (that
	// would stop the browser), a timeout around it instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("chromium: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("chromium did not load the page in 60 s")
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(window.stmotion && window.stmotion.frames > 3)`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the page drew no frames: %v", err)
	}
	snap := func() ([]dot, int) {
		d, err := chromedp.Run(ctx, chromedp.Evaluate[[]dot](`window.stmotion.dots`))
		if err != nil {
			t.Fatal(err)
		}
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.stmotion.frames`))
		if err != nil {
			t.Fatal(err)
		}
		return d, n
	}
	first, frames1 := snap()
	time.Sleep(500 * time.Millisecond)
	second, frames2 := snap()
	if len(first) != 4 || len(second) != 4 {
		t.Fatalf("dots drawn: %v then %v, want 3 players and the ball", first, second)
	}
	if frames2 <= frames1 {
		t.Errorf("frames drawn %d then %d: the page stopped drawing", frames1, frames2)
	}
	moved := 0
	for i := range first {
		if first[i].ID == second[i].ID && (first[i].X != second[i].X || first[i].Y != second[i].Y) {
			moved++
		}
	}
	if moved == 0 {
		t.Errorf("no dot moved in 500 ms: %v → %v", first, second)
	}
}
