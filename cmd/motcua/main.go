package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh even on a Raspberry Pi image without tzdata
)

// usage is printed for -h and for an unknown command.
const usage = `motcua: queue and kiosk controller of a one-stop public service center

Usage:
  motcua serve --config FILE [--addr HOST:PORT] [--data DIR]
  motcua hub --config FILE [--addr HOST:PORT] [--data DIR]
                                  the province hub: PostgreSQL, NATS JetStream, fleet pages (docs/province.md)
  motcua hub enroll --id ID [--name NAME] [--out FILE]
                                  make a center's key for its hub.credentials; prints the line for hub.yaml
  motcua hub nats-config --config FILE [--hub-nkey U...]
                                  print a NATS cluster's authorization block for the hub's centers
  motcua hub rotate-booking-key --config FILE
                                  with the hub's processes stopped: a new key of online numbers; the old one
                                  stays good at the centers for the bookings it signed (docs/province.md)
  motcua devices                  list serial ports (USB VID:PID, serial number), USB printers and USB input devices
  motcua render ticket|receipt|notice|test --in JOB.json --out FILE.png [--bin FILE.bin] [--width 384|576 | --model MODEL [--paper 58|80]]
                                  render a print job without a printer: PNG preview and ESC/POS bytes
  motcua print-test --config FILE [--printer NAME]
                                  print a test page on configured printers and report their status
  motcua hash-password            read a password, print its bcrypt hash for the config
  motcua secret                   print a new random secret (token, session or receipt secret) for the config
  motcua cert --name HOST --ip IP [--out DIR]
                                  make the center's CA (for the kiosks' browsers) and a server certificate for tls:
  motcua help
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "motcua:", err)
		}
		stop()
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// run dispatches a command line; it returns when the command is done.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stderr)
	case "hub":
		return hubCommand(ctx, args[1:], stdout, stderr)
	case "devices":
		return listDevices(stdout)
	case "render":
		return renderJob(args[1:], stdin, stdout, stderr)
	case "print-test":
		return printTest(ctx, args[1:], stdout, stderr)
	case "hash-password":
		return hashPassword(stdin, stdout)
	case "secret":
		return newSecret(stdout)
	case "cert":
		return makeCert(args[1:], stdout, stderr, time.Now())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stderr, "motcua: unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
}
