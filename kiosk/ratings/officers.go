package ratings

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
)

// Officer is the ratings of one officer's visits.
type Officer struct {
	// Clerk is the username ("" for visits no console held); Name the
	// officer's name from the config.
	Clerk string `json:"clerk"`
	Name  string `json:"name"`
	// Ratings counts the rated visits; Counts[v-1] those rated v.
	Ratings int    `json:"ratings"`
	Counts  [3]int `json:"counts"`
	// Average is the mean rating (1–3) to two decimals; SatisfiedShare the
	// share rated 2 or 3 (Hài lòng, Rất hài lòng), to 0.1 %.
	Average        float64 `json:"average"`
	SatisfiedShare float64 `json:"satisfied_share"`
	// Dossiers counts the rated visits that handed in or collected a dossier.
	Dossiers int `json:"dossiers"`
}

// ByOfficer groups ratings by officer, most rated first (then by
// username); names maps usernames to names.
func ByOfficer(list []Rated, names map[string]string) []Officer {
	by := map[string]*Officer{}
	for _, r := range list {
		o := by[r.Clerk]
		if o == nil {
			o = &Officer{Clerk: r.Clerk, Name: names[r.Clerk]}
			if r.Clerk == "" {
				o.Name = "Không rõ cán bộ"
			}
			by[r.Clerk] = o
		}
		o.Ratings++
		o.Counts[r.Value-1]++
		if len(r.Codes) > 0 {
			o.Dossiers++
		}
	}
	out := make([]Officer, 0, len(by))
	for _, o := range by {
		sum := o.Counts[0] + 2*o.Counts[1] + 3*o.Counts[2]
		o.Average = math.Round(float64(sum)/float64(o.Ratings)*100) / 100
		o.SatisfiedShare = math.Round(float64(o.Counts[1]+o.Counts[2])/float64(o.Ratings)*1000) / 10
		out = append(out, *o)
	}
	slices.SortFunc(out, func(a, b Officer) int {
		return cmp.Or(cmp.Compare(b.Ratings, a.Ratings), cmp.Compare(a.Clerk, b.Clerk))
	})
	return out
}

// WriteOfficers writes the per-officer figures for Excel (UTF-8 with a
// byte order mark, CRLF).
func WriteOfficers(w io.Writer, officers []Officer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("ratings: officers: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rows := [][]string{{"Tài khoản", "Cán bộ", "Số lượt đánh giá", "Rất hài lòng", "Hài lòng", "Không hài lòng",
		"Điểm trung bình (1-3)", "Tỷ lệ hài lòng (%)", "Lượt có hồ sơ"}}
	for _, o := range officers {
		rows = append(rows, []string{safeCell(o.Clerk), safeCell(o.Name), strconv.Itoa(o.Ratings), strconv.Itoa(o.Counts[2]),
			strconv.Itoa(o.Counts[1]), strconv.Itoa(o.Counts[0]), strconv.FormatFloat(o.Average, 'f', 2, 64),
			strconv.FormatFloat(o.SatisfiedShare, 'f', 1, 64), strconv.Itoa(o.Dossiers)})
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("ratings: officers: %w", err)
	}
	return nil
}
