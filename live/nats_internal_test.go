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
		// A list's empty server stays empty (it had read "nats:").
		"nats://u:secret@h1:4222,": "nats://u:xxxxx@h1:4222,",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// A NATS URL that is not one fails NewNATSPublisher (stmotion live: exit
// status 2); a server down does not.
func TestNewNATSPublisherBadURL(t *testing.T) {
	for _, u := range []string{"::bad", "nats://127.0.0.1:notaport", "ftp://127.0.0.1:4222", "nats://127.0.0.1:1, http://h:4222"} {
		if p, err := NewNATSPublisher(u, NATSOptions{}); err == nil {
			p.Close()
			t.Errorf("NewNATSPublisher(%q): no error, want the URL refused", u)
		}
	}
	p, err := NewNATSPublisher("nats://127.0.0.1:1, TLS://127.0.0.1:2, 127.0.0.1:3", NATSOptions{})
	if err != nil {
		t.Fatalf("NewNATSPublisher, servers down: %v; want it to retry them", err)
	}
	p.Close()
}
