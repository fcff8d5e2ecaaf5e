// Package geom holds small value types and allocation-free kernels for
// positions: 2-D and 3-D vectors, plane similarity transforms (rotation,
// uniform scale, translation and an optional mirror), their least-squares
// fit from point pairs, and regular grids.
//
// Everything here is a value: Vec2, Vec3, Similarity2 and Grid are copied,
// never shared, and no function or method in the package allocates (the
// slice kernels write into caller-supplied destinations and panic on a
// length mismatch, which is a programming error, not bad data).
//
// Units are the caller's; names in the packages above carry them (the
// sensor frame is mm, the canonical court frame metres). A Similarity2 maps
//
//	x' = s·R(θ)·x + t            or, when Reflect,   x' = s·R(θ)·F·x + t
//
// with R(θ) the counterclockwise rotation and F = diag(1, −1). Fit2 finds the
// least-squares one for point pairs in closed form (the 2-D case of
// Umeyama's method) and tells a mirrored point set from a rotated one.
package geom
