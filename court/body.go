package court

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/stmotion/stmotion/geom"
)

// Body is the response of GET /v1/data/live/{live_id}/court: the four court
// corners and the hoops in the sensor frame, in mm. The wire carries
// integers; floats are accepted. It marshals back to the same keys.
//
// Template is stmotion's own key, not the API's: the name of the court's
// markings template (TemplateByName: "ncaa", "hs94", ...), which the size
// alone does not tell on an NBA-sized court. A court.json given by hand
// may carry it, and `stmotion live --court-template` records it in the
// bundle's court.json, so that the bundle is analysed on the court live
// used. New takes it unless Options.Template names another.
type Body struct {
	XNE      float64 `json:"xne"`
	YNE      float64 `json:"yne"`
	XSE      float64 `json:"xse"`
	YSE      float64 `json:"yse"`
	XSW      float64 `json:"xsw"`
	YSW      float64 `json:"ysw"`
	XNW      float64 `json:"xnw"`
	YNW      float64 `json:"ynw"`
	Hoops    []Hoop  `json:"hoops"`
	Template string  `json:"template,omitempty"`
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

// ParseBody decodes a /court response: one JSON object and nothing after
// it. Every corner key must be present and a number; hoops may be absent
// (then nothing about them is checked), but each listed hoop needs x, y
// and z; "template", when present and not null, is a string (New checks
// the name). Keys match as the wire spells them (lower case, exactly); a key
// given twice takes its last value; unknown keys are ignored. Errors wrap
// ErrBody and name the key (hoops[i].z for a hoop's) or, for text that is
// not JSON, the byte offset.
func ParseBody(data []byte) (*Body, error) {
	var raw map[string]json.RawMessage
	if err := decodeOne(data, &raw); err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, fmt.Errorf("court: /court body is null, want an object: %w", ErrBody)
	}
	b := &Body{}
	for _, f := range []struct {
		key string
		dst *float64
	}{
		{"xne", &b.XNE}, {"yne", &b.YNE},
		{"xse", &b.XSE}, {"yse", &b.YSE},
		{"xsw", &b.XSW}, {"ysw", &b.YSW},
		{"xnw", &b.XNW}, {"ynw", &b.YNW},
	} {
		v, ok := raw[f.key]
		if !ok {
			return nil, fmt.Errorf("court: /court body has no %q (need xne, yne, xse, yse, xsw, ysw, xnw, ynw in mm): %w", f.key, ErrBody)
		}
		if err := bodyNumber(v, f.key, f.dst); err != nil {
			return nil, err
		}
	}
	if v, ok := raw["template"]; ok && string(bytes.TrimSpace(v)) != "null" {
		if err := json.Unmarshal(v, &b.Template); err != nil {
			return nil, fmt.Errorf("court: /court body \"template\" is %s, want a template name (%s): %w", jsonKind(v), strings.Join(TemplateNames(), ", "), ErrBody)
		}
	}
	hoops, ok := raw["hoops"]
	if !ok || string(hoops) == "null" {
		return b, nil
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(hoops, &list); err != nil {
		return nil, fmt.Errorf("court: /court body \"hoops\" is %s, want an array of {x, y, z} objects: %w", jsonKind(hoops), ErrBody)
	}
	for i, h := range list {
		var hp Hoop
		for _, f := range []struct {
			key string
			dst *float64
		}{{"x", &hp.X}, {"y", &hp.Y}, {"z", &hp.Z}} {
			key := fmt.Sprintf("hoops[%d].%s", i, f.key)
			v, ok := h[f.key]
			if !ok {
				return nil, fmt.Errorf("court: /court body has no %q (each hoop needs x, y and z in mm): %w", key, ErrBody)
			}
			if err := bodyNumber(v, key, f.dst); err != nil {
				return nil, err
			}
		}
		b.Hoops = append(b.Hoops, hp)
	}
	return b, nil
}

// decodeOne decodes data, which must hold exactly one JSON value, into v.
// A syntax error gives its byte offset.
func decodeOne(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	err := d.Decode(v)
	if err == nil {
		if _, terr := d.Token(); terr != io.EOF {
			return fmt.Errorf("court: /court body has more after its object, at offset %d: %w", d.InputOffset(), ErrBody)
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("court: /court body is not JSON at offset %d: %v: %w", syn.Offset, err, ErrBody)
	case errors.As(err, &typ):
		return fmt.Errorf("court: /court body is a JSON %s, want an object: %w", typ.Value, ErrBody)
	case err == io.EOF:
		return fmt.Errorf("court: /court body is empty: %w", ErrBody)
	}
	return fmt.Errorf("court: decode /court body: %v: %w", err, ErrBody)
}

// bodyNumber stores the JSON number v of key in dst.
func bodyNumber(v json.RawMessage, key string, dst *float64) error {
	var p *float64
	if err := json.Unmarshal(v, &p); err != nil || p == nil {
		return fmt.Errorf("court: /court body %q is %s, want a number in mm: %w", key, jsonKind(v), ErrBody)
	}
	*dst = *p
	return nil
}

// jsonKind names the kind of the JSON value v, for errors.
func jsonKind(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "empty"
	}
	switch v[0] {
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	case '[':
		return "an array"
	case '{':
		return "an object"
	}
	return "a number out of range"
}

// WithTemplate returns the /court body data (a JSON object that ParseBody
// takes) with its "template" set to name (see Body.Template), whatever
// it was; its other keys are kept, in their order when it had no
// "template". An empty name returns data as it is.
func WithTemplate(data []byte, name string) ([]byte, error) {
	if name == "" {
		return data, nil
	}
	if _, err := ParseBody(data); err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("court: %v: %w", err, ErrBody)
	}
	quoted, err := json.Marshal(name)
	if err != nil {
		return nil, fmt.Errorf("court: template %q: %w", name, err)
	}
	if _, ok := raw["template"]; ok {
		raw["template"] = quoted
		return json.Marshal(raw)
	}
	// The object's "{", the new key, then the rest: the body's own keys
	// stay as the API gave them.
	trimmed := bytes.TrimSpace(data)
	out := append([]byte(`{"template":`), quoted...)
	if rest := bytes.TrimSpace(trimmed[1:]); len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, trimmed[1:]...), nil
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
