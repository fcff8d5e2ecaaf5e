package export

import (
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stmotion/stmotion/track"
)

// Table names one output table. The names are stable: they are file and
// directory names of the output and are documented in docs/schema.md.
type Table uint8

const (
	TableSamples     Table = iota // one row per sensor per grid tick
	TablePlayers                  // per-player summary
	TablePossessions              // player and team possessions
	TableEvents                   // passes, detected shots, turnovers, rebounds, markers
	TableShots                    // feed shots located on the court
	TableBoxScore                 // final feed stats per player
	TableDistCheck                // the feed's DIST against the engine's distance
	TableHeatmaps                 // occupancy heatmaps in long form
	TableQuality                  // what the engine tolerated in the input
	numTables
)

// NumTables is the number of tables a Writer produces.
const NumTables = int(numTables)

var tableNames = [NumTables]string{"samples", "players", "possessions", "events", "shots", "boxscore", "dist_check", "heatmaps", "quality"}

func (t Table) String() string {
	if int(t) < NumTables {
		return tableNames[t]
	}
	return "unknown"
}

// Tables returns every table in a fixed order.
func Tables() []Table {
	ts := make([]Table, NumTables)
	for i := range ts {
		ts[i] = Table(i)
	}
	return ts
}

// SessionColumn is the name of the column that holds the session id. It is
// the first column of every table, except in the Hive layout where it is
// the partition key and lives in the directory name instead.
const SessionColumn = "session_id"

// boxStats are the feed's stat abbreviations as they appear on the wire and
// the boxscore column each fills. DIST is the only stat with a unit (cm).
var boxStats = [...]struct{ wire, col string }{
	{"PTS", "pts"}, {"FGA", "fga"}, {"FG", "fg"}, {"FGA3", "fga3"}, {"FG3", "fg3"},
	{"FTA", "fta"}, {"FT", "ft"}, {"AST", "ast"}, {"TO", "to"}, {"STL", "stl"},
	{"REB", "reb"}, {"OFFENSIVE_REB", "offensive_reb"}, {"DEFENSIVE_REB", "defensive_reb"},
	{"DIST", "dist_cm"},
}

var (
	tsMs  = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	f64   = arrow.PrimitiveTypes.Float64
	f32   = arrow.PrimitiveTypes.Float32
	i64   = arrow.PrimitiveTypes.Int64
	i32   = arrow.PrimitiveTypes.Int32
	u8    = arrow.PrimitiveTypes.Uint8
	str   = arrow.BinaryTypes.String
	boo   = arrow.FixedWidthTypes.Boolean
	listF = arrow.ListOfField(listElem)
	listI = arrow.ListOfField(arrow.Field{Name: "element", Type: i64})
	// listL is a list of float64 lists: per period, one list per period
	// (speed_band_period_s: each period's speed_band_s).
	listL = arrow.ListOfField(arrow.Field{Name: "element", Type: listF})
)

// listElem is the list columns' element field: never null, and named as
// Parquet names it (pqarrow writes "element" whatever the Arrow name), so
// that both formats give readers the same schema.
var listElem = arrow.Field{Name: "element", Type: arrow.PrimitiveTypes.Float64}

func col(name string, t arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: t}
}

