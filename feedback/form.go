package feedback

import (
	"net/url"
	"strconv"
	"unicode/utf8"
)

// FormFields are the fields of the no-JavaScript feedback form (the frame page's), by the names
// of the JSON body; elapsed_ms has no field: the form's signed render time gives it.
var FormFields = []string{"partner", "page", "locale", "found", "helpful", "comment", "followup", "email", "website"}

// DecodeForm reads the no-JavaScript form's fields (application/x-www-form-urlencoded, parsed by
// the caller) into a submission and validates it as Decode does: found and helpful are "yes" or
// "no" (absent when neither radio is chosen), followup is "yes" when its box is ticked. Fields
// the form does not have are the caller's (its signed time, its region); a field given twice or
// not valid UTF-8 is refused. elapsedMS is the time on form, -1 when unknown.
func DecodeForm(v url.Values, elapsedMS float64) (*Submission, error) {
	return decodeForm(v, FormFields, &Submission{ElapsedMS: elapsedMS})
}

// ReportFormFields are the fields of the frame page's no-JavaScript line report form.
var ReportFormFields = []string{"partner", "page", "region", "locale", "line", "reason", "comment", "website"}

// DecodeReportForm reads the frame page's line report form as DecodeForm reads its feedback
// form, into a line report validated as DecodeReport's.
func DecodeReportForm(v url.Values, elapsedMS float64) (*Submission, error) {
	return decodeForm(v, ReportFormFields, &Submission{ElapsedMS: elapsedMS, Kind: KindLineReport})
}

func decodeForm(v url.Values, names []string, s *Submission) (*Submission, error) {
	for _, name := range names {
		vs := v[name]
		if len(vs) > 1 {
			return nil, fieldErr(name, "duplicate_field", "duplicate_field", strconv.Quote(name))
		}
		if len(vs) == 0 {
			continue
		}
		val := vs[0]
		if !utf8.ValidString(val) {
			return nil, fieldErr(name, "invalid_utf8", "invalid_utf8")
		}
		if p := s.text(name); p != nil {
			*p = val
			continue
		}
		switch name {
		case "found", "helpful", "followup":
			var b bool
			switch val {
			case "yes":
				b = true
			case "no":
			default:
				return nil, fieldErr(name, "invalid_type", "invalid_type.yes_no")
			}
			switch name {
			case "found":
				s.Found = &b
			case "helpful":
				s.Helpful = &b
			default:
				s.Followup = b
			}
		}
	}
	return s, s.Validate()
}
