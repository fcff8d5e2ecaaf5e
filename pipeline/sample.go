package pipeline

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/stmotion/stmotion/synth"
)

// WriteSample writes the built-in sample game (synth.SampleConfig, a
// deterministic simulated game) as a bundle under dir and returns the
// bundle's path.
func WriteSample(ctx context.Context, dir string) (string, error) {
	path := filepath.Join(dir, "sample")
	if _, err := synth.Write(ctx, synth.SampleConfig(), path, nil); err != nil {
		return "", fmt.Errorf("built-in sample: %w", err)
	}
	return path, nil
}
