package feedback

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/snippets"
)

// KindLineReport is the Record.Kind of a visitor's report that a crisis line did not work
// (POST /v1/reports). A report is a feedback record of another kind rather than a store of its
// own: the embedded log and the Redis stream, their fsync-before-202, spool and replay, and the
// duplicate window then hold for reports with no second implementation to keep in step.
const KindLineReport = "line_report"

// Report reasons, in the order a visitor is offered them.
const (
	ReasonNotWorking = "not_working" // "The number didn't work"
	ReasonWrongHours = "wrong_hours" // "The hours are wrong"
	ReasonOther      = "other"       // "Something else"
)

// ReportReasons are the reasons a report may give.
var ReportReasons = []string{ReasonNotWorking, ReasonWrongHours, ReasonOther}

// MaxReportComment is the longest report comment, in characters: a report says what went
// wrong with a line, not a story (that is feedback's, MaxComment).
const MaxReportComment = 500

// FlagClients is how many distinct clients (by address hash) reporting a line within 24 hours
// flag it for operators and in /metrics.
const FlagClients = 3

// reportFieldNames are the fields of a report body, in the contract's order. There is no email
// and no follow-up: a report collects nothing personal.
var reportFieldNames = []string{"partner", "page", "region", "locale", "line", "reason", "comment", "website", "elapsed_ms"}

// DecodeReport reads a line-problem report body as Decode reads feedback: one JSON object of
// the known fields only, normalized and validated. Whether the line is one of the content's is
// the caller's to check, against the content being served.
func DecodeReport(body []byte) (*Submission, error) {
	return decode(body, reportFieldNames, &Submission{ElapsedMS: -1, Kind: KindLineReport})
}

// unprocessable is the FieldError of e, a 422 (fault.Unprocessable): a well-formed field whose
// value cannot be taken.
func unprocessable(e *fault.Error) *FieldError { return (*FieldError)(e) }

// validateReport checks a report's own fields (validateCommon has checked the shared ones).
func (s *Submission) validateReport() error {
	if s.Region = strings.TrimSpace(s.Region); s.Region != "" {
		code, _, err := snippets.ParseRegion(s.Region)
		if err != nil {
			return fieldErr("region", "invalid_region", "invalid_parameter.region", `"`+truncate(s.Region, 10)+`"`)
		}
		s.Region = code
	}
	s.Line = strings.TrimSpace(s.Line)
	switch {
	case s.Line == "":
		return fieldErr("line", "required", "required")
	case len(s.Line) > MaxPartnerID || strings.IndexFunc(s.Line, notIDRune) >= 0:
		return unprocessable(fault.E(fault.Unprocessable, "unknown_line", "line", "unknown_line.report"))
	}
	if s.Reason == "" {
		return fieldErr("reason", "required", "required")
	}
	if !slices.Contains(ReportReasons, s.Reason) {
		return unprocessable(fault.E(fault.Unprocessable, "invalid_reason", "reason", "invalid_reason"))
	}
	s.Comment = CleanComment(s.Comment)
	if n := utf8.RuneCountInString(s.Comment); n > MaxReportComment {
		return unprocessable(fault.E(fault.Unprocessable, "comment_too_long", "comment", "comment_too_long", n, MaxReportComment))
	}
	return nil
}

// UnknownLine is the 422 of a report naming a line the content being served does not have (or
// no longer serves).
func UnknownLine() error {
	return unprocessable(fault.E(fault.Unprocessable, "unknown_line", "line", "unknown_line.report"))
}

// LineReports is what operators read of one line's reports over a window.
type LineReports struct {
	Line string `json:"line"`
	// Reasons counts the window's reports by reason (every reason present, 0 when none).
	Reasons map[string]int `json:"reasons"`
	Total   int            `json:"total"`
	// Clients24h is how many distinct clients (address hashes) reported the line in the last
	// 24 hours; Flagged is Clients24h >= FlagClients.
	Clients24h int  `json:"clients_24h"`
	Flagged    bool `json:"flagged"`
	// Comments are the window's latest comments, newest first.
	Comments []ReportComment `json:"comments"`
	clients  map[string]bool
}

// ReportComment is one report's comment as operators read it: never its address hash.
type ReportComment struct {
	ID         string    `json:"id"`
	ReceivedAt time.Time `json:"received_at"`
	Partner    string    `json:"partner"`
	Page       string    `json:"page"`
	Region     string    `json:"region,omitempty"`
	Locale     string    `json:"locale"`
	Reason     string    `json:"reason"`
	Comment    string    `json:"comment"`
}

// SummarizeLineReports reads the reports received from since to now and sums them per line:
// flagged lines first, then by total, then by id. comments bounds each line's latest comments.
// The last 24 hours are read even when since is later, for the distinct-client count.
func SummarizeLineReports(ctx context.Context, st Store, since, now time.Time, comments int) ([]*LineReports, error) {
	dayAgo := now.Add(-24 * time.Hour)
	f := Filter{Kind: KindLineReport, Since: since, Until: now.Add(time.Nanosecond)}
	if dayAgo.Before(since) {
		f.Since = dayAgo
	}
	byLine := map[string]*LineReports{}
	err := st.Records(ctx, f, func(r *Record) error {
		lr := byLine[r.Line]
		if lr == nil {
			lr = &LineReports{Line: r.Line, Reasons: map[string]int{}, clients: map[string]bool{}}
			for _, reason := range ReportReasons {
				lr.Reasons[reason] = 0
			}
			byLine[r.Line] = lr
		}
		if r.ReceivedAt.After(dayAgo) && r.IPHash != "" {
			lr.clients[r.IPHash] = true
		}
		if r.ReceivedAt.Before(since) {
			return nil
		}
		lr.Reasons[r.Reason]++
		lr.Total++
		if r.Comment != "" {
			// Records come oldest first: the newest are at the end, kept to the bound.
			lr.Comments = append(lr.Comments, ReportComment{ID: r.ID, ReceivedAt: r.ReceivedAt, Partner: r.Partner,
				Page: r.Page, Region: r.Region, Locale: r.Locale, Reason: r.Reason, Comment: r.Comment})
			if len(lr.Comments) > comments {
				lr.Comments = lr.Comments[1:]
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*LineReports, 0, len(byLine))
	for _, lr := range byLine {
		lr.Clients24h = len(lr.clients)
		lr.Flagged = lr.Clients24h >= FlagClients
		slices.Reverse(lr.Comments)
		if lr.Comments == nil {
			lr.Comments = []ReportComment{}
		}
		out = append(out, lr)
	}
	slices.SortFunc(out, func(a, b *LineReports) int {
		if a.Flagged != b.Flagged {
			if a.Flagged {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.Line, b.Line))
	})
	return out, nil
}
