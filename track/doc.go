// Package track is the session engine: it consumes decoded messages in
// arrival order, keeps per-sensor ring buffers of PLAYER and BALL samples in
// the canonical court frame, and derives kinematics (speed, acceleration,
// distance), the box score, possession and heatmaps. Batch and live mode
// feed the same engine.
package track
