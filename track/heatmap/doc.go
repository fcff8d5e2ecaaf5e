// Package heatmap accumulates time-weighted occupancy maps (seconds spent
// in each cell of a regular grid over the canonical court) per player, per
// team and for the ball while the stream goes by, and collects shot charts
// from the feed's shot messages and from shots detected from the ball.
//
// An Accumulator owns one Grid per (scope, id); every Grid shares one
// geometry (a geom.Grid covering the court plus a margin, default 0.5 m
// cells). Each sample adds its duration dt_s to the cell under it; samples
// outside the grid are counted in Out_s, never lost, so Total_s is exactly
// the time added. Options choose live time only, and half-court folding: a
// team attacking west has its positions turned half a turn about center
// court so that its offence is always the east half (x > 0) and its defence
// the west half. Which team attacks which way in which period is an input
// (AttackFunc): the feed does not say it. Time is kept per period (and, for
// the ball, per team holding it) and folded only when results are read, so
// the directions may be learned as the game goes, e.g. with AttackVotes
// from the hoops each team's shots went to.
//
// Cells returns the non-empty cells in long form (scope, id, ix, iy, cell
// centre x_m/y_m, seconds), the shape of the engine's heatmap table.
//
// Memory is constant in the length of the input: one grid per id (per
// period when folding). Add allocates only when it meets a new unit; a
// player sample costs one cell index and one lookup in a flat hash table
// (the player's entry also points to its team's grid). Grid, Grids and
// Cells build new values at each call (copies: later Adds do not change
// them); EachGrid passes each map in a grid it reuses, valid only during
// the call. Reading merges a unit's parts in one fixed order (sorted by
// key), so results are bit-identical from run to run. An Accumulator is
// not safe for concurrent use.
package heatmap
