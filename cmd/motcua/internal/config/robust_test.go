package config

import (
	"testing"
	"time"
)

// The clock and retention settings reach the config, defaulted or refused.
func TestClockAndRetentionSettings(t *testing.T) {
	base := "center: {name: X, clock_max_jump: 48h, clock_settle: 5m}\nfields: [{code: A, name: A}]\ncounters: [{id: \"1\", services: [A]}]\n"
	c, err := Parse([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.Center.ClockMaxJump != 48*time.Hour || c.Center.ClockSettle != 5*time.Minute {
		t.Fatalf("clock %v %v", c.Center.ClockMaxJump, c.Center.ClockSettle)
	}
	if c.Printing.KeepJobData != 7*24*time.Hour {
		t.Fatalf("keep_job_data default %v, want 168h", c.Printing.KeepJobData)
	}
	c, err = Parse([]byte(base + "printing: {keep_job_data: 720h}\n"))
	if err != nil || c.Printing.KeepJobData != 720*time.Hour {
		t.Fatalf("keep_job_data 720h: %v %v", c.Printing.KeepJobData, err)
	}
	if _, err := Parse([]byte("center: {name: X, clock_settle: -1m}\nfields: [{code: A, name: A}]\ncounters: [{id: \"1\", services: [A]}]\n")); err == nil {
		t.Fatal("a negative clock_settle must be refused")
	}
}
