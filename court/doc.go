// Package court turns the ShotTracker /court response (four corners and two
// hoops, in the sensor frame, mm) into a validated transform into the
// canonical court frame, and knows the court templates, hoops, three-point
// lines, restricted areas, keys, markings and shot zones in that frame.
//
// # Frames
//
// The sensor frame is what the feed carries: mm, any rotation and offset.
// The canonical court frame is metres, origin at center court, +x along the
// length toward the east baseline (the ne/se corners), +y toward the north
// sideline (nw/ne), z up. Seen from above, ne, se, sw, nw run clockwise; H is
// Length_m/2 − HoopFromBaseline_m.
//
//	  nw ┌───────────── north sideline ───────────────┐ ne (+L/2, +W/2)
//	     │                      │                     │
//	west │ O (−H, 0)          (0, 0)        (+H, 0) O │ east  → +x
//	     │                      │                     │
//	  sw └───────────── south sideline ───────────────┘ se (+L/2, −W/2)
//
// Shots use the hoop frame of one hoop: +hy from the hoop toward center
// court, +hx to the right of a viewer behind the baseline looking at the
// court (the usual shot chart, hoop at the bottom). For the hoop at end e
// (East = +1, West = −1): hx = e·y, hy = H − e·x. See Template.ToHoopFrame.
//
// # From /court to a Court
//
// ParseBody decodes the body; New fits a rectangle of free length and width
// to all four corners by least squares (geom.Fit2, rigid: mm → m is fixed)
// and validates, in order: finite values, size (10–50 m by 5–30 m: catches
// unit mix-ups and the seed's 0..6 mm example), order (the corners run
// round the court: two swapped labels cross its edges), half court (the
// size of half a template's court: not supported), axes (sidelines longer
// than baselines), handedness (mirrored corners are an ErrMirrored error
// unless Options.AllowMirrored, which treats the sensor frame as
// left-handed), rectangle residual (default 100 mm RMS) and template size
// (default 0.20 m; otherwise the court is Custom). A failed check is a
// *CheckError that names the check and the amount, and, where swapping two
// labels would make a valid court, says which; New never returns a frame
// it could not validate. The hoops (one per end, within 300 mm of the
// template's hoop, within 150 mm of rim height) are checked last, but
// drive nothing: hoops that fail are dropped and the court kept
// (Court.HoopCheck). Court.Warnings says that, and of a Custom court
// CustomFarOff_m or more from every template's size, for a caller to
// warn of. Court.Describe gives what a person checks against the venue's
// survey (template and how it was chosen, size, rotation, residual,
// hoops) as plain values, summary.json's court and inspect's, and
// Description.Text as a line.
//
// The size does not tell every template apart: NBA, WNBA, NCAA and the
// 94-ft high-school court (HighSchool94) are all 28.65 × 15.24 m, with
// other three-point lines and lanes. By size alone New takes NBA and
// lists the others as Court.Alternatives; a name chooses: Options.Template
// (a command's --court-template), else the body's own "template" key
// (Body.Template: stmotion's, which `stmotion live --court-template`
// records in a bundle's court.json, see WithTemplate). Court.TemplateFrom
// says which. A named template the size does not fit fails the template
// check. SensorFrame is the explicit fallback when there is no court.json
// (mm → m only).
//
// A Court is immutable and safe for concurrent use. ToCourt and
// ToCourtSlices do not allocate; ToCourtSlices writes into caller-supplied
// slices. BodyFor goes the other way, for the simulator.
//
// # Templates and geometry
//
// Template holds the rule-book dimensions (NBA, WNBA, NCAA, HighSchool,
// FIBA, HighSchool94). Its methods work in the canonical frame of that court: Hoop, Half,
// InBounds, DistanceToHoop, the hoop frame (ToHoopFrame, ShotToCourt, ...),
// IsThree, InRestrictedArea, InPaint. Markings returns the lines, arcs and
// circles a chart draws; the caller owns the returned slice.
//
// # Zones
//
// The seed numbers ShotTracker's shot zones 1–14 but its map is missing;
// StandardZones is stmotion's map, drawn below for an NBA half court in the
// hoop frame (hoop O at the bottom, 0.25 × 0.5 m cells, zones 10–13 as A–D;
// 14 is past the half-court line). The rules are in docs/zones.md. Any
// ZoneMap can replace it.
//
//	 1 at-rim           2/3 paint left/right     4/8 mid baseline left/right
//	 5/7 mid wing l/r   6 mid top                9/13 three corner left/right
//	10/12 three wing    11 three top             14 backcourt
//
//	AAAAAAAAAABBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCCCC
//	AAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCCCCC
//	AAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCCCCCC
//	AAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCCCCCC
//	AAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCCCCCCC
//	AAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCCCCCCCC
//	AAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCCCCCCCCC
//	AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCC
//	AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCC
//	AAAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCC
//	AAAAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCCC
//	AAAAAAAAAAAAAAAAAAABBBB666666666666666BBBBCCCCCCCCCCCCCCCCCCC
//	AAAAAAAAAAAAAAAAAA5566666666666666666666677CCCCCCCCCCCCCCCCCC
//	AAAAAAAAAAAAAA555555566666666666666666667777777CCCCCCCCCCCCCC
//	AAAAAAAAAAAA5555555556666666666666666666777777777CCCCCCCCCCCC
//	AAAAAAAAA5555555555555666666666666666667777777777777CCCCCCCCC
//	AAAAAAAA555555555555555666666666666666777777777777777CCCCCCCC
//	AAAAAA5555555555555552222222223333333333777777777777777CCCCCC
//	AAAAA555555555555555522222222233333333337777777777777777CCCCC
//	AAAA55555555555555555222222222333333333377777777777777777CCCC
//	999944455555555555555222222222333333333377777777777777888DDDD
//	999944444445555555555222222222333333333377777777778888888DDDD
//	999944444444444455555222222222333333333377777888888888888DDDD
//	999944444444444444444222222211111333333388888888888888888DDDD
//	999944444444444444444222221111111113333388888888888888888DDDD
//	999944444444444444444222221111O11113333388888888888888888DDDD
//	999944444444444444444222221111111113333388888888888888888DDDD
//	999944444444444444444222222211111333333388888888888888888DDDD
//	999944444444444444444222222222333333333388888888888888888DDDD
package court