// tableFields are the columns of each table after the session column.
// Every name carries its unit; see docs/schema.md.
//
// The measured columns of samples (position, speed, acceleration,
// heading) are float32: its 24-bit significand resolves about 2 µm at 28
// m and 1 µm/s at 10 m/s, far below the sensors' ~50 mm noise, while
// float64 would store some 29 more bits of that noise (and make the
// samples file 2.2 times as large). The engine computes in float64; the
// Writer rounds on the way out. Every other float column is float64.
var tableFields = [NumTables][]arrow.Field{
	TableSamples: {
		col("t", tsMs), col("sensor_id", i64), col("kind", dictInt8), col("team_id", i64),
		col("x_m", f32), col("y_m", f32), col("z_m", f32),
		col("speed_mps", f32), col("accel_mps2", f32), col("heading_rad", f32),
		col("period", i32), col("clock", dictInt8), col("in_bounds", boo), col("ball_holder", boo),
	},
	TablePlayers: {
		col("player_id", i64), col("team_id", i64), col("name", str), col("jersey", str),
		col("distance_m", f64), col("distance_live_m", f64), col("distance_court_m", f64), col("distance_period_m", listF),
		col("raw_distance_m", f64), col("top_speed_mps", f64), col("mean_speed_mps", f64),
		col("speed_band_s", listF), col("sprints", i64), col("accels", i64), col("decels", i64),
		col("time_on_court_s", f64), col("possession_s", f64), col("touches", i64),
		col("dist_stat_m", f64), col("dist_ratio", f64), col("dist_flag", str),
		// Per period as distance_period_m, after the columns older
		// releases wrote, which keep their places.
		col("sprints_period", listI), col("accels_period", listI), col("decels_period", listI),
		col("time_on_court_period_s", listF), col("speed_band_period_s", listL),
	},
	TablePossessions: {
		col("level", str), col("t_start", tsMs), col("t_end", tsMs), col("duration_s", f64),
		col("period", i32), col("player_id", i64), col("team_id", i64), col("touches", i32),
		col("start_x_m", f64), col("start_y_m", f64), col("end_x_m", f64), col("end_y_m", f64),
		col("label", str),
	},
	TableEvents: {
		col("type", str), col("t", tsMs), col("t_end", tsMs), col("period", i32),
		col("player_id", i64), col("team_id", i64), col("to_player_id", i64),
		col("start_x_m", f64), col("start_y_m", f64), col("end_x_m", f64), col("end_y_m", f64),
		col("length_m", f64), col("speed_mps", f64), col("made", boo), col("is_3point", boo),
		col("zone", u8), col("label", str), col("next_live_id", str),
	},
	TableShots: {
		col("t", tsMs), col("period", i32), col("player_id", i64), col("team_id", i64),
		col("x_m", f64), col("y_m", f64), col("made", boo), col("is_3point", boo),
		col("zone", u8), col("label", str),
	},
	TableBoxScore: boxScoreFields(),
	TableDistCheck: {
		col("t", tsMs), col("player_id", i64), col("team_id", i64),
		col("feed_dist_m", f64), col("engine_dist_m", f64), col("ratio", f64),
	},
	TableHeatmaps: {
		col("scope", str), col("id", i64), col("ix", i32), col("iy", i32),
		col("x_m", f64), col("y_m", f64), col("seconds", f64),
	},
	TableQuality: qualityFields(),
}

// qualityFields are t_start, t_end, one column per field of track.Quality
// (in its order, named in snake case: BadLines → bad_lines; an int64, a
// float64 or a bool) and shooter_agreement. Taking the fields from the
// struct keeps every count the engine adds in the table.
func qualityFields() []arrow.Field {
	fs := []arrow.Field{col("t_start", tsMs), col("t_end", tsMs)}
	qt := reflect.TypeFor[track.Quality]()
	for i := range qt.NumField() {
		f := qt.Field(i)
		switch f.Type.Kind() {
		case reflect.Int64:
			fs = append(fs, col(snake(f.Name), i64))
		case reflect.Float64:
			fs = append(fs, col(snake(f.Name), f64))
		case reflect.Bool:
			fs = append(fs, col(snake(f.Name), boo))
		}
	}
	return append(fs, col("shooter_agreement", f64))
}

// qualityValues appends the values of q in qualityFields' order.
func qualityValues(r rowCursor, q *track.Quality) rowCursor {
	v := reflect.ValueOf(q).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.Int64:
			r = r.i64(f.Int())
		case reflect.Float64:
			r = r.f64(f.Float())
		case reflect.Bool:
			r = r.bool(f.Bool())
		}
	}
	return r
}

// snake turns a Go field name into a column name: BadLines → bad_lines,
// UnknownIDs → unknown_ids.
func snake(name string) string {
	var b []byte
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			if i > 0 && 'a' <= name[i-1] && name[i-1] <= 'z' {
				b = append(b, '_')
			}
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

func boxScoreFields() []arrow.Field {
	fs := []arrow.Field{col("player_id", i64), col("team_id", i64), col("version", i64)}
	for _, s := range boxStats {
		fs = append(fs, col(s.col, f64))
	}
	return fs
}

// Schema returns the Arrow schema of table t. With session true the first
// column is session_id (a string); without it the schema is the one of the
// files of the Hive layout, where the session id is the partition key.
//
// The string columns of samples (session_id, kind, clock) are
// dictionary<int8, utf8>: a few distinct values over millions of rows.
// Parquet stores them dictionary-encoded like every string column here,
// and readers that do not keep Arrow dictionaries (DuckDB) see plain
// strings.
func Schema(t Table, session bool) *arrow.Schema {
	fs := tableFields[t]
	if session {
		st := arrow.DataType(str)
		if t == TableSamples {
			st = dictInt8
		}
		fs = append([]arrow.Field{col(SessionColumn, st)}, fs...)
	}
	return arrow.NewSchema(fs, nil)
}
