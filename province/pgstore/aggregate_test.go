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

// Two accumulators each given part of the rows, merged, give the figures
// of one given them all: Report reads its halves of the centers that way.
func TestAccumulatorsMergedEqualOne(t *testing.T) {
	days := synthetic(24, 3, 1000) // more samples than a chunk holds, in each half
	for i := range days {
		if i%3 == 0 { // some records without a wait, some moved, some other outcomes
			for p := 0; p+recordSize <= len(days[i].recs); p += 5 * recordSize {
				r := readRecord(days[i].recs[p:])
				r.wait, r.outcome, r.origin = noTime, outCancelled, (r.field+1)%8
				copy(days[i].recs[p:], r.append(nil))
			}
		}
	}
	sizes := [groupings]int{1, 24, 8, 241, 25, 3}
	one := &accumulator{}
	for i := range days {
		one.add(&days[i])
	}
	want := one.finish(sizes)
	var halves [2]*accumulator
	halves[0], halves[1] = &accumulator{}, &accumulator{}
	for i := range days {
		halves[days[i].center%2].add(&days[i])
	}
	halves[0].merge(halves[1])
	got := halves[0].finish(sizes)
	for g := range want {
		if len(got[g]) != len(want[g]) {
			t.Fatalf("grouping %d: %d groups, want %d", g, len(got[g]), len(want[g]))
		}
		for i := range want[g] {
			if got[g][i] != want[g][i] {
				t.Errorf("grouping %d, group %d:\n got %+v\nwant %+v", g, i, got[g][i], want[g][i])
			}
		}
	}
	if want[byTotal][0].Tickets != 24*3*1000 || want[byTotal][0].Cancelled == 0 || want[byTotal][0].TransfersOut == 0 {
		t.Fatalf("the rows do not have what the test means: %+v", want[byTotal][0])
	}
}
