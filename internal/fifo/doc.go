// Package fifo holds Set, a set of comparable keys bounded in count (and,
// optionally, in a weight such as the bytes of its string keys) that
// forgets its oldest keys first to make room for new ones, and counts
// what it forgot.
//
// It is what keeps the sets of "seen before" keys bounded whatever the
// recording's length: the engine's repeat check (track: shots and
// markers dropped as repeats) and live's duplicate filter (stats, shots
// and markers received twice). Repeats come after a reconnect, a
// handover or a re-join, of what was received not long before, so the
// oldest key is the one least likely to come again; a repeat of a key
// forgotten is no longer recognised, which the callers count and report.
//
// A Set is used from one goroutine. Its memory is about max keys (a map
// entry and a ring slot each), allocated as keys come, never more.
package fifo
