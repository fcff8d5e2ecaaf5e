package bench

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/stmotion/stmotion/decode"
)

// stmotionDecoder is our decoder, called the way a recording reader or a
// websocket loop calls it: one reused Decoder, one reused Message.
type stmotionDecoder struct {
	d      decode.Decoder
	liveID []byte // LiveID's result, reused
}

func newStmotion() (Decoder, error) { return &stmotionDecoder{}, nil }

func (s *stmotionDecoder) Decode(line []byte, m *decode.Message) error { return s.d.Decode(line, m) }

// LiveID unescapes the live_id as the peers' Unmarshal does (timed passes
// call it after every marker, so stmotion pays for it as they do).
func (s *stmotionDecoder) LiveID(line []byte, m *decode.Message) []byte {
	s.liveID = m.Marker.LiveID.AppendUnescaped(s.liveID[:0], line)
	return s.liveID
}

// LoadCorpus reads a recording (plain, .gz or .zst) into memory as a corpus.
// Lines that encoding/json (the reference) or stmotion rejects are left out
// and counted in Skipped: the harness measures throughput on valid messages,
// and how decoders treat invalid ones is the fuzz tests' business. Blank and
// too-long lines are left out too.
func LoadCorpus(path string) (*Corpus, error) {
	return LoadCorpusContext(context.Background(), path)
}

// LoadCorpusContext is LoadCorpus, stopped when ctx ends with an error
// wrapping pipeline.ErrCanceled, as MeasureContext's. (A read that waits
// on a silent named pipe is not interrupted.)
func LoadCorpusContext(ctx context.Context, path string) (*Corpus, error) {
	r, err := decode.OpenRecording(path, decode.ReaderOptions{})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	c := &Corpus{Name: path, KindCounts: map[string]int{}}
	var w wireMessage
	var d decode.Decoder
	var m decode.Message
	for n := 0; r.NextLine(); n++ {
		if n%stopEvery == 0 && ctx.Err() != nil {
			return nil, canceled("reading " + path)
		}
		line := r.Line()
		w = wireMessage{}
		if json.Unmarshal(line, &w) != nil || d.Decode(line, &m) != nil {
			c.Skipped++
			continue
		}
		c.add(line)
		c.KindCounts[m.Kind.String()]++
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	c.Skipped += int(r.Stats().TooLong)
	if c.Len() == 0 {
		return nil, fmt.Errorf("bench: %s holds no message that both encoding/json and stmotion decode (%d lines skipped)", path, c.Skipped)
	}
	return c, nil
}
