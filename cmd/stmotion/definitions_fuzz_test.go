package main

import (
	"flag"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzDefinitionFlags parses --speed-bands-mps and --dist-band values as
// the command line does, then checks them as analyze and live do. A value
// is taken as a whole or not at all (an empty field is an error, not
// skipped); what is taken prints (flag.Value String) as what parses back
// to the same numbers; what passes the check is what the engine needs:
// band edges finite, > 0 and increasing, a dist band 0 ≤ lo < hi, finite.
func FuzzDefinitionFlags(f *testing.F) {
	for _, c := range [][2]string{
		{"3, 6", "0.9,1.2"}, {"1.5", "0,2"}, {"4,2", "1.05,0.95"}, {"2,,4", "0.9,,1.1"}, {"2,NaN", "0.9,Inf"},
		{"0x1p-2,1e1", "-0,5e-1"}, {",2", "0.95"}, {"2,4,", "0.9,1,1.1"}, {"", ""}, {" 7 ", "1_0,2"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, bands, band string) {
		var df definitionFlags
		fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		df.register(fs)
		def := df.d
		bandsErr := fs.Set("speed-bands-mps", bands)
		bandErr := fs.Set("dist-band", band)
		fields := func(s string) (vs []float64, ok bool) {
			for _, p := range strings.Split(s, ",") {
				v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
				if err != nil {
					return nil, false
				}
				vs = append(vs, v)
			}
			return vs, true
		}
		same := func(a, b []float64) bool {
			return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) || x != x && y != y })
		}
		if want, ok := fields(bands); ok != (bandsErr == nil) || ok && !same(df.d.SpeedBands_mps, want) || !ok && !same(df.d.SpeedBands_mps, def.SpeedBands_mps) {
			t.Fatalf("--speed-bands-mps %q: %v, %v; want %v (ok %v)", bands, df.d.SpeedBands_mps, bandsErr, want, ok)
		}
		want, ok := fields(band)
		ok = ok && len(want) == 2
		if ok != (bandErr == nil) || ok && !same([]float64{df.d.DistRatioLo, df.d.DistRatioHi}, want) ||
			!ok && (df.d.DistRatioLo != def.DistRatioLo || df.d.DistRatioHi != def.DistRatioHi) {
			t.Fatalf("--dist-band %q: %v,%v, %v; want %v (ok %v)", band, df.d.DistRatioLo, df.d.DistRatioHi, bandErr, want, ok)
		}
		// Printed, the values parse back the same.
		for _, name := range []string{"speed-bands-mps", "dist-band"} {
			fl := fs.Lookup(name)
			printed := fl.Value.String()
			var again definitionFlags
			fs2 := flag.NewFlagSet("again", flag.ContinueOnError)
			fs2.SetOutput(io.Discard)
			again.register(fs2)
			if err := fs2.Set(name, printed); err != nil || fs2.Lookup(name).Value.String() != printed ||
				!same(again.d.SpeedBands_mps, df.d.SpeedBands_mps) && name == "speed-bands-mps" {
				t.Fatalf("--%s printed %q: parsed back %q, %v", name, printed, fs2.Lookup(name).Value.String(), err)
			}
		}
		err := df.check()
		finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
		good := finite(df.d.DistRatioLo) && finite(df.d.DistRatioHi) && 0 <= df.d.DistRatioLo && df.d.DistRatioLo < df.d.DistRatioHi &&
			len(df.d.SpeedBands_mps) > 0
		for i, e := range df.d.SpeedBands_mps {
			good = good && finite(e) && e > 0 && (i == 0 || e > df.d.SpeedBands_mps[i-1])
		}
		if good != (err == nil) {
			t.Fatalf("--speed-bands-mps %v --dist-band %v,%v: check says %v", df.d.SpeedBands_mps, df.d.DistRatioLo, df.d.DistRatioHi, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "--") {
			t.Fatalf("check error %q does not name the flag", err)
		}
	})
}
