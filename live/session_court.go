package live

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
)

// ErrCourtTemplate is what a *CourtTemplateError unwraps to.
var ErrCourtTemplate = errors.New("live: the court's template cannot be used")

// CourtTemplateError refuses a live id whose court template cannot be
// the one named or recorded: the template SessionConfig.CourtTemplate
// names does not fit the court's measured size (Err is the court's
// failed template check), or, at a re-join, this join's template differs
// from the one the bundle's court.json gave the table parts the earlier
// joins wrote (Recorded, Now): their shots' zones and three-pointers
// would not be the later parts' (Err nil). Join returns it before the
// bundle's court.json is written over; stmotion live exits with status 2
// for it, as for a bad command line.
type CourtTemplateError struct {
	LiveID string
	Named  string // SessionConfig.CourtTemplate; "" for none
	// Recorded and Now are the templates of a re-join: the bundle's
	// court.json's (its "template", else by its size) and this join's.
	Recorded, Now string
	Dir           string // the bundle directory (a re-join); "" otherwise
	Err           error  // the court's *court.CheckError, for a template that does not fit
}

func (e *CourtTemplateError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("live: live id %s: the court template named (%s) does not fit the court: %v", PrintableID(e.LiveID), e.Named, e.Err)
	}
	return fmt.Sprintf("live: live id %s: the bundle %s has table parts made on the %s court template (its court.json), this join would use %s: "+
		"their shots' zones and three-pointers would not agree; join again with the template they were made with, or into another output directory",
		PrintableID(e.LiveID), e.Dir, e.Recorded, e.Now)
}

func (e *CourtTemplateError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrCourtTemplate, e.Err}
	}
	return []error{ErrCourtTemplate}
}

// checkCourtBody refuses a /court body that is not JSON: it would not be
// recorded as court.json, which must be JSON to be read (decode.ReadCourt
// and OpenBundle take any JSON text: FuzzClientResponse).
func checkCourtBody(body []byte) error {
	if !json.Valid(body) {
		return fmt.Errorf("live: GET court: the body (%d bytes) is not JSON", len(body))
	}
	return nil
}

// sessionCourt is the court a live id's session runs on: the parsed
// court (nil in the sensor frame), where it came from (export.CourtFromAPI,
// CourtFromFlag, CourtFromNone) and the body recorded as the bundle's
// court.json (nil for none).
type sessionCourt struct {
	court  *court.Court
	source string
	body   []byte
	api    []byte // the API's body that SessionConfig.Court replaced (not valid); nil: none
}

// courtOf parses body (source: export.CourtFromAPI or CourtFromFlag; nil
// for none) with the session's settings. An API court that cannot be
// used is replaced by SessionConfig.Court when given (warned of; the
// API's body kept as sessionCourt.api). A court that cannot be used is
// warned of and the session stays in the sensor frame, but for a
// template named (SessionConfig.CourtTemplate) that does not fit it: a
// *CourtTemplateError. The body recorded names the template named, so
// that `stmotion analyze` of the bundle runs on the same court. A
// template chosen by size among several is warned of once per Join.
func (s *liveSession) courtOf(body []byte, source string) (sessionCourt, error) {
	if body == nil {
		return sessionCourt{source: export.CourtFromNone}, nil
	}
	sc := sessionCourt{source: source, body: body}
	c, err := court.Parse(body, court.Options{AllowMirrored: s.cfg.AllowMirrored, Template: s.cfg.CourtTemplate})
	switch {
	case err != nil && s.cfg.CourtTemplate != "" && errors.Is(err, court.ErrTemplate):
		return sc, &CourtTemplateError{LiveID: s.liveID, Named: s.cfg.CourtTemplate, Err: err}
	case err != nil:
		err = court.NamedOption(err, s.cfg.AllowMirroredName)
		if source == export.CourtFromAPI && s.cfg.Court != nil {
			// The given court replaces the API's that is not valid;
			// the API's body is kept beside it (court_api.json).
			s.log.Warn("live: the API's court is not usable: using the one given (--court) instead", "err", err)
			given, gerr := s.courtOf(s.cfg.Court, export.CourtFromFlag)
			given.api = body
			return given, gerr
		}
		s.log.Warn("live: court is not usable: positions stay in the sensor frame", "err", err)
		return sc, nil
	}
	for _, w := range c.Warnings() {
		s.log.Warn("live: " + w)
	}
	sc.court = c
	if s.cfg.CourtTemplate != "" {
		if sc.body, err = court.WithTemplate(body, c.Template.Name); err != nil {
			return sc, err // not expected: the body parsed
		}
	}
	s.log.Info("live: court: " + c.String())
	if alt := c.Alternatives(); len(alt) > 0 && !s.cfg.templateWarned {
		s.cfg.templateWarned = true
		s.log.Warn(fmt.Sprintf("live: the court's size is also that of the %s courts, whose three-point lines, lanes and zones differ: "+
			"analysed with the %s markings, the first of that size; name the venue's with --court-template (SessionConfig.CourtTemplate)",
			strings.Join(alt, ", "), c.Template.Name), "template", c.Template.Name, "alternatives", strings.Join(alt, ","))
	}
	return sc, nil
}

// checkRejoinTemplate refuses (*CourtTemplateError) a re-join whose court
// template is not the one the bundle's table parts were made with: that
// of the court.json the bundle dir holds (its "template", else its size),
// when it has one that can be used, and parts. Nothing to compare without
// either, or when this join has no court.
func (s *liveSession) checkRejoinTemplate(dir string, now *court.Court) error {
	if now == nil || s.cfg.NoTables {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(dir, decode.BundleCourt))
	if err != nil {
		return nil // none recorded (or unreadable: written over, as before)
	}
	was, err := court.Parse(data, court.Options{AllowMirrored: s.cfg.AllowMirrored})
	if err != nil || was.Template.Name == now.Template.Name {
		return nil
	}
	if n, err := lastSeq(filepath.Join(dir, "tables"), "part-", ""); err != nil || n == 0 {
		return nil
	}
	return &CourtTemplateError{LiveID: s.liveID, Named: s.cfg.CourtTemplate, Recorded: was.Template.Name, Now: now.Template.Name, Dir: dir}
}
