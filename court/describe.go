package court

import (
	"fmt"
	"math"
	"strings"
)

// Description is what a person checks of a court against the venue's
// survey: the template and how it was chosen, the fitted size, its
// placement in the sensor frame and how well the corners and hoops fit.
// It is plain values, in the JSON form analyze's summary.json (court) and
// inspect's --json line (court.fit) carry.
type Description struct {
	// Template is the markings' template (Template.Name: nba, wnba, ncaa,
	// hs, hs94, fiba; custom for a court of no template's size, drawn
	// with the nearest one's lines, which Title names; sensor without a
	// court) and Title its name for people.
	Template string `json:"template"`
	Title    string `json:"title"`
	// TemplateFrom says how it was chosen (Court.TemplateFrom): size,
	// body (the court.json's own "template" key) or option (a
	// --court-template); "" without a court. Alternatives are the
	// templates the size fits as well, whose lines differ, when it was
	// chosen by size (Court.Alternatives: an NBA-sized court is also a
	// WNBA, NCAA and 94-ft high-school one); left out otherwise.
	TemplateFrom string   `json:"template_from,omitempty"`
	Alternatives []string `json:"alternatives,omitempty"`
	Custom       bool     `json:"custom"`
	// The fitted rectangle (mm precision), the direction of the court's
	// +x axis in the sensor frame (counterclockwise from the sensor's +x,
	// 0.01°), whether the sensor frame is mirrored (Options.AllowMirrored),
	// the corners' RMS distance from the rectangle, and the hoops the
	// court.json lists that passed their check (HoopsDropped) with the
	// largest floor distance of one from the template's (0 without
	// hoops). All 0 without a court.
	Length_m     float64 `json:"length_m"`
	Width_m      float64 `json:"width_m"`
	Rotation_deg float64 `json:"rotation_deg"`
	Mirrored     bool    `json:"mirrored"`
	Residual_mm  float64 `json:"residual_mm"`
	Hoops        int     `json:"hoops"`
	HoopError_mm float64 `json:"hoop_error_mm"`
	// HoopsDropped names the check the court.json's hoops failed
	// (Court.HoopCheck: "hoop", "hoop-height"): they were dropped and the
	// court kept, Hoops 0. Left out when they passed, or none were
	// listed.
	HoopsDropped string `json:"hoops_dropped,omitempty"`
}

// Describe returns c's Description, its figures rounded to what a survey
// can tell (mm, 0.01°, 0.1 mm). A nil c, or SensorFrame, is the sensor
// frame: template "sensor", every figure 0.
func (c *Court) Describe() Description {
	if c.IsSensorFrame() {
		return Description{Template: sensorFrame.Template.Name, Title: sensorFrame.Template.Title}
	}
	round := func(v, per float64) float64 { // per: steps per unit
		v = math.Round(v*per) / per
		if math.IsNaN(v) || math.IsInf(v, 0) { // not for a valid court; JSON has no NaN
			return 0
		}
		return v
	}
	d := Description{
		Template: c.Template.Name, Title: c.Template.Title, TemplateFrom: c.TemplateFrom,
		Alternatives: c.Alternatives(), Custom: c.Custom,
		Length_m: round(c.Length_m, 1000), Width_m: round(c.Width_m, 1000),
		Rotation_deg: round(c.Rotation_deg, 100), Mirrored: c.Mirrored,
		Residual_mm: round(c.Residual_mm, 10), Hoops: len(c.Hoops), HoopError_mm: round(c.HoopError_mm, 10),
	}
	if c.HoopCheck != nil {
		d.HoopsDropped = c.HoopCheck.Check
	}
	return d
}

// Text says d in one line for a report, without where the court came
// from: "nba (NBA), 28.65 × 15.24 m, rotated 0.0°, corner residual 3 mm,
// hoops within 12 mm of the template's; template by size, which fits
// wnba, ncaa, hs94 too". The sensor frame reads "none: positions in the
// sensor frame". It is TextNaming(""), which names no option.
func (d Description) Text() string { return d.TextNaming("") }

// TextNaming is Text with templateOption, the caller's name for
// Options.Template (a command's flag, "--court-template"; "" for none),
// named where it chose the template ("; template named by
// --court-template") and where it would tell apart the templates the
// size fits (" (--court-template names the venue's)").
func (d Description) TextNaming(templateOption string) string {
	if d.Template == sensorFrame.Template.Name {
		return "none: positions in the sensor frame"
	}
	name := fmt.Sprintf("%s (%s)", d.Template, d.Title)
	if d.Custom {
		name = "custom: " + d.Title // custom: Custom 26.00 × 14.00 m (NBA markings)
	}
	line := fmt.Sprintf("%s, %.2f × %.2f m, rotated %.1f°, corner residual %.0f mm", name, d.Length_m, d.Width_m, d.Rotation_deg, d.Residual_mm)
	if d.Mirrored {
		line += ", mirrored"
	}
	switch {
	case d.HoopsDropped != "":
		line += fmt.Sprintf(", hoops dropped (they failed the %s check)", d.HoopsDropped)
	case d.Hoops > 0:
		line += fmt.Sprintf(", hoops within %.0f mm of the template's", d.HoopError_mm)
	default:
		line += ", no hoops listed"
	}
	switch d.TemplateFrom {
	case FromOption:
		if templateOption != "" {
			line += "; template named by " + templateOption
		} else {
			line += "; template as named"
		}
	case FromBody:
		line += "; template named by the court.json"
	case FromSize:
		if len(d.Alternatives) > 0 {
			line += fmt.Sprintf("; template by size, which fits %s too", strings.Join(d.Alternatives, ", "))
			if templateOption != "" {
				line += " (" + templateOption + " names the venue's)"
			}
		} else if !d.Custom {
			line += "; template by size"
		}
	}
	return line
}
