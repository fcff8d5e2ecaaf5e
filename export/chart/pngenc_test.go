package chart

import (
	"bytes"
	"image"
	"image/png"
	"math/rand/v2"
	"testing"
)

// randomImage is a w×h opaque image (x0, y0 its top left corner) of runs
// of random colours, like a chart's areas, with noise between them.
func randomImage(r *rand.Rand, x0, y0, w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(x0, y0, x0+w, y0+h))
	var run [4]byte
	for i := 0; i < len(img.Pix); i += 4 {
		if r.IntN(16) == 0 {
			run = [4]byte{byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), 0xff}
		}
		copy(img.Pix[i:i+4], run[:])
		img.Pix[i+3] = 0xff
	}
	return img
}

// encodePNG writes PNGs that image/png decodes to the same pixels, for
// even and odd widths, a single pixel and an image whose bounds do not
// start at 0; an image that is not opaque goes to image/png's encoder.
func TestEncodePNG(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	cases := []struct{ x0, y0, w, h int }{
		{0, 0, 1, 1}, {0, 0, 2, 1}, {0, 0, 3, 5}, {0, 0, 838, 460}, {0, 0, 37, 64}, {5, -3, 17, 9},
	}
	for _, c := range cases {
		img := randomImage(r, c.x0, c.y0, c.w, c.h)
		check := func(name string, img *image.RGBA) {
			t.Helper()
			var b bytes.Buffer
			if err := encodePNG(&b, img); err != nil {
				t.Fatalf("%dx%d %s: %v", c.w, c.h, name, err)
			}
			got, err := png.Decode(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("%dx%d %s: image/png cannot decode it: %v", c.w, c.h, name, err)
			}
			if got.Bounds().Dx() != c.w || got.Bounds().Dy() != c.h {
				t.Fatalf("%dx%d %s: decoded as %v", c.w, c.h, name, got.Bounds())
			}
			for y := range c.h {
				for x := range c.w {
					want := img.RGBAAt(c.x0+x, c.y0+y)
					r, g, b, a := got.At(x, y).RGBA()
					if [4]uint32{r >> 8, g >> 8, b >> 8, a >> 8} != [4]uint32{uint32(want.R), uint32(want.G), uint32(want.B), uint32(want.A)} {
						t.Fatalf("%dx%d %s: pixel (%d, %d) is %v, want %v", c.w, c.h, name, x, y, got.At(x, y), want)
					}
				}
			}
		}
		check("opaque", img)
		// A pixel that is not opaque (the last, or the first of a
		// pair): image/png's encoder writes the image, with its alpha.
		for _, i := range []int{len(img.Pix) - 1, len(img.Pix)/2/8*8 + 3} {
			saved := img.Pix[i]
			img.Pix[i] = 0x80
			var got, want bytes.Buffer
			if err := encodePNG(&got, img); err != nil {
				t.Fatal(err)
			}
			if err := pngEncoder.Encode(&want, img); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%dx%d: a translucent image is not image/png's encoding", c.w, c.h)
			}
			img.Pix[i] = saved
		}
	}
}

func TestEncodePNGAllocs(t *testing.T) {
	img := randomImage(rand.New(rand.NewPCG(5, 6)), 0, 0, 838, 460)
	var b bytes.Buffer
	encodePNG(&b, img) // the pool's first writer
	allocs := testing.AllocsPerRun(20, func() {
		b.Reset()
		if err := encodePNG(&b, img); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("encodePNG allocates %.1f times per image, want 0", allocs)
	}
}

// FuzzEncodePNG: any opaque image round-trips through encodePNG and
// image/png's decoder with the same pixels.
func FuzzEncodePNG(f *testing.F) {
	f.Add(uint8(1), []byte{1, 2, 3})
	f.Add(uint8(3), []byte("a chart is large areas of one colour"))
	f.Fuzz(func(t *testing.T, width uint8, pix []byte) {
		w := int(width%64) + 1
		h := len(pix)/(3*w) + 1
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := range w * h {
			p := img.Pix[4*i : 4*i+4]
			for k := range 3 {
				if j := 3*i + k; j < len(pix) {
					p[k] = pix[j]
				}
			}
			p[3] = 0xff
		}
		var b bytes.Buffer
		if err := encodePNG(&b, img); err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(&b)
		if err != nil {
			t.Fatalf("image/png cannot decode it: %v", err)
		}
		for y := range h {
			for x := range w {
				r, g, bl, a := got.At(x, y).RGBA()
				want := img.RGBAAt(x, y)
				if [4]uint32{r >> 8, g >> 8, bl >> 8, a >> 8} != [4]uint32{uint32(want.R), uint32(want.G), uint32(want.B), 0xff} {
					t.Fatalf("%dx%d: pixel (%d, %d) is %v, want %v", w, h, x, y, got.At(x, y), want)
				}
			}
		}
	})
}
