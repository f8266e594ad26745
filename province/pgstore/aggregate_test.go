package pgstore

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// synthetic is centers × days of perDay records: eight fields, ten
// counters, waits up to an hour and services up to half an hour.
func synthetic(centers, days, perDay int) []dayBlob {
	r := rand.New(rand.NewPCG(1, 2))
	var out []dayBlob
	for c := range centers {
		for d := range days {
			b := dayBlob{center: c, day: d, fields: []int{0, 1, 2, 3, 4, 5, 6, 7}}
			for k := range 10 {
				b.counters = append(b.counters, c*10+k)
			}
			for i := range perDay {
				rec := record{hour: uint8(7 + i*10/perDay), field: uint8(i % 8), counter: uint8(1 + i%10),
					outcome: outServed, rating: uint8(i % 4), wait: r.Uint32N(3600000), service: r.Uint32N(1800000)}
				rec.origin = rec.field
				b.recs = rec.append(b.recs)
			}
			out = append(out, b)
		}
	}
	return out
}

// BenchmarkAggregate is the Go side of a month's report of 100 centers at
// 1,000 tickets a day, without the database.
func BenchmarkAggregate(b *testing.B) {
	days := synthetic(100, 30, 1000)
	names := make([]Named, 100)
	cpu0 := cpuTime()
	for b.Loop() {
		acc := &accumulator{}
		for i := range days {
			acc.add(&days[i])
		}
		acc.finish([groupings]int{1, len(names), 8, 1001, 25, 30})
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// cpuTime is the CPU time this process used so far (user and system), which
// a loaded machine inflates much less than the wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
