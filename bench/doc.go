// Package bench is stmotion's benchmark harness: it builds realistic corpora
// in memory and measures stmotion's decoder side by side with peer decoders
// in the same run ("stmotion bench decode", and go test -bench here).
//
// # Corpora
//
// GameCorpus generates, deterministically from a seed, the websocket feed
// of a game: 10 players and the ball at 25 Hz each (about 110-byte location
// lines, 99% of the messages), with DIST stats updates, shots and their box
// score, clock-state and game markers interleaved as a game produces them.
// GameOptions.Shuffled writes the same messages with their keys in random
// order at both levels and extra whitespace, since real producers do not
// promise a key order. LoadCorpus reads a recording file instead.
//
// # Peers
//
// Peers are measured on the same bytes in the same process: stmotion's
// decode.Decoder, and encoding/json, goccy/go-json and bytedance/sonic each
// decoding into the natural Go struct for the feed (one struct for every
// message type, stats in a map) followed by a switch on "type" that fills
// the same decode.Message. sonic is only built where it has a native
// implementation; elsewhere, or if it fails at run time, it is reported as
// unavailable with the reason, instead of failing the run.
//
// # Honesty rules
//
//   - Before anything is timed, every peer decodes the whole corpus and its
//     Checksum (FNV-1a over every decoded field, see Checksum) must equal
//     encoding/json's; otherwise Measure fails with ErrMismatch naming the
//     first message that differs. Every timed pass then folds what the
//     decoder produced into a cheaper checksum of the same fields, which
//     must equal encoding/json's checked pass, or Measure fails with
//     ErrMismatch naming the repetition and pass. A decoder that skips work,
//     on the checked pass or on any timed one, cannot win. The fold is timed
//     with the decoding, the same few nanoseconds per message for every
//     decoder (go test -bench PassFold measures it), so the ratios compare
//     decoders doing the same work; a fast decoder's ratio to encoding/json
//     reads slightly lower than its decoding alone would give.
//   - Timing is on one goroutine locked to one OS thread, with GOMAXPROCS
//     at 1 so that the garbage collector works on the same core. Each repetition
//     runs whole passes over the corpus for at least Options.MinTime; the
//     best repetition is reported. Decoders take turns within a repetition
//     so that a noisy neighbour slows all of them alike; compare ratios
//     from one run, not absolute figures between runs.
//   - Time is the process's CPU time by default (ClockCPU): on a machine
//     shared with other work, wall time mostly measures the scheduler. It
//     includes the garbage collector's threads, so allocating costs what it
//     costs. Result.WallMB_per_s gives the elapsed-time figure beside it,
//     and Options.Clock = ClockWall times in wall time throughout.
//   - Allocations are runtime.MemStats.Mallocs deltas over every timed pass.
//   - MB/s counts message bytes (1 MB = 1e6 bytes), newlines excluded.
//
// # Process measures
//
// ProcessCPUTime is the CPU time of the whole process (all threads).
// ResetPeakRSS and PeakRSS measure the peak resident set size of what runs
// between them (Linux; false elsewhere): "stmotion bench pipeline" uses
// them to compare the memory a short and a long recording need.
//
// A Corpus is read-only once built; a Decoder serves one goroutine.
package bench
