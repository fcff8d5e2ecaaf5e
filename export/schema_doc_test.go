package export

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestSchemaDocumented: docs/schema.md documents every column of every
// table, under the table's heading, and no column a table lacks. (The
// session column is the first of every table; the doc names it once.)
func TestSchemaDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/schema.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string][]string{} // table → columns, in doc order
	name := regexp.MustCompile("`([a-z0-9_]+)`")
	var table string
	for line := range strings.Lines(string(doc)) {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			table = strings.TrimSpace(h)
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 3 || !strings.HasPrefix(line, "| `") {
			continue
		}
		for _, m := range name.FindAllStringSubmatch(cells[1], -1) {
			if m[1] != SessionColumn {
				documented[table] = append(documented[table], m[1])
			}
		}
	}
	for _, tb := range Tables() {
		var cols []string
		for _, f := range Schema(tb, false).Fields() {
			cols = append(cols, f.Name)
		}
		got := documented[tb.String()]
		for _, c := range cols {
			if !slices.Contains(got, c) {
				t.Errorf("%s: column %s is not in docs/schema.md", tb, c)
			}
		}
		for _, c := range got {
			if !slices.Contains(cols, c) {
				t.Errorf("%s: docs/schema.md documents %s, which the table does not have (columns %v)", tb, c, cols)
			}
		}
	}
}
