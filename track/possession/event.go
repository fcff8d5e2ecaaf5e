package possession

// BallState says what the ball is doing at the latest sample.
type BallState uint8

const (
	Dead     BallState = iota // the clock is not live (also before the first sample)
	Held                      // a player holds or dribbles it
	InFlight                  // released and moving fast: a pass or a shot
	Loose                     // nobody holds it and it moves slowly
)

var stateNames = [...]string{"dead", "held", "in_flight", "loose"}

func (s BallState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// Kind names the kinds of Event.
type Kind uint8

const (
	KindPossession     Kind = iota + 1 // one player's possession
	KindTeamPossession                 // consecutive player possessions of one team
	KindPass                           // a ball released by one player and, after a time in the air, next held by a teammate
	KindShot                           // a ball released toward a hoop that rose above the rim
	KindTurnover                       // the other team next held the ball without a shot in between
	KindRebound                        // the first possession after a missed detected shot
)

var kindNames = [...]string{"", "possession", "team_possession", "pass", "shot", "turnover", "rebound"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Event is one finished segment. Fields that do not apply to a Kind are zero.
//
//	KindPossession:     PlayerID/TeamID held the ball from Start_ms to End_ms,
//	                    from (StartX, StartY) to (EndX, EndY) (the player's
//	                    positions); Touches = 1; FromPlayerID = the passer
//	                    when it began with a caught pass.
//	KindTeamPossession: TeamID, Start_ms = its first player possession's
//	                    start, End_ms = when the other team took the ball,
//	                    the period ended (EndPeriod) or the input ended;
//	                    Touches = player possessions;
//	                    Passes; Live_ms = live time within.
//	KindPass:           PlayerID passed to ToPlayerID (same TeamID); Start_ms
//	                    = release, End_ms = catch; positions are the
//	                    passer's at release and the receiver's at the catch;
//	                    Length_m, Speed_mps = Length_m / duration (the
//	                    engine replaces it with the ball's own speed in
//	                    flight, see track.PossessionAnalyzer).
//	KindShot:           PlayerID/TeamID released at Start_ms from (StartX,
//	                    StartY) toward the hoop at (EndX, EndY); End_ms = when
//	                    the flight ended (next possession or dead ball); Made
//	                    = the ball was seen dropping through the rim; Is3Point
//	                    and Zone (court.StandardZones) from the release
//	                    position; Length_m = its distance to the hoop;
//	                    FreeThrow when released with the clock stopped
//	                    (then not a field goal attempt: not in
//	                    PlayerTotal.Shots nor matched with feed shots);
//	                    FromPlayerID = the passer
//	                    of the shooter's possession (a potential assist).
//	KindTurnover:       PlayerID/TeamID lost the ball at Start_ms to
//	                    ToPlayerID/ToTeamID, who held it from End_ms and
//	                    gained control (Config.Control_ms); Steal = no dead
//	                    ball in between.
//	KindRebound:        PlayerID/TeamID gained control of the ball first
//	                    after a missed shot by FromPlayerID (from Start_ms);
//	                    Offensive = same team.
type Event struct {
	Kind         Kind
	Start_ms     int64
	End_ms       int64
	PlayerID     int64
	TeamID       int64
	ToPlayerID   int64
	ToTeamID     int64
	FromPlayerID int64
	StartX_m     float64
	StartY_m     float64
	EndX_m       float64
	EndY_m       float64
	Length_m     float64
	Speed_mps    float64
	Live_ms      int64
	Touches      int32
	Passes       int32
	Made         bool
	Is3Point     bool
	Steal        bool
	Offensive    bool
	FreeThrow    bool  // shots: released while the clock was stopped
	Zone         uint8 // shots: court.StandardZones zone of the release position
}

// Duration_ms is End_ms - Start_ms.
func (e *Event) Duration_ms() int64 { return e.End_ms - e.Start_ms }

// PlayerPos is one on-court player at the ball's timestamp, in the
// canonical court frame.
type PlayerPos struct {
	ID  int64
	X_m float64
	Y_m float64
}

// PlayerTotal is one player's accumulated possession.
type PlayerTotal struct {
	PlayerID        int64
	TeamID          int64
	Possession_s    float64 // live time holding the ball
	PossessionAll_s float64 // time holding the ball, any clock state
	Touches         int     // player possessions
	Passes          int     // completed passes made
	Shots           int     // detected shots
	Turnovers       int     // detected turnovers (lost)
	Steals          int     // detected live turnovers gained
	Rebounds        int     // detected rebounds
	Assists         int     // passes into a possession that ended with a shot the feed says was made
}

// TeamTotal is one team's accumulated possession.
type TeamTotal struct {
	TeamID int64
	// Possession_s is live time in control: from a player of the team
	// gaining the ball until a shot's release, the other team's gain or
	// the clock stopping, without the time the ball had been unseen for
	// longer than Config.LostBall_ms (see the package doc).
	Possession_s float64
	// Held_s is the sum of its players' Possession_s.
	Held_s      float64
	Possessions int // team possessions (runs of its player possessions)
}
