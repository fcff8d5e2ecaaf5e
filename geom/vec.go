package geom

import "math"

// Vec2 is a point or displacement in a plane. Its unit is the caller's: the
// sensor frame uses mm, the canonical court frame metres.
type Vec2 struct{ X, Y float64 }

// Vec3 is a point or displacement in space, z up.
type Vec3 struct{ X, Y, Z float64 }

// Add returns v + w.
func (v Vec2) Add(w Vec2) Vec2 { return Vec2{v.X + w.X, v.Y + w.Y} }

// Sub returns v − w.
func (v Vec2) Sub(w Vec2) Vec2 { return Vec2{v.X - w.X, v.Y - w.Y} }

// Scale returns k·v.
func (v Vec2) Scale(k float64) Vec2 { return Vec2{k * v.X, k * v.Y} }

// Dot returns v·w = vx·wx + vy·wy.
func (v Vec2) Dot(w Vec2) float64 { return v.X*w.X + v.Y*w.Y }

// Cross returns the z component of v × w = vx·wy − vy·wx: positive when w is
// counterclockwise from v.
func (v Vec2) Cross(w Vec2) float64 { return v.X*w.Y - v.Y*w.X }

// Norm returns |v| = √(vx² + vy²), without undue overflow.
func (v Vec2) Norm() float64 { return math.Hypot(v.X, v.Y) }

// Dist returns |v − w|.
func (v Vec2) Dist(w Vec2) float64 { return math.Hypot(v.X-w.X, v.Y-w.Y) }

// Angle_rad returns the direction of v, atan2(vy, vx), in (−π, π].
func (v Vec2) Angle_rad() float64 { return math.Atan2(v.Y, v.X) }

// Rotate returns v turned counterclockwise by theta_rad:
// (x·cosθ − y·sinθ, x·sinθ + y·cosθ).
func (v Vec2) Rotate(theta_rad float64) Vec2 {
	s, c := math.Sincos(theta_rad)
	return Vec2{c*v.X - s*v.Y, s*v.X + c*v.Y}
}

// Perp returns v turned counterclockwise by 90°: (−vy, vx).
func (v Vec2) Perp() Vec2 { return Vec2{-v.Y, v.X} }

// Finite reports whether neither coordinate is NaN or ±Inf.
func (v Vec2) Finite() bool { return finite(v.X) && finite(v.Y) }

// Vec3 returns (vx, vy, z).
func (v Vec2) Vec3(z float64) Vec3 { return Vec3{v.X, v.Y, z} }

// Add returns v + w.
func (v Vec3) Add(w Vec3) Vec3 { return Vec3{v.X + w.X, v.Y + w.Y, v.Z + w.Z} }

// Sub returns v − w.
func (v Vec3) Sub(w Vec3) Vec3 { return Vec3{v.X - w.X, v.Y - w.Y, v.Z - w.Z} }

// Scale returns k·v.
func (v Vec3) Scale(k float64) Vec3 { return Vec3{k * v.X, k * v.Y, k * v.Z} }

// Dot returns v·w = vx·wx + vy·wy + vz·wz.
func (v Vec3) Dot(w Vec3) float64 { return v.X*w.X + v.Y*w.Y + v.Z*w.Z }

// Cross returns v × w = (vy·wz − vz·wy, vz·wx − vx·wz, vx·wy − vy·wx).
func (v Vec3) Cross(w Vec3) Vec3 {
	return Vec3{v.Y*w.Z - v.Z*w.Y, v.Z*w.X - v.X*w.Z, v.X*w.Y - v.Y*w.X}
}

// Norm returns |v| = √(vx² + vy² + vz²).
func (v Vec3) Norm() float64 { return math.Sqrt(v.X*v.X + v.Y*v.Y + v.Z*v.Z) }

// Dist returns |v − w|.
func (v Vec3) Dist(w Vec3) float64 { return v.Sub(w).Norm() }

// XY returns the projection (vx, vy) onto the floor.
func (v Vec3) XY() Vec2 { return Vec2{v.X, v.Y} }

// Finite reports whether no coordinate is NaN or ±Inf.
func (v Vec3) Finite() bool { return finite(v.X) && finite(v.Y) && finite(v.Z) }

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
