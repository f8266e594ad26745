package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
	"golang.org/x/sys/unix"

	"motcua/cmd/motcua/internal/config"
	"motcua/cmd/motcua/internal/hubconfig"
	"motcua/internal/connlimit"
	"motcua/kiosk/session"
	"motcua/province/booking"
	"motcua/province/broker"
	"motcua/province/fleet"
	"motcua/province/hub"
	"motcua/province/pgstore"
	"motcua/province/wire"
)

// hubCommand runs `motcua hub` and its subcommands.
func hubCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "enroll" {
		return enroll(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "nats-config" {
		return natsConfig(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "rotate-booking-key" {
		return rotateBookingKey(ctx, args[1:], stdout, stderr)
	}
	return runHub(ctx, args, stderr, nil)
}

// runHub is the province's hub until ctx ends. ready, when set, is told the
// HTTP and NATS addresses once both listen (tests).
func runHub(ctx context.Context, args []string, stderr io.Writer, ready func(httpAddr, natsURL string)) error {
	unix.Umask(0o077)
	fs := flag.NewFlagSet("hub", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "the hub's configuration (YAML), e.g. configs/province/hub.yaml")
	addr := fs.String("addr", "", "listen address HOST:PORT of the pages and API, overrides the config's listen")
	data := fs.String("data", "", "directory of the embedded NATS server's files, overrides the config's data_dir")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *cfgPath == "" {
		return errors.New("hub: --config FILE is required (try configs/province/hub.yaml)")
	}
	cfg, err := hubconfig.Load(*cfgPath)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Listen = *addr
	}
	if *data != "" {
		cfg.DataDir = *data
	}
	if err := hubUnsafe(cfg); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("hub: cannot listen on %s: %w", cfg.Listen, err)
	}
	defer ln.Close()

	db, err := pgstore.Open(ctx, cfg.Database, pgstore.Opts{Location: cfg.Location()})
	if err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	defer db.Close()

	nc, natsURL, stopNATS, err := hubNATS(cfg, log)
	if err != nil {
		return err
	}
	defer stopNATS()
	defer nc.Close()

	var link *hub.Hub
	centers := make([]fleet.Center, 0, len(cfg.Centers))
	for _, c := range cfg.Centers {
		centers = append(centers, fleet.Center{ID: c.ID, Name: c.Name})
	}
	staff := make([]fleet.Account, 0, len(cfg.Staff))
	for _, s := range cfg.Staff {
		staff = append(staff, fleet.Account{Username: s.Username, Name: s.Name, Role: s.Role, Centers: s.Centers,
			Counters: s.Counters, PasswordHash: s.PasswordHash, Disabled: s.Disabled})
	}
	fl, err := fleet.New(fleet.Opts{DB: db, Province: cfg.Province, Location: cfg.Location(), Centers: centers, Staff: staff,
		SessionSecret: []byte(cfg.SessionSecret), SessionTTL: cfg.SessionTTL,
		OfflineAfter: cfg.OfflineAfter, AlertAfter: cfg.AlertAfter, CheckConfig: config.CheckPublished,
		Notify:       func(center string, n wire.Notice) error { return link.Notify(center, n) },
		Stats:        func() hub.Stats { return link.Stats() },
		Throttle:     session.NewThrottle(session.ThrottleOpts{Compares: 2}),
		MetricsToken: cfg.MetricsToken, Logger: log, Bookings: cfg.OnlineSecret() != ""})
	if err != nil {
		return err
	}
	if err := fl.Enroll(ctx); err != nil {
		return err
	}
	dossiers, err := hubDossiers(cfg, log)
	if err != nil {
		return err
	}
	bookingKey, err := hubBookingKey(cfg.DataDir)
	if err != nil {
		return err
	}
	if err := db.ClaimKey(ctx, "booking", booking.EncodePublic(bookingKey.Public())); err != nil {
		return fmt.Errorf("hub: %w: copy %s from the first hub process into this one's data_dir (docs/province.md)", err,
			filepath.Join(cfg.DataDir, booking.KeyFile))
	}
	retired, retiredWire, err := retiredBookingKeys(ctx, db, cfg.Location())
	if err != nil {
		return err
	}
	messages, err := openHubNotify(cfg, db, log)
	if err != nil {
		return err
	}
	ho := hub.Opts{Conn: nc, Store: fl.HubStore(), Known: fl.Known, Replicas: cfg.NATS.Replicas, Logger: log,
		Dossiers: dossiers, BookingKey: booking.EncodePublic(bookingKey.Public()), RetiredBookingKeys: retiredWire, Held: heldElsewhere(db)}
	if messages != nil {
		ho.Notify = messages.Take
	}
	link, err = hub.New(ctx, ho)
	if err != nil {
		return err
	}
	linkCtx, stopLink := context.WithCancel(context.Background())
	linkDone := make(chan error, 1)
	go func() { linkDone <- link.Run(linkCtx) }()
	defer func() {
		stopLink()
		<-linkDone
	}()
	if messages != nil {
		sendCtx, stopSend := context.WithCancel(context.Background())
		sendDone := make(chan struct{})
		go func() {
			defer close(sendDone)
			if err := messages.Run(sendCtx); err != nil {
				log.Error("hub: the centers' messages are not sent", "err", err)
			}
		}()
		defer func() {
			stopSend()
			<-sendDone
		}()
	}
	// Every center hears of its bundle at once: those connected resync.
	for _, c := range cfg.Centers {
		link.Notify(c.ID, wire.Notice{})
	}

	var take func(context.Context, string, wire.NotifyRequest) wire.NotifyReply
	var decided func()
	if messages != nil {
		take, decided = messages.Take, messages.Decided
	}
	svc, err := hubOnline(cfg, db, fl.HubStore(), bookingKey, retired, log, func(center string) {
		if err := link.Notify(center, wire.Notice{}); err != nil {
			log.Warn("online: center not told of its bookings now (it asks at its next sync)", "center", center, "err", err)
		}
	}, take, decided)
	if err != nil {
		return err
	}
	hs := httpServer(withOnline(fl.Handler(), svc), config.Limits{ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute})
	served := make(chan error, 1)
	go func() {
		served <- hs.Serve(connlimit.Listen(ln, connlimit.New(connlimit.Opts{Total: 1024, PerAddr: 64})))
	}()
	log.Info("motcua hub serving", "province", cfg.Province, "addr", ln.Addr().String(), "nats", natsURL, "centers", len(cfg.Centers))
	if ready != nil {
		ready(ln.Addr().String(), natsURL)
	}
	select {
	case err := <-served:
		return fmt.Errorf("hub: %w", err)
	case err := <-linkDone:
		linkDone <- err
		return fmt.Errorf("hub: the link with the centers stopped: %w", err)
	case <-ctx.Done():
	}
	log.Info("motcua hub stopping")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hs.Shutdown(shutdown)
}

// hubUnsafe refuses, outside demo, the published demo secret.
func hubUnsafe(cfg *hubconfig.Config) error {
	if cfg.Demo {
		return nil
	}
	if strings.Contains(cfg.SessionSecret, "demo") {
		return errors.New("hub config: session_secret: the demo's secret is published; make one with motcua secret")
	}
	return nil
}

// hubNATS connects the hub to its NATS: the embedded server it starts, or
// the province's cluster.
func hubNATS(cfg *hubconfig.Config, log *slog.Logger) (*nats.Conn, string, func(), error) {
	opts := []nats.Option{nats.Name("motcua hub"), nats.MaxReconnects(-1), nats.ReconnectWait(time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { log.Warn("hub: NATS connection lost", "err", err) })}
	if cfg.NATS.Embedded == "" {
		kp, err := nkeys.FromSeed(cfg.HubSeed())
		if err != nil {
			return nil, "", nil, fmt.Errorf("hub: nats.credentials: %w", err)
		}
		pub, _ := kp.PublicKey()
		nc, err := nats.Connect(strings.Join(cfg.NATS.URLs, ","), append(opts, nats.Nkey(pub, kp.Sign), nats.RetryOnFailedConnect(true))...)
		if err != nil {
			return nil, "", nil, fmt.Errorf("hub: NATS: %w", err)
		}
		return nc, strings.Join(cfg.NATS.URLs, ","), func() {}, nil
	}
	// The hub's own key is made at each start: only this process uses it.
	kp, err := nkeys.CreateUser()
	if err != nil {
		return nil, "", nil, fmt.Errorf("hub: %w", err)
	}
	pub, _ := kp.PublicKey()
	centers := make([]broker.Center, 0, len(cfg.Centers))
	for _, c := range cfg.Centers {
		centers = append(centers, broker.Center{ID: c.ID, NKey: c.NKey})
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, "", nil, fmt.Errorf("hub: data directory: %w", err)
	}
	srv, err := broker.Start(broker.Opts{Listen: cfg.NATS.Embedded, StoreDir: filepath.Join(cfg.DataDir, "jetstream"), Hub: pub, Centers: centers, TLS: cfg.NATS.TLS()})
	if err != nil {
		return nil, "", nil, fmt.Errorf("hub: %w", err)
	}
	nc, err := nats.Connect("", append(opts, nats.InProcessServer(srv), nats.Nkey(pub, kp.Sign))...)
	if err != nil {
		srv.Close()
		return nil, "", nil, fmt.Errorf("hub: NATS: %w", err)
	}
	return nc, srv.ClientURL(), srv.Close, nil
}

// enroll makes a new center's key: the seed goes to the center (its
// hub.credentials file), the public key into the hub's centers list.
func enroll(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hub enroll", flag.ContinueOnError)
	fs.SetOutput(stderr)
	id := fs.String("id", "", "the new center's id, e.g. xa-tan-lap")
	name := fs.String("name", "", "the center's name, e.g. \"Trung tâm Phục vụ hành chính công xã Tân Lập\"")
	out := fs.String("out", "", "file for the center's key (its hub.credentials), default ID.nk")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := wire.CheckCenter(*id); err != nil {
		return fmt.Errorf("hub enroll: --id: %w", err)
	}
	if *out == "" {
		*out = *id + ".nk"
	}
	kp, err := nkeys.CreateUser()
	if err != nil {
		return fmt.Errorf("hub enroll: %w", err)
	}
	seed, _ := kp.Seed()
	pub, _ := kp.PublicKey()
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("hub enroll: %w (an existing key is never replaced)", err)
	}
	if _, err := f.Write(append(seed, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("hub enroll: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("hub enroll: %w", err)
	}
	n := *name
	if n == "" {
		n = *id
	}
	fmt.Fprintf(stdout, "# Add to the hub's centers (hub.yaml), then restart the hub:\n  - { id: %s, name: %q, nkey: %s }\n", *id, n, pub)
	fmt.Fprintf(stdout, "# Copy %s to the center (0600) and add to its configuration:\n# hub:\n#   center: %s\n#   urls: [nats://HUB:4222]\n#   credentials: %s\n", *out, *id, filepath.Base(*out))
	return nil
}

// natsConfig prints the authorization block of a NATS cluster for the
// hub's centers: each center's user with its own subjects only.
func natsConfig(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hub nats-config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "the hub's configuration")
	hubKey := fs.String("hub-nkey", "", "the public key of the hub's seed (nats.credentials)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := hubconfig.Load(*cfgPath)
	if err != nil {
		return err
	}
	if *hubKey == "" && cfg.HubSeed() != nil {
		kp, _ := nkeys.FromSeed(cfg.HubSeed())
		*hubKey, _ = kp.PublicKey()
	}
	if !nkeys.IsValidPublicUserKey(*hubKey) {
		return errors.New("hub nats-config: give --hub-nkey U... (the public key of the hub's nats.credentials)")
	}
	fmt.Fprintf(stdout, "# NATS server authorization for the province %s (motcua hub nats-config)\nauthorization {\n  users = [\n", cfg.Province)
	fmt.Fprintf(stdout, "    { nkey: %s }  # the hub: every subject\n", *hubKey)
	for _, c := range cfg.Centers {
		p := wire.CenterPermissions(c.ID)
		fmt.Fprintf(stdout, "    { nkey: %s, permissions: { publish: { allow: %s }, subscribe: { allow: %s } } }  # %s\n",
			c.NKey, quoteList(p.Publish), quoteList(p.Subscribe), c.ID)
	}
	fmt.Fprintln(stdout, "  ]\n}")
	return nil
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// heldElsewhere answers a center's question about a person's numbers at
// the other centers (hub.Opts.Held) from the hub's database.
func heldElsewhere(db *pgstore.DB) func(ctx context.Context, center, person, day string) ([]wire.HeldNumber, error) {
	return func(ctx context.Context, center, person, day string) ([]wire.HeldNumber, error) {
		held, err := db.HeldElsewhere(ctx, center, person, day)
		if err != nil {
			return nil, err
		}
		out := make([]wire.HeldNumber, len(held))
		for i, h := range held {
			out[i] = wire.HeldNumber{Center: h.Center, CenterName: h.CenterName, Field: h.Field, Number: h.Number, From: h.From}
		}
		return out, nil
	}
}
