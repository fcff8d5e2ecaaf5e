// Package live talks to the ShotTracker API: the signed REST client, the
// websocket feed, and the live-mode servers that feed overlays.
package live
