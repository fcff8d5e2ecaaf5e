package court

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error from ParseBody and New wraps one of them; the
// validation errors are a *CheckError that also says by how much the check
// failed.
var (
	ErrBody         = errors.New("bad /court body")
	ErrNotFinite    = errors.New("coordinate is not finite")
	ErrSize         = errors.New("court size out of range")
	ErrCrossed      = errors.New("corner labels swapped: the corners do not run round the court")
	ErrHalfCourt    = errors.New("corners of a half court")
	ErrAxes         = errors.New("corners labelled 90° off")
	ErrMirrored     = errors.New("corners are mirrored")
	ErrNotRectangle = errors.New("corners do not form a rectangle")
	ErrTemplate     = errors.New("court size matches no template")
	ErrHoop         = errors.New("hoop not where the court puts it")
	ErrHoopHeight   = errors.New("hoop not at rim height")
)

// CheckError is a failed validation check of a /court body: which check,
// what was measured, the limit, and what to do about it.
type CheckError struct {
	Check string  // "size", "order", "half-court", "axes", "mirror", "rectangle", "template", "hoop", "hoop-height"
	Got   float64 // the measured quantity, in Unit
	Limit float64 // the tolerance or bound it broke, in Unit
	Unit  string  // "mm", "m", ...
	// Detail is a full sentence for a person: what was wrong and how to fix it.
	Detail string
	// Option names the setting that accepts what the check refused, as
	// Error gives it: "Options.AllowMirrored" for the mirror check, ""
	// for the checks no option relaxes. A caller that offers the setting
	// under another name (a command's flag) can render a copy of the
	// error with that name, so that its user is told what to use.
	Option string
	Err    error // the sentinel
}

func (e *CheckError) Error() string {
	if e.Option != "" {
		return fmt.Sprintf("court: %s check failed: %s (%s accepts it)", e.Check, e.Detail, e.Option)
	}
	return fmt.Sprintf("court: %s check failed: %s", e.Check, e.Detail)
}

func (e *CheckError) Unwrap() error { return e.Err }

// NamedOption is err, an error of Parse or New, with the option that
// would accept the court named as name, a command's flag say
// ("--allow-mirrored"): a copy of its *CheckError whose Option is name.
// err as it is when name is "" or no option relaxes the failed check.
func NamedOption(err error, name string) error {
	var ce *CheckError
	if name == "" || !errors.As(err, &ce) || ce.Option == "" {
		return err
	}
	named := *ce
	named.Option = name
	return &named
}
