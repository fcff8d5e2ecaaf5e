// Package bench is stmotion's benchmark harness: it builds realistic corpora
// in memory and measures stmotion's decoder side by side with peer decoders
// in the same run ("stmotion bench decode", and go test -bench here), and
// measures the analysis pipeline end to end beside the stages below it
// ("stmotion bench pipeline": Pipeline).
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
// between them (Linux; false elsewhere): Pipeline uses them for each
// stage's memory and to compare the memory a short and a long recording
// need.
//
// # Pipeline
//
// NewPipeline simulates a game (synth) into a directory, once; every run
// reads it from disk. Pipeline.Stages measures, on it:
//
//   - decode: read the recording and decode every line;
//   - engine: decode → engine (resampling, smoothing, kinematics,
//     possession, heatmaps) into a sink that counts the rows and drops them;
//   - pipeline-1: decode → engine → tables and summary.json, all on one
//     goroutine (pipeline.Options.Foreground);
//   - pipeline: the same as 'stmotion analyze --images=false' runs it, the
//     samples table's batches encoded on a second goroutine;
//   - analyze: the pipeline, then the heatmap and shot-chart images.
//
// For each: its runs' wall time and process CPU time (user+system, every
// thread: the GC and the Parquet encoding count), location samples and
// output rows, two peaks of the Go heap above the heap at the run's start
// (sampled every 2 ms with runtime/metrics: all heap objects, garbage
// included, and the live heap the GC marked), the peak RSS, and the files a
// run wrote. Pipeline.Scale compares the memory of the game and of a
// longer one; Pipeline.Games compares several games run with one job and
// with more.
//
// # Honesty rules of the pipeline
//
//   - The stages take turns: each round runs every stage once, for
//     PipelineOptions.Reps rounds, so that other load on a shared machine
//     falls on all of them alike (so do Scale's two games and Games' two
//     job counts). Compare ratios from one run, not figures between runs.
//   - A stage's wall figure is its lowest wall time, and its CPU figure its
//     lowest CPU time: the steadiest figure of each kind, often from
//     different runs, since the run the scheduler favours is not always
//     the one that spent the least CPU (StageResult.WallCPU keeps the CPU
//     time of the fastest run, for how many CPUs it kept busy). Its heap
//     peaks are the highest of its runs.
//   - Every run starts as a lone 'stmotion analyze' does: after a GC,
//     without the samples buffers an earlier run's Writer kept
//     (export.ReleaseBuffers), writing to a new directory. Nothing is
//     replaced or removed while the benchmark runs: on ext4, creating files
//     costs far more while recently freed inodes abound, so the outputs
//     stay until the caller removes PipelineOptions.Dir, and
//     StagesReport.FileCost says what creating a file costs there.
//   - Peak RSS (Linux) is the kernel's VmHWM, reset before each run
//     (ResetPeakRSS, with the freed heap returned to the system first). A
//     stage's is its first run's: later ones start from what the stages
//     before left resident. That floor cannot be taken away within one
//     process, so Scale measures each game's peak RSS in lone runs, child
//     processes taking turns (PipelineOptions.LonePeakRSS, which
//     re-executes the stmotion binary as 'stmotion bench peak-rss
//     analyze ...'), and keeps the lowest of each game's.
//   - With little garbage per sample the GC marks rarely, and a longer run
//     marks more often, so it is likelier to catch a transient high: Scale
//     runs both games again with GOGC at DenseGCPercent.
//
// A Corpus is read-only once built; a Decoder and a Pipeline serve one
// goroutine.
//
// # Stopping
//
// MeasureContext, GameCorpusContext and LoadCorpusContext stop when their
// context ends (Ctrl-C), as a Pipeline's methods do, with an error
// wrapping pipeline.ErrCanceled that says where ("bench decode: timing
// sonic, repetition 2: canceled"). A pass looks at the context every
// 65 536 messages, at the same cost for every decoder.
package bench
