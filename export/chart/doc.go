// Package chart renders heatmaps and shot charts as PNG (8-bit RGB with the
// Up filter and zlib, written by pngenc.go; text in golang.org/x/image's
// basicfont) and SVG (written by hand), with the court
// drawn to scale from its template: boundary, center line and circle,
// lanes, free-throw circles, three-point lines, restricted areas,
// backboards and rims.
//
// Heatmaps colour each cell by seconds with a perceptually uniform scale
// (viridis by default, magma on request) and show a legend in seconds per
// cell, whose top, labelled "max", is the map's own largest cell unless
// Options.Max_s sets a scale shared by several maps; shot charts draw one half court with made shots as filled discs and
// missed shots as crosses (shape, not only colour, tells them apart). A
// title line and a time-range line (UTC; the end with its date when it
// falls on another UTC day than the start) head every chart; a title
// wider than the image keeps its labels (Options.TitleLabels) whole and
// ends its name with "..." to fit; a time-range line too wide gives the
// times without their dates, then no time range, then ends with "..."
// (Options.From_ms). SVG text is as given
// (XML-escaped). The PNG font has only ASCII glyphs: PNG text drops the
// accents of Latin letters (José Núñez → Jose Nunez, Jokić → Jokic,
// Ø → O, ß → ss) and draws any other character (CJK, Cyrillic, Greek) as
// one '?' each (pngText).
// Options.Gamma 0.5 gives a square-root colour scale for sparse maps.
//
// Output is deterministic: the same input gives the same bytes (golden files
// under testdata, rewritten with go test ./export/chart -update). The
// package does not import package export or track; it reads
// track/heatmap's grids and shots.
package chart
