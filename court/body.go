package court

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"github.com/stmotion/stmotion/geom"
)

// Body is the response of GET /v1/data/live/{live_id}/court: the four court
// corners and the hoops in the sensor frame, in mm. The wire carries
// integers; floats are accepted. It marshals back to the same keys.
type Body struct {
	XNE   float64 `json:"xne"`
	YNE   float64 `json:"yne"`
	XSE   float64 `json:"xse"`
	YSE   float64 `json:"yse"`
	XSW   float64 `json:"xsw"`
	YSW   float64 `json:"ysw"`
	XNW   float64 `json:"xnw"`
	YNW   float64 `json:"ynw"`
	Hoops []Hoop  `json:"hoops"`
}

// Hoop is the centre of a rim in the sensor frame, mm; Z is its height above
// the floor (3048 on a 10 ft rim).
type Hoop struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	Z float64 `json:"z"`
}

// Corners returns the corners NE, SE, SW, NW in mm.
func (b *Body) Corners() [4]geom.Vec2 {
	return [4]geom.Vec2{{X: b.XNE, Y: b.YNE}, {X: b.XSE, Y: b.YSE}, {X: b.XSW, Y: b.YSW}, {X: b.XNW, Y: b.YNW}}
}

// ParseBody decodes a /court response. Every corner key must be present
// and a number; hoops may be absent (then nothing about them is checked),
// but each listed hoop needs x, y and z. Unknown keys are ignored. Errors
// wrap ErrBody and name the key.
func ParseBody(data []byte) (*Body, error) {
	var raw struct {
		XNE, YNE, XSE, YSE, XSW, YSW, XNW, YNW *float64
		Hoops                                  []struct{ X, Y, Z *float64 }
	}
	d := json.NewDecoder(bytes.NewReader(data))
	if err := d.Decode(&raw); err != nil {
		return nil, fmt.Errorf("court: decode /court body: %v: %w", err, ErrBody)
	}
	// encoding/json matches keys case-insensitively; the wire uses xne etc.
	b := &Body{}
	for _, f := range []struct {
		key string
		src *float64
		dst *float64
	}{
		{"xne", raw.XNE, &b.XNE}, {"yne", raw.YNE, &b.YNE},
		{"xse", raw.XSE, &b.XSE}, {"yse", raw.YSE, &b.YSE},
		{"xsw", raw.XSW, &b.XSW}, {"ysw", raw.YSW, &b.YSW},
		{"xnw", raw.XNW, &b.XNW}, {"ynw", raw.YNW, &b.YNW},
	} {
		if f.src == nil {
			return nil, fmt.Errorf("court: /court body has no %q (need xne, yne, xse, yse, xsw, ysw, xnw, ynw in mm): %w", f.key, ErrBody)
		}
		*f.dst = *f.src
	}
	for i, h := range raw.Hoops {
		if h.X == nil || h.Y == nil || h.Z == nil {
			return nil, fmt.Errorf("court: /court body hoops[%d] lacks x, y or z: %w", i, ErrBody)
		}
		b.Hoops = append(b.Hoops, Hoop{X: *h.X, Y: *h.Y, Z: *h.Z})
	}
	return b, nil
}

// BodyFor returns the /court body that a sensor system would report for a
// court of template t placed with sensorFromCourt, the map from canonical
// court metres to sensor mm (scale 1000 for a true-size court). Corners and
// hoops are rounded to whole mm as on the wire; hoops are listed west then
// east at rim height (z in mm is RimHeight_m·1000, the floor is z = 0 in both
// frames). The simulator writes this as court.json.
func BodyFor(t Template, sensorFromCourt geom.Similarity2) Body {
	hl, hw := t.Length_m/2, t.Width_m/2
	c := func(x, y float64) (float64, float64) {
		p := sensorFromCourt.Apply(geom.Vec2{X: x, Y: y})
		return math.Round(p.X), math.Round(p.Y)
	}
	var b Body
	b.XNE, b.YNE = c(hl, hw)
	b.XSE, b.YSE = c(hl, -hw)
	b.XSW, b.YSW = c(-hl, -hw)
	b.XNW, b.YNW = c(-hl, hw)
	z := math.Round(t.RimHeight_m * 1000)
	for _, side := range []int{West, East} {
		x, y := c(t.HoopX_m(side), 0)
		b.Hoops = append(b.Hoops, Hoop{X: x, Y: y, Z: z})
	}
	return b
}
