package chart_test

import (
	"bufio"
	"bytes"
	"fmt"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/export/chart"
	"github.com/stmotion/stmotion/track/heatmap"
)

// A player's ten seconds at the top of the key, drawn as SVG.
func ExampleHeatmap() {
	a := heatmap.New(heatmap.Options{})
	for range 100 {
		a.AddPlayer(23, 461, 1, 6.5, 0.2, 0.1, true)
	}
	var b bytes.Buffer
	err := chart.Heatmap(&b, chart.SVG, a.Grid(heatmap.ScopePlayer, 23), court.NBA,
		chart.Options{Title: "Player 23", From_ms: 1500571200000, To_ms: 1500571210000})
	if err != nil {
		fmt.Println(err)
		return
	}
	sc := bufio.NewScanner(&b)
	sc.Scan()
	fmt.Println(sc.Text())
	// Output:
	// <svg xmlns="http://www.w3.org/2000/svg" width="886" height="508" viewBox="0 0 886 508">
}
