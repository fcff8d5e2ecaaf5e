// Package decode turns the bytes of one ShotTracker websocket message (or one
// line of a recording) into a typed, caller-owned Message without allocating.
//
// Every message type of the ShotTracker API is understood: location (PLAYER
// and BALL samples in integer mm), stats (box-score updates, including the
// cumulative DIST in cm and manual corrections), shot, marker (game, practice
// and clock-state markers), ack, pong, and the REST API's error body.
//
//	var d decode.Decoder // reusable scratch; one per goroutine
//	var m decode.Message // reusable result
//	for each line {
//		if err := d.Decode(line, &m); err != nil { count it, go on }
//		switch m.Kind { case decode.KindLocation: use m.Location ... }
//	}
//
// # Invariants a caller keeps
//
//   - A Message is reused across calls; Decode resets the part it fills
//     (the one m.Kind names) and leaves the others alone.
//   - Spans inside a Message point into the input given to Decode and are
//     valid only while those bytes are unchanged. Span.Text gives the raw
//     bytes (escapes as on the wire), Span.AppendUnescaped the decoded text.
//   - A Decoder is not safe for concurrent use; its zero value is ready.
//   - Decode allocates nothing for any kind of message (asserted by
//     TestDecodeAllocs); only a returned error is allocated.
//
// # What is accepted
//
// One JSON object per call, with any JSON whitespace around and inside it,
// keys in any order (the top-level "type" may follow "data"), and keys this
// package does not know, whatever their values (nested objects, arrays,
// strings with escapes), which are skipped after their syntax is checked.
// The whole input is checked as JSON (RFC 8259, nesting up to 10000 levels
// as in encoding/json); strings are not checked for valid UTF-8, as in
// encoding/json. Keys and enum strings match after unescaping ("\u0074ype"
// is "type"); matching is exact, not case-insensitive (unlike encoding/json).
//
// The top-level "type" selects the Kind: location, stats, shot, marker, ack,
// pong. Any other string gives KindUnknown with TypeText, and its data is
// not looked at. An object without "type" (or with "type": null) but with
// "status" is the API error body (KindError).
//
// Required fields; everything else is optional and flagged in a Present bit
// set when given:
//
//	location  data, data.occurred_at, data.type, data.id, data.x, data.y, data.z
//	stats     data, data.occurred_at
//	shot      data, data.occurred_at; hoop_player_x and hoop_player_y together or not at all
//	marker    data, data.occurred_at, data.type (live_id optional, also on PLAY_NEXT / DRILL_NEXT)
//	ack       nothing (data, action, socketSessionId, serverAttributes optional)
//	error     status
//
// Values:
//   - null means absent, for every field; for a required field it is ErrMissing.
//   - Integer fields take any JSON number whose value is an integer:
//     15, 15.0, 1.5e1, 1500e-2 and -0 are fine; 15.5 is ErrType. Ranges:
//     occurred_at, ids, version, ack sizes int64; x, y, z and hoop_player_x/y
//     int32 (mm); zone 1-14; anything outside is ErrRange.
//   - Stat values are float64 and take any JSON number (exponents included);
//     a number beyond float64 is ErrRange. They go into Stats.Values indexed
//     by Stat, with Stats.Has saying which the message carried.
//   - Unknown stat keys, classifications, sensor types, marker types, shot
//     statuses and message types are not errors: the enum is its Unknown
//     value and the Span holds the text; unknown stat keys are counted
//     (Stats.NumUnknown) and the first few kept (Stats.UnknownKeys).
//   - A repeated key replaces the earlier value, objects included (a second
//     "data" replaces the first as a whole, where encoding/json would merge
//     them); a later null removes an earlier value. A repeated top-level
//     "type" is no exception: the last one gives the Kind, and the part
//     "data" was decoded into under an earlier one is put back as it was
//     (the general path copies a part aside before decoding "data" into
//     it, a few ns per message; the location fast paths need no copy).
//
// # Recordings and bundles
//
// A recording is JSONL, one message per line as received: OpenRecording and
// NewReader read plain, gzip and zstd (told apart by their first bytes) in
// constant memory, with CRLF, blank lines, a last line without newline,
// a leading UTF-8 byte order mark, one at the start of a line (two files
// that had one, joined: looked for only in a line that fails to decode)
// and a Ctrl-Z that ends the text (a DOS end-of-file mark). A recording
// compressed twice (a .jsonl.gz compressed again: .jsonl.gz.zst) is
// read through both streams. UTF-16 text and a zip archive, told from the first bytes of
// the text (encoding.go), fail at the start with ErrNotText and a
// message that says what the file is and how to make it readable, where
// each line would have been a bad line of escaped bytes; the first
// bytes of a stream are all that is looked at, never a line. Recording
// names (IsRecordingName, RecordingBase) match their extensions in any
// case, as Windows and macOS do. OpenRecording reads a regular file
// or a named pipe and refuses anything else (ErrNotRecordingFile): a
// device such as /dev/zero would be read forever.
// A line that does not decode, or is longer than ReaderOptions.MaxLineBytes
// (ErrLineTooLong), is counted and reported with its line number and reading
// goes on, unless the caller asked to stop at the first error. Reader.Line
// and the Spans of the Message filled by Reader.Next are valid until the
// next call to Next. A compressed stream cut short ends the reading with
// an error wrapping ErrTruncated, every complete line before the break
// delivered (and then what the break left of a line, Reader.Unended; for
// zstd, every line before the block the break falls in, see
// ErrTruncated). A
// file cut off while being written often ends in zero bytes: a stream
// that breaks where the rest of the file is zeros is cut short there (the
// zeros give no text), and zeros after a complete stream are ignored
// (Reader.ZeroTail), as gzip -t ignores them, however few. Zeros between
// gzip members or zstd frames (padding) are skipped, and the stream read
// on (Reader.ZeroGaps); other data after a complete member or frame is an
// error at its byte offset (compressed.go). A zstd frame whose header
// declares a window larger than MaxZstdWindow_B (128 MiB, the zstd CLI's
// default limit: a file compressed with --long=28 or more) fails with
// ErrZstdWindow at its byte offset, saying that zstd -d --long or
// --memory reads it: the decoder would hold that window per input,
// whatever the file's size.
//
// A session bundle is a directory holding what a client learns from the API
// (live.json, subscribe.json, court.json, stats.json, shots.json), the
// feed (messages.jsonl[.gz|.zst]) and, for a live id stmotion live
// followed from the previous one, where the period count stood
// (periods.json, Continuation), and for a feed of several live ids (a
// simulated practice) each later one's live information (rounds.json);
// OpenBundle reads it (the REST bodies with
// goccy/go-json into the types of rest.go, an integer field taking any
// number whose value is an integer as the feed's do: DecodeBody, which
// stmotion live's REST client uses too) and also accepts a bare
// recording. Those JSON files, and the court and roster files of
// ReadCourt and ReadRoster, may start with a UTF-8 byte order mark (as a
// Windows editor saves them); the typed ones read as encoding/json reads
// them into the same types (FuzzBundleJSON). One in UTF-16, a zip
// archive or compressed is refused saying so (ErrNotText with
// ErrSyntax); one whose names are not UTF-8 (a roster saved as
// Windows-1252) is read, with a warning (Bundle.Warnings, ReadRoster's). FindBundles expands directories holding
// many, and returns those it cannot search apart (SearchError), so that
// one unreadable subdirectory fails alone; it skips, and returns so too,
// the named pipes and other special files it finds (a pipe left in a
// directory would wait for a writer): named as a path of their own, they
// are read.
//
// # Errors
//
// Every error is an *Error with the byte Offset of the problem, the Field
// path ("data.x"), and one of the sentinels ErrSyntax, ErrType, ErrMissing,
// ErrRange (test with errors.Is). Recording readers set Error.Line. When an
// input has a syntax error and another problem, the syntax error wins, so
// ErrSyntax means exactly "not valid JSON" (json.Valid would say false).
// Malformed input never panics (FuzzDecode checks this against
// encoding/json).
//
// # Speed
//
// A location written the way the feed writes it (the canonical key order,
// no whitespace) is recognised by a fast path (fast.go) that compares
// literal pieces 8 bytes at a time and converts the integers in between a
// word at a time (scan_swar.go). Anything else goes through the general
// key-by-key scanner. For locations with keys in any order and padding
// that varies per message (scan_location.go), mispredicted branches cost
// more than instructions, so that loop finds fields in a collision-free key
// table, parses integers without sign- or length-dependent branches, and
// reads each ':' or ',' gap with its whitespace from one word. Both paths
// fill the same fields (TestFastPathAgrees, TestFastPathNumbers,
// FuzzDecode). A Reader runs the fast path on its buffer before looking
// for the end of the line: a canonical location that ends its line is
// decoded in place, without the newline search (FuzzReader compares the
// Reader with splitting and decoding line by line). See BenchmarkDecode,
// BenchmarkDecodeShuffled, BenchmarkReader, and
// `stmotion bench decode [--shuffled]` for the feed-level figures.
//
// The hot path imports only the standard library.
package decode
