// Package geom holds small value types and allocation-free kernels for
// positions: 2-D and 3-D vectors, rigid and similarity transforms, their
// least-squares fit from point pairs, and regular grids.
package geom
