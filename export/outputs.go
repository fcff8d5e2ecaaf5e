package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	json "github.com/goccy/go-json"
)

// Outputs are the tables an earlier run left under a directory, as
// FindOutputs finds them. A run that writes there replaces only the files
// of its own sessions: readers of the directory would take the others for
// part of its dataset.
type Outputs struct {
	// Flat are the one-session table files (<table>.parquet, <table>.arrow)
	// and FlatSession their session: as the directory's summary.json names
	// it, or, when it does not say (a run killed after it renamed its
	// tables into place but before it wrote summary.json), as the files'
	// own session_id column does (TablesSession); "" when neither says.
	Flat        []string
	FlatSession string
	// Sessions are the session ids of the Hive partitions
	// (<table>/session_id=<id>/), sorted, each once, as PartitionSession
	// reads them (PartitionKey of the full ids).
	Sessions []string
}

// Empty reports whether no table output was found.
func (o *Outputs) Empty() bool { return len(o.Flat) == 0 && len(o.Sessions) == 0 }

// Foreign returns what of o a run of the given sessions would not replace,
// in words ("" when it would replace everything): the one-session files
// and the partitions of other sessions, in either layout. A run replaces
// its own sessions' outputs in whichever layout it writes (Tidy removes
// those of the other), so neither layout is foreign to it; only
// one-session files of a session the summary.json beside them does not
// name are, as their session is not known.
func (o *Outputs) Foreign(sessions []string) string {
	var parts []string
	if len(o.Flat) > 0 && (o.FlatSession == "" || !slices.Contains(sessions, o.FlatSession)) {
		who := "of a session summary.json does not name"
		if o.FlatSession != "" {
			who = "of session " + o.FlatSession
		}
		parts = append(parts, fmt.Sprintf("the one-session tables %s (%s)", who, filepath.Base(o.Flat[0])))
	}
	var other []string
	for _, id := range o.Sessions {
		if !slices.ContainsFunc(sessions, func(s string) bool { return PartitionKey(s) == id }) {
			other = append(other, id)
		}
	}
	if len(other) > 0 {
		list := strings.Join(other[:min(len(other), 3)], ", ")
		if len(other) > 3 {
			list += fmt.Sprintf(" and %d more", len(other)-3)
		}
		parts = append(parts, fmt.Sprintf("the partitions of %d other session(s) (%s)", len(other), list))
	}
	return strings.Join(parts, " and ")
}

// FindOutputs lists the table outputs under dir: the one-session files and
// the sessions of the Hive partitions of every table (nothing when dir does
// not exist). It reads what ListTables lists, so a partition counts only
// when it holds a table file: a directory left empty, or holding only the
// temporary file of a write that never finished (a killed process), is no
// session's output.
func FindOutputs(dir string) (Outputs, error) {
	var o Outputs
	files, err := ListTables(dir)
	if err != nil {
		return o, fmt.Errorf("export: find outputs: %w", err)
	}
	for _, f := range files {
		switch {
		case !f.Hive:
			o.Flat = append(o.Flat, f.Path)
		case !slices.Contains(o.Sessions, f.SessionID):
			o.Sessions = append(o.Sessions, f.SessionID)
		}
	}
	slices.Sort(o.Sessions)
	if len(o.Flat) > 0 {
		o.FlatSession = flatSession(dir)
	}
	if len(o.Flat) > 0 && o.FlatSession == "" {
		o.FlatSession = TablesSession(o.Flat)
	}
	return o, nil
}

// flatSession is the session of the one-session files under dir as the
// summary.json there names it: its session_id, or in a summary of several
// sessions the one whose tables are one-session files (an earlier run's
// entry kept by an interrupted run of several, SessionSummary.EarlierRun);
// "" when it does not say.
func flatSession(dir string) string {
	var sum struct {
		SessionID string `json:"session_id"`
		Sessions  []struct {
			SessionID string            `json:"session_id"`
			Tables    map[string]string `json:"tables"`
		} `json:"sessions"`
	}
	data, err := readSummaryFile(filepath.Join(dir, SummaryFile))
	if err != nil || json.Unmarshal(data, &sum) != nil {
		return ""
	}
	if sum.SessionID != "" {
		return sum.SessionID
	}
	for _, s := range sum.Sessions {
		for _, p := range s.Tables {
			if !strings.Contains(p, "/") {
				return s.SessionID
			}
		}
	}
	return ""
}

// TablesSession returns the session the one-session table files at paths
// name in their session_id column, read from the first row of each: the
// one id they all name, those without rows left out. It returns "" when a
// file cannot be read as a table of this package (not Parquet or Arrow
// IPC, no session_id column first), when two files name different
// sessions, or when none has a row: their session is then not known.
func TablesSession(paths []string) string {
	id := ""
	for _, p := range paths {
		got, rows, err := fileSession(p)
		switch {
		case err != nil:
			return ""
		case !rows:
			continue
		case id != "" && got != id:
			return ""
		}
		id = got
	}
	return id
}

