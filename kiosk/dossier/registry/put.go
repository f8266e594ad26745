package registry

import (
	"context"
	"fmt"
	"time"

	"motcua/kiosk/dossier"
)

// Entry is one dossier another system sends whole (a pushed DongBoHoSoMC
// record): written like an import's record.
type Entry struct {
	Code                       string
	Status                     dossier.Status
	Procedure, Applicant, Unit string
	ReceivedAt, DueAt          time.Time
	// StatusAt is when the status was reached; zero: now.
	StatusAt time.Time
}

// Put writes entries in one transaction, or none: a bad code or status
// gives an *ImportError (lines are the entries' 1-based places) and nothing
// is written. Known dossiers are updated as Import updates them.
func (r *Registry) Put(ctx context.Context, entries []Entry) (ImportResult, error) {
	ierr := &ImportError{}
	seen := map[string]int{}
	recs := make([]record, 0, len(entries))
	for i, e := range entries {
		rec := record{line: i + 1, status: e.Status, procedure: e.Procedure, applicant: e.Applicant, unit: e.Unit,
			receivedAt: e.ReceivedAt, dueAt: e.DueAt, at: e.StatusAt}
		code, err := r.codes.Parse(e.Code)
		switch {
		case err != nil:
			ierr.add(i+1, "mã hồ sơ %q không đúng mẫu", dossier.NormalizeCode(e.Code))
		case seen[code] > 0:
			ierr.add(i+1, "mã hồ sơ %s trùng với hồ sơ thứ %d", code, seen[code])
		}
		seen[code] = i + 1
		if !e.Status.Valid() {
			ierr.add(i+1, "trạng thái %d phải là số từ 1 đến 10", e.Status)
		}
		rec.code = code
		recs = append(recs, rec)
	}
	if len(ierr.Lines) > 0 || ierr.More > 0 {
		return ImportResult{}, ierr
	}
	return r.write(ctx, recs)
}

// Known reports which of the normalised codes the registry holds.
func (r *Registry) Known(ctx context.Context, codes []string) (map[string]bool, error) {
	out := make(map[string]bool, len(codes))
	for _, c := range codes {
		var n int
		if err := r.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers WHERE code = ?`, c).Scan(&n); err != nil {
			return nil, fmt.Errorf("registry: known: %w", err)
		}
		out[c] = n > 0
	}
	return out, nil
}

// AgencyDateDigits says, for each agency part of the codes recorded or
// updated since since, how many digits the date group after it has in
// most of them (6 for the national yyMMdd, 8 for a ministry's yyyyMMdd):
// the kiosk's keypad types the dash after that many.
func (r *Registry) AgencyDateDigits(ctx context.Context, since time.Time) (map[string]int, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT agency, length(date) AS n, COUNT(*) AS k FROM (
			SELECT substr(code, 1, instr(code, '-') - 1) AS agency,
				substr(substr(code, instr(code, '-') + 1), 1, instr(substr(code, instr(code, '-') + 1), '-') - 1) AS date
			FROM dossiers WHERE updated_at >= ? AND instr(code, '-') > 1)
		WHERE length(date) BETWEEN 1 AND 12 AND date NOT GLOB '*[^0-9]*'
		GROUP BY agency, n ORDER BY agency, k DESC, n`, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("registry: agency dates: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var agency string
		var n, k int
		if err := rows.Scan(&agency, &n, &k); err != nil {
			return nil, fmt.Errorf("registry: agency dates: %w", err)
		}
		if _, ok := out[agency]; !ok { // the most frequent length comes first
			out[agency] = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registry: agency dates: %w", err)
	}
	return out, nil
}
