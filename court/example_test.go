package court_test

import (
	"fmt"
	"math"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/geom"
)

func Example() {
	// An NBA court turned 25.8° in the sensor frame, center court at
	// (5813, -16184) mm.
	body := []byte(`{"xne": 15394, "yne": -3089, "xse": 22027, "yse": -16810,
		"xsw": -3768, "ysw": -29279, "xnw": -10401, "ynw": -15558,
		"hoops": [{"x": -5643, "y": -21722, "z": 3048}, {"x": 17269, "y": -10646, "z": 3048}]}`)
	b, err := court.ParseBody(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := court.New(b, court.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c)
	fmt.Println("matches", c.Matches)
	x, y, z := c.ToCourt(b.XNE, b.YNE, 1000)
	fmt.Printf("ne corner → (%.2f, %.2f, %.2f) m\n", x, y, z)
	// Output:
	// nba court 28.65 × 15.24 m, rotated 25.8°, corner residual 0 mm (template by size: also fits wnba, ncaa, hs94)
	// matches [nba wnba ncaa hs94]
	// ne corner → (14.33, 7.62, 1.00) m
}

// Parse reads a court.json in one step; its errors say which key is
// missing or which check failed.
func ExampleParse() {
	for _, body := range []string{
		`{"xne": 14326, "yne": 7620, "xse": 14326, "yse": -7620, "xsw": -14326, "ysw": -7620, "xnw": -14326}`,
		`{"xne": 14326, "yne": 7620, "xse": 14326, "yse": -7620, "xsw": -14326, "ysw": -7620, "xnw": -14326, "ynw": 7620}`,
	} {
		c, err := court.Parse([]byte(body), court.Options{})
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(c)
	}
	// Output:
	// court: /court body has no "ynw" (need xne, yne, xse, yse, xsw, ysw, xnw, ynw in mm): bad /court body
	// nba court 28.65 × 15.24 m, rotated 0.0°, corner residual 0 mm (template by size: also fits wnba, ncaa, hs94)
}

// The seed's own example body is not a court.
func ExampleNew_seedExample() {
	b, _ := court.ParseBody([]byte(`{"xne": 0, "yne": 0, "xse": 2, "yse": 2, "xsw": 4, "ysw": 4,
		"xnw": 6, "ynw": 6, "hoops": [{"x": 0, "y": 0, "z": 13}, {"x": 10, "y": 10, "z": 23}]}`))
	_, err := court.New(b, court.Options{})
	fmt.Println(err)
	// Output:
	// court: size check failed: the court is 0.005657 m long (sidelines ne–nw 0.008485 m, se–sw 0.002828 m; baselines ne–se 0.002828 m, nw–sw 0.002828 m); a court is 10–50 m long: corners must be in mm of one court
}

// BodyFor is what the simulator writes as court.json.
func ExampleBodyFor() {
	sensorFromCourt := geom.NewSimilarity2(1000, math.Pi/2, geom.Vec2{X: 5000, Y: 0}) // court m → sensor mm
	b := court.BodyFor(court.FIBA, sensorFromCourt)
	fmt.Println(b.XNE, b.YNE, b.Hoops[1])
	// Output:
	// -2500 14000 {5000 12425 3050}
}

// A shot's hoop_player_x/y placed on the court, and its zone.
func ExampleTemplate_ShotToCourt() {
	t := court.NBA
	x, y := t.ShotToCourt(court.East, 685, -475) // the seed's example shot
	fmt.Printf("(%.3f, %.3f) m, zone %d %v, three %v\n", x, y, t.ShotZone(nil, 685, -475), t.ShotZone(nil, 685, -475), t.IsThree(x, y))
	// South-west corner: at the west hoop, south is the chart's right.
	z, end := t.ZoneAt(court.StandardZones, -12.0, -7.1)
	fmt.Println(z, end == court.West)
	// Output:
	// (13.200, 0.685) m, zone 1 at-rim, three false
	// three-right-corner true
}

func ExampleMarkings() {
	for _, s := range court.Markings(court.NBA)[:6] {
		switch s.Kind {
		case court.Line:
			fmt.Printf("%-16s line (%.3f, %.3f)–(%.3f, %.3f)\n", s.Name, s.P0.X, s.P0.Y, s.P1.X, s.P1.Y)
		case court.Circle:
			fmt.Printf("%-16s circle r %.3f\n", s.Name, s.R_m)
		}
	}
	// Output:
	// sideline-north   line (-14.325, 7.620)–(14.325, 7.620)
	// sideline-south   line (-14.325, -7.620)–(14.325, -7.620)
	// baseline-east    line (14.325, -7.620)–(14.325, 7.620)
	// baseline-west    line (-14.325, -7.620)–(-14.325, 7.620)
	// half-court-line  line (0.000, -7.620)–(0.000, 7.620)
	// center-circle    circle r 1.829
}

// Describe is what summary.json's court and inspect's report say of a
// court: plain values for JSON, and a line for people.
func ExampleCourt_Describe() {
	c, err := court.Parse([]byte(`{"xne": 12800, "yne": 7620, "xse": 12800, "yse": -7620,
		"xsw": -12800, "ysw": -7620, "xnw": -12800, "ynw": 7620}`), court.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	d := c.Describe()
	fmt.Println(d.Template, d.TemplateFrom, d.Length_m, d.Width_m, d.Hoops)
	fmt.Println(d.Text())
	fmt.Println(court.SensorFrame().Describe().Text())
	// Output:
	// hs size 25.6 15.24 0
	// hs (High school), 25.60 × 15.24 m, rotated 0.0°, corner residual 0 mm, no hoops listed; template by size
	// none: positions in the sensor frame
}
