package msg

import (
	"testing"
	"time"
)

func TestWait(t *testing.T) {
	for _, tc := range []struct {
		d      time.Duration
		vi, en string
	}{
		{-time.Second, "dưới 1 phút", "under a minute"},
		{0, "dưới 1 phút", "under a minute"},
		{30 * time.Second, "khoảng 1 phút", "about 1 minute"},
		{59 * time.Second, "khoảng 1 phút", "about 1 minute"},
		{60 * time.Second, "khoảng 1 phút", "about 1 minute"},
		{61 * time.Second, "khoảng 2 phút", "about 2 minutes"},
		{89 * time.Second, "khoảng 2 phút", "about 2 minutes"},
		{90 * time.Second, "khoảng 2 phút", "about 2 minutes"},
		{15 * time.Minute, "khoảng 15 phút", "about 15 minutes"},
		{29*time.Minute + 59*time.Second, "khoảng 30 phút", "about 30 minutes"},
		{59*time.Minute + time.Second, "khoảng 1 giờ", "about 1 hour"},
		{61 * time.Minute, "khoảng 1 giờ 1 phút", "about 1 hour 1 minute"},
		{80 * time.Minute, "khoảng 1 giờ 20 phút", "about 1 hour 20 minutes"},
		{2 * time.Hour, "khoảng 2 giờ", "about 2 hours"},
		{2*time.Hour + 30*time.Second, "khoảng 2 giờ 1 phút", "about 2 hours 1 minute"},
	} {
		if got := Wait(tc.d); got.VI != tc.vi || got.EN != tc.en {
			t.Errorf("Wait(%v) = %+v, want %q / %q", tc.d, got, tc.vi, tc.en)
		}
	}
}

func TestDelay(t *testing.T) {
	for _, tc := range []struct {
		d      time.Duration
		vi, en string
	}{
		{0, "1 giây", "1 second"},
		{300 * time.Millisecond, "1 giây", "1 second"},
		{time.Second, "1 giây", "1 second"},
		{1500 * time.Millisecond, "2 giây", "2 seconds"},
		{59 * time.Second, "59 giây", "59 seconds"},
		{60 * time.Second, "1 phút", "1 minute"},
		{61 * time.Second, "2 phút", "2 minutes"},
		{15 * time.Minute, "15 phút", "15 minutes"},
	} {
		if got := Delay(tc.d); got.VI != tc.vi || got.EN != tc.en {
			t.Errorf("Delay(%v) = %+v, want %q / %q", tc.d, got, tc.vi, tc.en)
		}
	}
}
