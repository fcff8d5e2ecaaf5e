package live

import "testing"

// The logs show a --nats URL without its password.
func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"nats://user:secret@nats.example:4222": "nats://user:xxxxx@nats.example:4222",
		"nats://127.0.0.1:4222":                "nats://127.0.0.1:4222",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
