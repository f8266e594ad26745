package notify_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"

	"motcua/kiosk/notify"
)

// A request that never connected is "unreachable"; one that may have
// reached the provider is "temporary".
func TestNetFailure(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now: the dial is refused
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://"+addr+"/send", nil)
	_, err = http.DefaultClient.Do(req)
	if err == nil {
		t.Fatal("a closed port answered")
	}
	if f := notify.NetFailure(err); f != notify.FailUnreachable {
		t.Errorf("connection refused: %s", f)
	}
	if f := notify.NetFailure(&net.DNSError{Err: "no such host", Name: "openapi.zalo.me", IsNotFound: true}); f != notify.FailUnreachable {
		t.Errorf("no name: %s", f)
	}
	if f := notify.NetFailure(context.DeadlineExceeded); f != notify.FailTemporary {
		t.Errorf("timeout: %s", f)
	}
	if f := notify.NetFailure(&net.OpError{Op: "read", Err: errors.New("connection reset")}); f != notify.FailTemporary {
		t.Errorf("reset: %s", f)
	}
}
