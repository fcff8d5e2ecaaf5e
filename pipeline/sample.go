package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/synth"
)

// WriteSample writes the built-in sample game (synth.SampleConfig, a
// deterministic simulated game) as a bundle under dir and returns the
// bundle's path. Its court.json names its template (court.WithTemplate):
// the sample is an NBA game by construction, while its size alone would
// also fit the WNBA, NCAA and 94-ft high-school courts, which a run of
// the sample would otherwise be warned of.
func WriteSample(ctx context.Context, dir string) (string, error) {
	path := filepath.Join(dir, "sample")
	cfg := synth.SampleConfig()
	if _, err := synth.Write(ctx, cfg, path, nil); err != nil {
		return "", fmt.Errorf("built-in sample: %w", err)
	}
	courtPath := filepath.Join(path, decode.BundleCourt)
	body, err := os.ReadFile(courtPath)
	if err == nil {
		body, err = court.WithTemplate(body, cfg.Court)
	}
	if err == nil {
		err = os.WriteFile(courtPath, body, 0o644)
	}
	if err != nil {
		return "", fmt.Errorf("built-in sample: %w", err)
	}
	return path, nil
}
