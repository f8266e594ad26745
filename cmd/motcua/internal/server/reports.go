package server

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/kiosk/report"
)

// maxReportDays bounds a report's range, so one request cannot read years.
const maxReportDays = 366

// reports answers the figures of a range of local days, as JSON or, with
// format=csv, as a file for Excel.
func (s *Server) reports(c *gin.Context) {
	today := s.now().In(s.loc).Format(time.DateOnly)
	from, to := c.DefaultQuery("from", today), c.DefaultQuery("to", "")
	if to == "" {
		to = from
	}
	f, err1 := time.ParseInLocation(time.DateOnly, from, s.loc)
	t, err2 := time.ParseInLocation(time.DateOnly, to, s.loc)
	if err1 != nil || err2 != nil {
		s.fail(c, errInvalidDate)
		return
	}
	if t.Before(f) || t.Sub(f) > maxReportDays*24*time.Hour {
		s.fail(c, errInvalidRange)
		return
	}
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "csv" {
		s.fail(c, errInvalidFormat)
		return
	}
	tickets, err := s.engine.History(c.Request.Context(), from, to)
	if err != nil {
		s.fail(c, err)
		return
	}
	o := report.Opts{Location: s.loc, From: from, To: to}
	for _, fl := range s.cfg.Fields {
		o.Fields = append(o.Fields, report.Named{Key: fl.Code, Name: fl.Name})
	}
	for _, ct := range s.cfg.Counters {
		o.Counters = append(o.Counters, report.Named{Key: ct.ID, Name: ct.Name})
	}
	r := report.Build(tickets, o)
	if format == "json" {
		c.JSON(http.StatusOK, r)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="bao-cao-%s_%s.csv"`, from, to))
	c.Status(http.StatusOK)
	if err := report.WriteCSV(c.Writer, r); err != nil {
		s.log.Error("reports: csv", "err", err)
	}
}
