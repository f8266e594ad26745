package printing

import (
	"context"

	"motcua/devices/layout"
	"motcua/devices/spool"
)

// Notice renders form 02 or 03 and queues it on the named printer.
func (s *Service) Notice(ctx context.Context, printerName string, job layout.NoticeJob) (spool.Job, error) {
	if printerName == "" {
		return spool.Job{}, ErrNoPrinter
	}
	if job.Agency == "" {
		job.Agency = s.o.CenterName
	}
	if job.Place == "" {
		job.Place = s.o.CenterAddress
	}
	return s.submit(ctx, printerName, KindNotice, job.DossierCode, job.DossierCode, func(o layout.Opts) (*layout.Output, error) {
		return s.render.Notice(job, o)
	})
}
