package httppipe

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"testing/synctest"
	"time"
)

func TestServesAndTimesOutOnTheBubblesClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/slow" {
				select {
				case <-time.After(time.Hour):
				case <-r.Context().Done():
				}
				return
			}
			io.WriteString(w, "hello")
		}))
		defer s.Close()
		c := s.Client()

		res, err := c.Get("http://anywhere.test/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(body) != "hello" {
			t.Fatalf("body %q", body)
		}

		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://anywhere.test/slow", nil)
		if _, err := c.Do(req); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("slow request: %v, want the deadline", err)
		}
		if el := time.Since(start); el != 300*time.Millisecond {
			t.Fatalf("gave up after %v, want exactly 300ms", el)
		}

		s.SetDown(true)
		if _, err := c.Get("http://anywhere.test/"); !errors.Is(err, ErrDown) {
			t.Fatalf("down: %v, want ErrDown", err)
		}
	})
}
