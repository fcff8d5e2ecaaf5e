// Package bench is stmotion's benchmark harness: it builds realistic corpora
// in memory and measures stmotion's decoder and pipeline side by side with
// peer decoders in the same run.
package bench
