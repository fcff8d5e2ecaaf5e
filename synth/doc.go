// Package synth is a deterministic basketball simulator that writes
// ShotTracker session bundles together with their noise-free ground truth.
package synth
