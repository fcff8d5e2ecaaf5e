// Package backfill makes, from an event's REST state (/stats,
// /stats/details, /shots), the feed messages a client missed: those from
// before it joined the event, and those the feed delivered while the
// client was disconnected. A stats message names only the stats it
// changes, so a session that starts mid-event would otherwise miss every
// value set before it, and every earlier shot. `stmotion live` feeds them
// at its join and after each reconnect; `stmotion analyze` feeds a
// bundle's stats.json and shots.json at the feed's first data message,
// by the same rules (State, Filler.Join), so that a bundle in the
// documented format, recorded by any client (the feed verbatim, the REST
// state at the join), and a bundle `stmotion live` recorded (which holds
// the messages it fed) give the same figures.
//
// The messages have the wire shape of a stats or shot message plus the
// top-level key "stmotion_source" (Key), whose value says why they were
// made: "rest_join" (SourceJoin) or "rest_gap" (SourceGap). The server
// never sends that key: Made tells such a line from one received, so
// that a replay of a recording (the mock) serves only what was received,
// and analyze knows a recording that already holds its REST state.
//
// A Filler writes each message into a buffer of its own, valid only
// during its Emit call; a Filler is used from one goroutine.
package backfill
