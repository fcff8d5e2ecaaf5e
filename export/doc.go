// Package export writes what the engine produces as Arrow / Parquet tables
// and summary.json. It is the only package that imports arrow-go.
//
// A Writer is a track.Sink for one session. It writes nine tables (see
// Tables and docs/schema.md for every column, type and unit): samples,
// players, possessions, events, shots, boxscore, dist_check, heatmaps and
// quality. Column names carry their units (x_m, speed_mps, seconds);
// times are TIMESTAMP(ms, UTC); positions are in the canonical court frame
// (metres, origin at center court). The samples table's measured columns
// (x_m, y_m, z_m, speed_mps, accel_mps2, heading_rad) are float32: the
// engine's float64 rounded, with a resolution (about 2 µm at 28 m) far
// below the sensors' noise, for a file less than half the size; every
// other float column is float64.
//
// Invariants:
//
//   - Memory does not grow with the session: the samples table buffers at
//     most WithBatchRows rows, the others at most 8192, then writes them
//     as one record batch (one Parquet row group, zstd-compressed). The
//     buffers that the builders and file writers free are kept and reused
//     by the Writer until Close or Abort, which give them back to the
//     WithAllocator allocator. The samples table, the big one,
//     keeps its rows in plain Go columns (no Arrow builders) and has two
//     buffers: while a background goroutine encodes and writes a full
//     one, the caller fills the other (WithForeground turns this off).
//     Close and Abort keep up to four such buffers (about 29 MB) for the
//     next Writers of the process instead of freeing them;
//     ReleaseBuffers drops them.
//   - A file appears under its final name only when Writer.Close has
//     written it completely; until then it is a hidden temporary file in
//     the same directory, removed by Writer.Abort or a failed Close. A
//     crash therefore never leaves a truncated file that looks valid.
//   - Every Arrow buffer is released by Close or Abort (tests check with
//     memory.CheckedAllocator).
//   - Data passed to Samples and Segment is copied: the engine may reuse
//     its slices as soon as the call returns, as the Sink contract allows.
//   - No column is nullable, nor are the list columns' elements. A
//     dictionary column's dictionary holds only values the column can
//     take: samples' kind is "player" or "ball", and a sample of any
//     other kind fails the Writer (SampleKindError).
//   - A Writer is used from one goroutine (the engine's); its background
//     writer touches only the samples file and is waited for by the next
//     flush, Close and Abort.
//
// Parquet details: zstd level 1 (this package's own page encoder, in
// zstd.go: 8 KiB blocks, raw literals, no frame checksum; standard zstd
// frames that every reader decodes; in full float pages the byte
// streams zstd found to be noise are stored raw without searching them
// again);
// dictionary encoding for the samples table's dictionary columns only
// (other strings are PLAIN, without statistics); BYTE_STREAM_SPLIT for float columns
// (DOUBLE, and FLOAT in samples);
// DELTA_BINARY_PACKED for the samples table's t, sensor_id and team_id;
// no min/max statistics for the samples table's float columns (they
// would filter nothing); 64 KiB data pages; the Arrow schema stored in
// the file metadata. The pages of every table but players are encoded by
// this package (pqencode.go, direct_parquet.go): samples' and heatmaps'
// from plain columns, the other small tables' from the record batches of
// their Arrow builders. Their files are those pqarrow would write for the
// same rows but for the bytes inside pages (same schema, stored Arrow
// schema, encodings, statistics and row groups). The players table, whose
// list columns need repetition levels, goes through pqarrow.
//
// Importing this package registers its zstd codec in arrow-go's
// process-wide codec registry, but its page encoder serves this
// package's writers only: they select it through the compression level
// they give arrow-go (pageLevel in zstd.go, a level far outside zstd's
// range). Any other Parquet writer in the process, at any zstd level,
// gets arrow-go's own encoder, byte for byte; decoding is arrow-go's,
// unchanged. (Do not call compress.RegisterCodec for zstd yourself
// after importing this package: this package's files would then be
// compressed by your codec, at a level it does not know.)
//
// Layouts: one session goes to <dir>/<table>.parquet. Several sessions
// under one directory use WithHiveLayout:
// <dir>/<table>/session_id=<id>/part-0.parquet, which DuckDB, Spark, Trino
// and pyarrow read as one dataset partitioned by session_id. A session's
// images go beside its tables, in images/ or images/session_id=<id>/
// (ImageDir), under the names this package gives them (HeatmapImage,
// AllShotsImage, ShotsImage; drawn by pipeline.RenderImages). ListTables
// and ListImages find these files again, and only these: a user's own
// files in the same directory are never taken for stmotion's.
//
// A run of several sessions into one directory (analyze's --out) goes
// through an OutDir: PrepareOutDir refuses a directory holding tables
// the run would not replace (readers would take them for part of its
// dataset), and OutDir.Tidy, after the run, removes what earlier runs
// wrote that would misdescribe it: a session's files it did not write
// again, a failed session's outputs, and with Overwrite everything else
// of stmotion's there. A run that adds its sessions to the dataset there
// (OutDirOptions.Add, analyze --add) refuses only tables of another
// format, moves one-session tables of another session into its
// partitions (OutDir.MoveFlat), merges its summary into the dataset's
// (AddSummary). Every run holds the directory's lock (LockOutDir)
// meanwhile, so that runs into one directory take turns; a process that
// must not wait takes it with TryLockOutDir (a live session, its
// bundle's).
// Partitions that no summary entry describes (a run killed before it
// wrote summary.json) are listed, without figures, under its unlisted
// sessions (FindUnlisted).
package export
