package feedback

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Export formats.
const (
	FormatCSV   = "csv"
	FormatJSONL = "jsonl"
)

// CheckFormat returns an error naming the formats when f is not one.
func CheckFormat(f string) error {
	if f != FormatCSV && f != FormatJSONL {
		return fmt.Errorf("format %q: want csv or jsonl", f)
	}
	return nil
}

// recordColumns is the CSV header of a records export.
var recordColumns = []string{"id", "received_at", "partner", "page", "locale", "found", "helpful", "comment", "crisis", "followup", "ip_hash"}

// ExportRecords writes the records of st passing f to w, streamed, as CSV (RFC 4180: quotes
// doubled, line breaks kept inside quoted fields) or JSON lines.
func ExportRecords(ctx context.Context, st Store, f Filter, format string, w io.Writer) error {
	if err := CheckFormat(format); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	var cw *csv.Writer
	enc := json.NewEncoder(bw)
	if format == FormatCSV {
		cw = csv.NewWriter(bw)
		if err := cw.Write(recordColumns); err != nil {
			return err
		}
	}
	err := st.Records(ctx, f, func(r *Record) error {
		if cw == nil {
			return enc.Encode(r)
		}
		return cw.Write([]string{r.ID, r.ReceivedAt.UTC().Format(time.RFC3339Nano), r.Partner, cell(r.Page), r.Locale,
			yesNo(r.Found), yesNo(r.Helpful), cell(r.Comment), fmt.Sprint(r.Crisis), fmt.Sprint(r.Followup), r.IPHash})
	})
	if cw != nil {
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// ExportFollowups writes to w the follow-ups passing f's Since, Until, Partner and Partners (the
// only fields a follow-up has to filter on).
func ExportFollowups(ctx context.Context, st Store, f Filter, format string, w io.Writer) error {
	if err := CheckFormat(format); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	var cw *csv.Writer
	enc := json.NewEncoder(bw)
	if format == FormatCSV {
		cw = csv.NewWriter(bw)
		if err := cw.Write([]string{"id", "received_at", "partner", "email"}); err != nil {
			return err
		}
	}
	err := st.Followups(ctx, f.Since, func(fu *Followup) error {
		if (f.Partner != "" && fu.Partner != f.Partner) || !f.PartnerAllowed(fu.Partner) || (!f.Until.IsZero() && !fu.ReceivedAt.Before(f.Until)) {
			return nil
		}
		if cw == nil {
			return enc.Encode(fu)
		}
		return cw.Write([]string{fu.ID, fu.ReceivedAt.UTC().Format(time.RFC3339Nano), fu.Partner, cell(fu.Email)})
	})
	if cw != nil {
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// cell defuses text a spreadsheet would run as a formula (=, +, -, @ first) by prefixing a
// quote, as OWASP advises for CSV that operators open in a spreadsheet.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

// StatsRow counts the records of one partner and page on one day (UTC).
type StatsRow struct {
	Day        string `json:"day"`
	Partner    string `json:"partner"`
	Page       string `json:"page"`
	Total      int    `json:"total"`
	FoundYes   int    `json:"found_yes"`
	FoundNo    int    `json:"found_no"`
	HelpfulYes int    `json:"helpful_yes"`
	HelpfulNo  int    `json:"helpful_no"`
	Comments   int    `json:"comments"`
	Crisis     int    `json:"crisis"`
}

// Stats is the answer of GET /v1/admin/feedback/stats.
type Stats struct {
	Rows []StatsRow `json:"rows"`
}

// ComputeStats counts the records of st passing f per day, partner and page, sorted by those.
func ComputeStats(ctx context.Context, st Store, f Filter) (*Stats, error) {
	type key struct{ day, partner, page string }
	rows := map[key]*StatsRow{}
	err := st.Records(ctx, f, func(r *Record) error {
		k := key{r.ReceivedAt.UTC().Format(time.DateOnly), r.Partner, r.Page}
		row := rows[k]
		if row == nil {
			row = &StatsRow{Day: k.day, Partner: k.partner, Page: k.page}
			rows[k] = row
		}
		row.Total++
		count(r.Found, &row.FoundYes, &row.FoundNo)
		count(r.Helpful, &row.HelpfulYes, &row.HelpfulNo)
		if r.Comment != "" {
			row.Comments++
		}
		if r.Crisis {
			row.Crisis++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s := &Stats{Rows: make([]StatsRow, 0, len(rows))}
	for _, r := range rows {
		s.Rows = append(s.Rows, *r)
	}
	slices.SortFunc(s.Rows, func(a, b StatsRow) int {
		return strings.Compare(a.Day+"\x00"+a.Partner+"\x00"+a.Page, b.Day+"\x00"+b.Partner+"\x00"+b.Page)
	})
	return s, nil
}

func count(b *bool, yes, no *int) {
	if b != nil {
		if *b {
			*yes++
		} else {
			*no++
		}
	}
}
