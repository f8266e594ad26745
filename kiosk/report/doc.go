// Package report aggregates a center's stored tickets into the figures its
// managers read: per field, per counter, per hour and per day, the tickets
// issued, served, absent and cancelled; waiting and service times (median and
// 90th percentile); and the citizens' ratings. It is pure: Build takes the
// tickets and the center's time zone and returns numbers, so it is tested
// with tables; WriteCSV writes a report for Excel (UTF-8 with a BOM).
//
// Definitions, in the center's time zone:
//   - a ticket belongs to the local day and hour it was issued;
//   - its field is the one it ended in (after a transfer, the new field);
//     its counter is the last that called it;
//   - waiting time runs from issue to the call that led to its service
//     (recalls do not count; a transferred ticket's call in its new field);
//   - service time runs from the start of service (or the call when the clerk
//     did not press "start") to completion, for completed tickets only;
//   - percentiles use the nearest-rank method: the median of 1, 2, 3, 4 is 2.
package report
