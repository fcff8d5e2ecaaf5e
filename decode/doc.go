// Package decode turns the bytes of one ShotTracker websocket message (or one
// line of a recording) into a typed, caller-owned Message without allocating.
//
// Every message type of the ShotTracker API is understood: location (PLAYER
// and BALL samples in integer mm), stats (box-score updates, including the
// cumulative DIST in cm and manual corrections), shot, marker (game, practice
// and clock-state markers), ack, pong, and the REST API's error body.
//
// Invariants a caller keeps:
//   - A Message is reused across calls; Decode resets the part it fills.
//   - Spans inside a Message point into the input given to Decode and are
//     valid only while those bytes are unchanged.
//   - Unknown message types, stat keys, classifications and markers are not
//     errors: they decode to the Unknown value of their enum, with the text
//     recoverable through a Span, so callers can count them.
//
// The hot path imports only the standard library.
package decode
