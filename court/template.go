package court

import "strings"

// Template is the size and markings of a kind of court, in metres. Distances
// along the court are measured from the baseline, across it from the centre
// line of the court (the long axis).
type Template struct {
	Name     string // "nba", "wnba", "ncaa", "hs", "hs94", "fiba"
	Title    string // human-readable name
	Length_m float64
	Width_m  float64

	HoopFromBaseline_m float64 // baseline to the centre of the rim
	RimHeight_m        float64
	RimRadius_m        float64

	ThreePointRadius_m float64 // arc radius, from the rim centre
	ThreePointCorner_m float64 // corner three distance from the long axis (straight segment)

	KeyWidth_m           float64 // width of the lane (paint)
	FreeThrowLine_m      float64 // baseline to the free-throw line
	FreeThrowRadius_m    float64 // free-throw circle radius
	RestrictedRadius_m   float64 // restricted-area arc radius from the rim centre; 0 if none
	CenterCircleRadius_m float64

	BackboardFromBaseline_m float64 // baseline to the face of the backboard
	BackboardWidth_m        float64
}

// Templates known to stmotion. Sources: NBA Official Rules (Rule 1), NCAA
// Men's Basketball Rules (2019+ three-point line), NFHS rules, FIBA Official
// Basketball Rules (2018+).
var (
	NBA = Template{
		Name: "nba", Title: "NBA", Length_m: 28.65, Width_m: 15.24,
		HoopFromBaseline_m: 1.6002, RimHeight_m: 3.048, RimRadius_m: 0.2286,
		ThreePointRadius_m: 7.239, ThreePointCorner_m: 6.706,
		KeyWidth_m: 4.877, FreeThrowLine_m: 5.791, FreeThrowRadius_m: 1.829,
		RestrictedRadius_m: 1.219, CenterCircleRadius_m: 1.829,
		BackboardFromBaseline_m: 1.219, BackboardWidth_m: 1.829,
	}
	WNBA = Template{
		Name: "wnba", Title: "WNBA", Length_m: 28.65, Width_m: 15.24,
		HoopFromBaseline_m: 1.6002, RimHeight_m: 3.048, RimRadius_m: 0.2286,
		ThreePointRadius_m: 6.750, ThreePointCorner_m: 6.706,
		KeyWidth_m: 4.877, FreeThrowLine_m: 5.791, FreeThrowRadius_m: 1.829,
		RestrictedRadius_m: 1.219, CenterCircleRadius_m: 1.829,
		BackboardFromBaseline_m: 1.219, BackboardWidth_m: 1.829,
	}
	NCAA = Template{
		Name: "ncaa", Title: "NCAA", Length_m: 28.65, Width_m: 15.24,
		HoopFromBaseline_m: 1.6002, RimHeight_m: 3.048, RimRadius_m: 0.2286,
		ThreePointRadius_m: 6.750, ThreePointCorner_m: 6.604,
		KeyWidth_m: 3.658, FreeThrowLine_m: 5.791, FreeThrowRadius_m: 1.829,
		RestrictedRadius_m: 1.219, CenterCircleRadius_m: 1.829,
		BackboardFromBaseline_m: 1.219, BackboardWidth_m: 1.829,
	}
	HighSchool = Template{
		Name: "hs", Title: "High school", Length_m: 25.60, Width_m: 15.24,
		HoopFromBaseline_m: 1.6002, RimHeight_m: 3.048, RimRadius_m: 0.2286,
		ThreePointRadius_m: 6.020, ThreePointCorner_m: 6.020,
		KeyWidth_m: 3.658, FreeThrowLine_m: 5.791, FreeThrowRadius_m: 1.829,
		RestrictedRadius_m: 0, CenterCircleRadius_m: 1.829,
		BackboardFromBaseline_m: 1.219, BackboardWidth_m: 1.829,
	}
	// HighSchool94 is a high-school court of the longest length NFHS
	// allows, 94 ft: the size of the NBA, WNBA and NCAA courts, with the
	// high-school lines (common in US gyms that also host college
	// games). Its size alone does not tell it from those: name it
	// (Options.Template, a court.json's "template").
	HighSchool94 = Template{
		Name: "hs94", Title: "High school (94 ft)", Length_m: 28.65, Width_m: 15.24,
		HoopFromBaseline_m: 1.6002, RimHeight_m: 3.048, RimRadius_m: 0.2286,
		ThreePointRadius_m: 6.020, ThreePointCorner_m: 6.020,
		KeyWidth_m: 3.658, FreeThrowLine_m: 5.791, FreeThrowRadius_m: 1.829,
		RestrictedRadius_m: 0, CenterCircleRadius_m: 1.829,
		BackboardFromBaseline_m: 1.219, BackboardWidth_m: 1.829,
	}
	FIBA = Template{
		Name: "fiba", Title: "FIBA", Length_m: 28.0, Width_m: 15.0,
		HoopFromBaseline_m: 1.575, RimHeight_m: 3.05, RimRadius_m: 0.225,
		ThreePointRadius_m: 6.75, ThreePointCorner_m: 6.60,
		KeyWidth_m: 4.9, FreeThrowLine_m: 5.8, FreeThrowRadius_m: 1.8,
		RestrictedRadius_m: 1.25, CenterCircleRadius_m: 1.8,
		BackboardFromBaseline_m: 1.2, BackboardWidth_m: 1.8,
	}
)

// Templates lists the known templates. Of those of one size (NBA, WNBA,
// NCAA and HighSchool94 are all 28.65 × 15.24 m) the first is the one
// New takes when the size is all it has to go by.
func Templates() []Template { return []Template{NBA, WNBA, NCAA, HighSchool, FIBA, HighSchool94} }

// TemplateNames lists the Name of every known template, in Templates'
// order.
func TemplateNames() []string {
	var names []string
	for _, t := range Templates() {
		names = append(names, t.Name)
	}
	return names
}

// TemplateByName finds a template by its Name (case-insensitive; "highschool"
// and "high-school" are accepted for "hs", "highschool94" and
// "high-school-94" for "hs94").
func TemplateByName(name string) (Template, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	switch n {
	case "highschool", "high-school", "high_school", "nfhs":
		n = "hs"
	case "highschool94", "high-school-94", "high_school_94", "nfhs94":
		n = "hs94"
	}
	for _, t := range Templates() {
		if t.Name == n {
			return t, true
		}
	}
	return Template{}, false
}

// Ends of the court: the side argument of HoopX_m and the hoop methods. East
// is +x (the ne/se corners of /court), West −x.
const (
	West = -1
	East = +1
)

// HoopX_m returns the x of the east (+1) or west (-1) hoop in the canonical
// frame: ±(Length_m/2 − HoopFromBaseline_m).
func (t Template) HoopX_m(side int) float64 {
	h := t.Length_m/2 - t.HoopFromBaseline_m
	if side < 0 {
		return -h
	}
	return h
}