// fileSession reads the session_id of the first row of the one-session
// table file at path (rows false when it has none).
func fileSession(path string) (id string, rows bool, err error) {
	if strings.HasSuffix(path, FormatArrow.Ext()) {
		return arrowSession(path)
	}
	return parquetSession(path)
}

func parquetSession(path string) (id string, rows bool, err error) {
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		return "", false, err
	}
	defer rdr.Close()
	md := rdr.MetaData()
	if md.Schema.NumColumns() == 0 || md.Schema.Column(0).Name() != SessionColumn {
		return "", false, fmt.Errorf("export: %s: no %s column first", path, SessionColumn)
	}
	for i := range rdr.NumRowGroups() {
		rg := rdr.RowGroup(i)
		if rg.NumRows() == 0 {
			continue
		}
		col, err := rg.Column(0)
		if err != nil {
			return "", false, err
		}
		cr, ok := col.(*file.ByteArrayColumnChunkReader)
		if !ok {
			return "", false, fmt.Errorf("export: %s: %s is not a string column", path, SessionColumn)
		}
		v := make([]parquet.ByteArray, 1)
		if _, n, err := cr.ReadBatch(1, v, nil, nil); err != nil || n != 1 {
			return "", false, fmt.Errorf("export: %s: read %s: %d values, %v", path, SessionColumn, n, err)
		}
		return string(v[0]), true, nil
	}
	return "", false, nil
}

func arrowSession(path string) (id string, rows bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f)
	if err != nil {
		return "", false, err
	}
	defer r.Close()
	if fs := r.Schema().Fields(); len(fs) == 0 || fs[0].Name != SessionColumn {
		return "", false, fmt.Errorf("export: %s: no %s column first", path, SessionColumn)
	}
	for i := range r.NumRecords() {
		rec, err := r.RecordBatchAt(i)
		if err != nil {
			return "", false, err
		}
		id, rows, err := firstString(rec.Column(0))
		rec.Release()
		if err != nil {
			return "", false, fmt.Errorf("export: %s: %s: %w", path, SessionColumn, err)
		}
		if rows {
			return id, true, nil
		}
	}
	return "", false, nil
}

// firstString is the first value of a string (or dictionary of strings)
// column, rows false when it has none.
func firstString(a arrow.Array) (string, bool, error) {
	if a.Len() == 0 {
		return "", false, nil
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(0), true, nil
	case *array.Dictionary:
		if d, ok := a.Dictionary().(*array.String); ok {
			return d.Value(a.GetValueIndex(0)), true, nil
		}
	}
	return "", false, fmt.Errorf("a %s column, not strings", a.DataType())
}

// TableFile is a table file a Writer wrote under a directory, as
// ListTables finds it.
type TableFile struct {
	Path  string
	Table Table // as ListTables finds it (RemoveTableFile needs none)
	// SessionID is the session of a Hive partition's file (from its
	// directory's name); "" for a one-session file, whose session only
	// the summary.json beside it names (Outputs.FlatSession).
	SessionID string
	Hive      bool
}

// ListTables lists the table files under dir that a Writer writes, and
// only those: <table>.parquet and <table>.arrow, and part-0.parquet and
// part-0.arrow in each <table>/session_id=<id>/ (nothing when dir does not
// exist). Other files there, a user's own, are not stmotion's outputs and
// are not listed.
func ListTables(dir string) ([]TableFile, error) {
	var files []TableFile
	isFile := func(p string) bool {
		fi, err := os.Stat(p)
		return err == nil && fi.Mode().IsRegular()
	}
	for _, t := range Tables() {
		for _, f := range []Format{FormatParquet, FormatArrow} {
			if p := TablePath(dir, t, "", f, false); isFile(p) {
				files = append(files, TableFile{Path: p, Table: t})
			}
		}
		ents, err := os.ReadDir(filepath.Join(dir, t.String()))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("export: list tables: %w", err)
		}
		for _, e := range ents {
			id, ok := PartitionSession(e.Name())
			if !ok || !e.IsDir() {
				continue
			}
			for _, f := range []Format{FormatParquet, FormatArrow} {
				if p := filepath.Join(dir, t.String(), e.Name(), "part-0"+f.Ext()); isFile(p) {
					files = append(files, TableFile{Path: p, Table: t, SessionID: id, Hive: true})
				}
			}
		}
	}
	return files, nil
}

// RemoveTableFile removes f and then, for a partition's file, its
// partition directory and its table directory if that left them empty (an
// empty partition would look like a session without rows). A file already
// gone is not an error; a directory that still holds something stays.
func RemoveTableFile(f TableFile) error {
	if err := removeFile(f.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("export: remove table: %w", err)
	}
	if f.Hive {
		part := filepath.Dir(f.Path)
		if os.Remove(part) == nil {
			os.Remove(filepath.Dir(part))
		}
	}
	return nil
}
