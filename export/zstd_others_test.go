package export

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// A program that imports this package and writes its own zstd Parquet
// files gets arrow-go's encoder, byte for byte: this package's page
// encoder (no entropy coding, 8 KiB window) made text pages about 3x
// larger, and is for its own writers only (pageLevel).
func TestOtherWritersGetStandardZstd(t *testing.T) {
	sc := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}, {Name: "i", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for i := range 100_000 {
		b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("event-%d-player-%d", i%1000, i%37))
		b.Field(1).(*array.Int64Builder).Append(int64(i % 5000))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	write := func(opts ...parquet.WriterProperty) []byte {
		var buf bytes.Buffer
		opts = append([]parquet.WriterProperty{parquet.WithCompression(compress.Codecs.Zstd), parquet.WithDictionaryDefault(false)}, opts...)
		w, err := pqarrow.NewFileWriter(sc, &buf, parquet.NewWriterProperties(opts...), pqarrow.DefaultWriterProps())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	for _, level := range []int{compress.DefaultCompressionLevel, 1, 3, 9} {
		got := write(parquet.WithCompressionLevel(level))
		compress.RegisterCodec(compress.Codecs.Zstd, pageCodec.Codec) // arrow-go's own, as without this package
		want := write(parquet.WithCompressionLevel(level))
		compress.RegisterCodec(compress.Codecs.Zstd, pageCodec)
		if !bytes.Equal(got, want) {
			t.Errorf("level %d: a zstd file of another writer is %d bytes, %d with arrow-go's codec: not its encoder", level, len(got), len(want))
		}
	}
}
