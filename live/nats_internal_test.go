package live

import "testing"

// The logs show a --nats URL without its password.
func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"nats://user:secret@nats.example:4222": "nats://user:xxxxx@nats.example:4222",
		"nats://127.0.0.1:4222":                "nats://127.0.0.1:4222",
		// The client takes a list, and hosts without a scheme.
		"nats://u:secret@h1:4222,nats://u:secret@h2:4222":  "nats://u:xxxxx@h1:4222,nats://u:xxxxx@h2:4222",
		"nats://u:secret@h1:4222, nats://u:secret@h2:4222": "nats://u:xxxxx@h1:4222,nats://u:xxxxx@h2:4222",
		"u:secret@h1:4222":            "u:xxxxx@h1:4222",
		"nats://u:secret@h1:4222,%zz": "nats://u:xxxxx@h1:4222,<unparseable>",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
