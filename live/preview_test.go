package live_test

import (
	"context"
	"fmt"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/geom"
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

// hsCourt is an 84-ft high-school court (25.6 m, 1.5 m shorter than the
// NBA's), turned in the sensor frame.
func hsCourt(t *testing.T) *court.Court {
	t.Helper()
	b := court.BodyFor(court.HighSchool, geom.NewSimilarity2(1000, 0.3, geom.Vec2{X: 5000, Y: -2000}))
	c, err := court.New(&b, court.Options{})
	if err != nil || c.Template.Name != "hs" {
		t.Fatalf("high-school court: %v, %v", c, err)
	}
	return c
}

// TestPreviewPageInChromium loads the preview page in real headless
// Chromium while frames of moving players are broadcast, and checks that
// the page draws dots and that they move, on an NBA court while the
// frames name none, then on the court the frames give: its baselines
// where that court's are.
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
	// The frames of a sink without a court, then (once hs is set) of the
	// next live id's, on a high-school court.
	var hs atomic.Bool
	noCourt := ov.Sink("preview", testRoster)
	onHS := ov.Sink("preview-2", testRoster)
	onHS.SetCourt(hsCourt(t))
	go func() {
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			sink := noCourt
			if hs.Load() {
				sink = onHS
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

	// white reports whether the canvas is drawn white (a court line) at
	// court point (x, y) m: the brightest of the 3 × 3 pixels there.
	white := func(x, y float64) bool {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`(() => {
			const s = window.stmotion, c = document.getElementById("court").getContext("2d");
			const d = c.getImageData(Math.round(s.px(%g)) - 1, Math.round(s.py(%g)) - 1, 3, 3).data;
			let blue = 0;
			for (let i = 0; i < d.length; i += 4) blue = Math.max(blue, d[i + 2]);
			return blue;
		})()`, x, y)))
		if err != nil {
			t.Fatal(err)
		}
		return b > 200 // the court's fill is #c8a26b: blue 107
	}
	template := func() string {
		name, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.stmotion.court.template`))
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	if name := template(); name != "nba" || !white(14.325, 7) || white(12.8, 7) {
		t.Errorf("no court in the frames: the page draws %q, baselines at 14.325 m %v, at 12.8 m %v; want an NBA court's", name, white(14.325, 7), white(12.8, 7))
	}
	hs.Store(true)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.stmotion.court.template === "hs"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the page did not take the frames' high-school court: %v", err)
	}
	// The frame that changed the court was drawn on it: the next is too.
	frames := snapFrames(t, ctx)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`window.stmotion.frames > %d`, frames), chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatal(err)
	}
	// Baselines at ±12.8 m, the three-point line 6.02 m from the hoop
	// (1.6 m from the baseline) on the long axis, the lane 3.66 m wide.
	for _, p := range [][2]float64{{12.8, 7}, {-12.8, -7}, {12.8 - 1.6 - 6.02, 0}, {-(12.8 - 1.6 - 6.02), 0}, {11, 3.658 / 2}} {
		if !white(p[0], p[1]) {
			t.Errorf("high-school court: no line at (%g, %g) m", p[0], p[1])
		}
	}
	for _, p := range [][2]float64{{14.325, 7}, {12.8 - 1.6 - 7.239, 0}, {11, 4.877 / 2}} {
		if white(p[0], p[1]) {
			t.Errorf("high-school court: an NBA line at (%g, %g) m", p[0], p[1])
		}
	}
}

// snapFrames is the count of frames the page has drawn.
func snapFrames(t *testing.T, ctx context.Context) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.stmotion.frames`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}
