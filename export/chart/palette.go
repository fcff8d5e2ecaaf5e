package chart

import (
	"image/color"
	"math"
)

// Palette is a perceptually uniform colour scale.
type Palette uint8

const (
	Viridis Palette = iota // default
	Magma
)

// Nine evenly spaced samples of matplotlib's viridis and magma colour maps
// (van der Walt & Smith, 2015; the values matplotlib's documentation lists
// for 9 samples). Between samples the colour is interpolated linearly in
// sRGB: with nine anchors the result stays within a few units of the
// published 256-entry tables.
var (
	viridis9 = [9]uint32{0x440154, 0x472c7a, 0x3b518b, 0x2c718e, 0x21908d, 0x27ad81, 0x5cc863, 0xaadc32, 0xfde725}
	magma9   = [9]uint32{0x000004, 0x1c1044, 0x4f127b, 0x812581, 0xb5367a, 0xe55964, 0xfb8761, 0xfec287, 0xfcfdbf}
)

// At returns the colour at v in [0, 1] (clamped; NaN gives the low end).
func (p Palette) At(v float64) color.RGBA {
	tab := &viridis9
	if p == Magma {
		tab = &magma9
	}
	if !(v > 0) {
		v = 0
	}
	if v > 1 {
		v = 1
	}
	f := v * float64(len(tab)-1)
	i := int(math.Floor(f))
	if i >= len(tab)-1 {
		i = len(tab) - 2
	}
	w := f - float64(i)
	a, b := tab[i], tab[i+1]
	ch := func(s uint) uint8 {
		x := float64(a>>s&0xff)*(1-w) + float64(b>>s&0xff)*w
		return uint8(math.Round(x))
	}
	return color.RGBA{ch(16), ch(8), ch(0), 0xff}
}
