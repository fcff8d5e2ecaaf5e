// Package inspect reports what one recording or session bundle holds,
// without analysing it: the work of `stmotion inspect` between its flags
// and its exit status. Read reads an input to its end and returns a
// Report; WriteText prints one as the command does, and the Report's JSON
// encoding is the command's --json line.
//
// What a Report holds: a bundle's court (Report.Court: its court.json
// fitted as analyze fits it with the same court.Options, in the
// court.Description summary.json's court holds, or the error for which
// analyze keeps its positions in the sensor frame, or refuses it when the
// template named does not fit); the lines (blank, bad, too long) and the
// messages by type; the time span; each sensor (players and balls, by type and id)
// with its samples, the median interval (from the newest time before to
// each sample that goes forward in time), the sample rate from the
// intervals near that median (so that gaps and bursts do not count), the
// longest interval (gap), and the samples older than the newest before
// ("backwards": late or reordered) or at its time ("repeats"), which take
// no part in the intervals: the sample after a late one is measured from
// the newest, so a late sample makes no gap (and a sample whose clock is
// far ahead makes a gap, and the ones after it backwards up to its time);
// the first MaxSensors sensors to appear (analyze's engine's limit: a
// feed with more invents ids), the others counted (Report.MoreSensors:
// distinct ones up to MaxCountedUnlisted, a set of their ids, and all
// their samples), so that the memory a corrupt feed costs is bounded;
// the markers in order (the first MaxMarkers);
// the unknown message types, sensor types, stat keys, classifications and
// markers; and the first bad lines' errors (decode.ReaderOptions.KeepErrors
// says how many). A bundle's files, its live sessions (live.json, then
// rounds.json) and its roster's names go with it; Options.Roster names the
// players of an input without a roster of its own (a bare recording).
//
// Location samples with an impossible timestamp (track.PlausibleTime),
// which the analysis drops (quality.bad_times), are counted in
// Report.BadTimes and kept out of the sensors, the time span and the gaps;
// other messages' impossible timestamps stay out of the time span.
//
// Errors: bad lines are counted and kept, never fatal. Read returns an
// error only when the input cannot be opened (decode.OpenBundle,
// decode.Bundle.OpenMessages: they name the path), and no Report then. A
// recording that cannot be read to its end (a compressed stream cut short
// or corrupt) gives a Report of what was read before, with the error in
// Report.Err (and its text in ReadError); Truncated says whether the
// stream was cut short (decode.ErrTruncated). A compressed file ending in
// zeros after its complete stream is read whole, the zeros counted in
// ZeroTail; zeros between its gzip members or zstd frames (padding) are
// skipped, counted in ZeroGaps. Nothing here names a command's flags: WriteText takes the
// words that say how to raise the line limit (TextOptions.LineLimitHint).
//
// Interrupts: Read checks ctx every 4096 lines; once it has ended, Read
// stops and returns what was read, Interrupted set. A read waiting for its
// writer (standard input, a named pipe) does not end with ctx: the
// caller's process ends it (the command's second Ctrl-C).
//
// Lifetimes and concurrency: Read keeps nothing once it returns (the
// recording is closed); a Report is plain values, the caller's. Read may
// run for different inputs on several goroutines at once, sharing
// Options.Roster, which it only reads.
package inspect
