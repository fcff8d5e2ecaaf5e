// Package export writes what the engine produces as Arrow / Parquet tables
// and images. It is the only package that imports arrow-go.
package export
