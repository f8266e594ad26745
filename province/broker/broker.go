package broker

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"motcua/province/wire"
)

// Center is one center's NATS identity: its id and the public half of its
// NKey (the seed stays on the center's box).
type Center struct {
	ID   string
	NKey string // "U..."
}

// Opts configure an embedded server.
type Opts struct {
	// Listen is HOST:PORT for centers; port 0 takes a free one.
	Listen string
	// StoreDir holds JetStream's files; required (the events in it are not
	// yet in PostgreSQL).
	StoreDir string
	// Hub is the public NKey of the hub's own connection (all subjects).
	Hub     string
	Centers []Center
	// TLS, when set, is required of every client.
	TLS *tls.Config
	// Ready is how long Start waits for the server; default 10 s.
	Ready time.Duration
	// Cluster, when set, makes this server one of a NATS cluster (a hub
	// process on each of several machines): a stream of 3 replicas then
	// lives on three of them and outlives one.
	Cluster *Cluster
}

// Cluster is a server's part in a NATS cluster.
type Cluster struct {
	Name   string   // the cluster's name, the same on every server
	Server string   // this server's name, its own in the cluster
	Listen string   // HOST:PORT where the other servers' routes connect
	Routes []string // the other servers' routes, nats-route://HOST:PORT
}

// Server is a running embedded NATS server.
type Server struct {
	ns   *server.Server
	mu   sync.Mutex
	opts *server.Options
	once sync.Once
}

// Start checks o and starts the server.
func Start(o Opts) (*Server, error) {
	if o.StoreDir == "" {
		return nil, errors.New("broker: a JetStream directory is required")
	}
	host, port, err := splitListen(o.Listen)
	if err != nil {
		return nil, err
	}
	users, err := nkeyUsers(o.Hub, o.Centers)
	if err != nil {
		return nil, err
	}
	opts := &server.Options{
		ServerName: "motcua-hub",
		Host:       host, Port: port,
		JetStream: true, StoreDir: o.StoreDir,
		// A frame acknowledged to a center is on disk: the center will not
		// send it again, so a power cut must not take it (JetStream's
		// default writes to disk every 2 minutes).
		SyncAlways: true,
		Nkeys:      users,
		NoSigs:     true, NoLog: true,
		// A commune link may stall for a while without being gone.
		PingInterval: 20 * time.Second, MaxPingsOut: 3,
		MaxPayload: 4 << 20,
	}
	if c := o.Cluster; c != nil {
		if c.Name == "" || c.Server == "" || c.Listen == "" {
			return nil, errors.New("broker: a cluster needs its name, this server's name and where its routes listen")
		}
		ch, cp, err := splitListen(c.Listen)
		if err != nil {
			return nil, fmt.Errorf("broker: cluster: %w", err)
		}
		opts.ServerName = c.Server
		opts.Cluster = server.ClusterOpts{Name: c.Name, Host: ch, Port: cp}
		opts.Routes = server.RoutesFromStr(strings.Join(c.Routes, ","))
		if len(opts.Routes) != len(c.Routes) {
			return nil, fmt.Errorf("broker: cluster: routes %q: not route URLs", c.Routes)
		}
	}
	if o.TLS != nil {
		opts.TLSConfig = o.TLS
		opts.TLS = true
		opts.TLSVerify = o.TLS.ClientAuth == tls.RequireAndVerifyClientCert
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("broker: %w", err)
	}
	go ns.Start()
	ready := o.Ready
	if ready <= 0 {
		ready = 10 * time.Second
	}
	if !ns.ReadyForConnections(ready) {
		ns.Shutdown()
		return nil, fmt.Errorf("broker: NATS server not ready on %s within %s", o.Listen, ready)
	}
	return &Server{ns: ns, opts: opts}, nil
}

// ClientURL is the URL centers and the hub dial.
func (s *Server) ClientURL() string { return s.ns.ClientURL() }

// Addr is where the server listens.
func (s *Server) Addr() string {
	if a := s.ns.Addr(); a != nil {
		return a.String()
	}
	return ""
}

// InProcessConn connects to the server without the network (the hub in
// the same process).
func (s *Server) InProcessConn() (net.Conn, error) { return s.ns.InProcessConn() }

// SetCenters replaces the centers' users; connected clients of a removed
// center are dropped, the others stay.
func (s *Server) SetCenters(hub string, centers []Center) error {
	users, err := nkeyUsers(hub, centers)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.opts.Clone()
	next.Nkeys = users
	if err := s.ns.ReloadOptions(next); err != nil {
		return fmt.Errorf("broker: reload: %w", err)
	}
	s.opts = next
	return nil
}

// Close stops the server; JetStream's files stay for the next start.
func (s *Server) Close() {
	s.once.Do(func() {
		s.ns.Shutdown()
		s.ns.WaitForShutdown()
	})
}

func nkeyUsers(hub string, centers []Center) ([]*server.NkeyUser, error) {
	if !nkeys.IsValidPublicUserKey(hub) {
		return nil, errors.New("broker: the hub's NKey is not a public user key (U...)")
	}
	users := []*server.NkeyUser{{Nkey: hub}}
	seen := map[string]string{hub: "the hub"}
	for _, c := range centers {
		if err := wire.CheckCenter(c.ID); err != nil {
			return nil, fmt.Errorf("broker: %w", err)
		}
		if !nkeys.IsValidPublicUserKey(c.NKey) {
			return nil, fmt.Errorf("broker: center %s: nkey is not a public user key (U...)", c.ID)
		}
		if other, ok := seen[c.NKey]; ok {
			return nil, fmt.Errorf("broker: center %s has the same nkey as %s: each center needs its own", c.ID, other)
		}
		seen[c.NKey] = "center " + c.ID
		p := wire.CenterPermissions(c.ID)
		users = append(users, &server.NkeyUser{Nkey: c.NKey, Permissions: &server.Permissions{
			Publish:   &server.SubjectPermission{Allow: p.Publish},
			Subscribe: &server.SubjectPermission{Allow: p.Subscribe},
		}})
	}
	return users, nil
}

func splitListen(listen string) (string, int, error) {
	if listen == "" {
		return "127.0.0.1", 4250, nil
	}
	host, p, err := net.SplitHostPort(listen)
	if err != nil {
		return "", 0, fmt.Errorf("broker: listen %q: %w", listen, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("broker: listen %q: bad port", listen)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	return host, port, nil
}
