// Package export writes what the engine produces as Arrow / Parquet tables
// and summary.json. It is the only package that imports arrow-go.
//
// A Writer is a track.Sink for one session. It writes nine tables (see
// Tables and docs/schema.md for every column, type and unit): samples,
// players, possessions, events, shots, boxscore, dist_check, heatmaps and
// quality. Column names carry their units (x_m, speed_mps, seconds);
// times are TIMESTAMP(ms, UTC); positions are in the canonical court frame
// (metres, origin at center court).
//
// Invariants:
//
//   - Memory does not grow with the session: each table buffers at most
//     WithBatchRows rows in Arrow builders, then writes them as one record
//     batch (one Parquet row group, zstd-compressed).
//   - A file appears under its final name only when Writer.Close has
//     written it completely; until then it is a hidden temporary file in
//     the same directory, removed by Writer.Abort or a failed Close. A
//     crash therefore never leaves a truncated file that looks valid.
//   - Every Arrow buffer is released by Close or Abort (tests check with
//     memory.CheckedAllocator).
//   - Data passed to Samples and Segment is copied: the engine may reuse
//     its slices as soon as the call returns, as the Sink contract allows.
//
// Layouts: one session goes to <dir>/<table>.parquet. Several sessions
// under one directory use WithHiveLayout:
// <dir>/<table>/session_id=<id>/part-0.parquet, which DuckDB, Spark, Trino
// and pyarrow read as one dataset partitioned by session_id.
package export
