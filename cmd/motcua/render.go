package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"motcua/devices/layout"
	"motcua/devices/profile"
)

// maxJobJSON bounds what render reads: a receipt with a hundred documents
// is a few kilobytes.
const maxJobJSON = 1 << 20

const renderUsage = `Usage: motcua render ticket|receipt|notice|test --in JOB.json --out FILE.png [--bin FILE.bin] [--width 384|576 | --model MODEL [--paper 58|80]]

Renders a job without any printer: the PNG preview of what prints and, with
--bin, the exact ESC/POS bytes. --in - reads the job from stdin. Sample jobs:
configs/samples/ticket.json, configs/samples/receipt.json, configs/samples/notice.json.
--model renders for a printer profile, as printers[].model in the config
(its dots, feed unit, centring, native or raster codes, cut; --paper its
paper, 80 by default); --width is the generic profile's dots.
`

// renderJob is `motcua render`: a job (JSON of devices/layout) to a PNG
// preview and, with --bin, the bytes a printer would receive. Either every
// output is written whole or none is touched.
func renderJob(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are one line, returned
	in := fs.String("in", "", "job JSON file, - for stdin")
	out := fs.String("out", "", "PNG preview to write")
	bin := fs.String("bin", "", "ESC/POS bytes to write (optional)")
	width := fs.Int("width", layout.Width80, "printable width in dots: 576 (80 mm) or 384 (58 mm)")
	model := fs.String("model", "", "printer profile, as printers[].model in the config")
	paper := fs.Int("paper", 0, "with --model: paper width in mm, 58 or 80 (default 80, or the model's only paper)")
	var kind string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, renderUsage)
				return nil
			}
			return fmt.Errorf("render: %w (motcua render -h)", err)
		}
		if fs.NArg() == 0 {
			break
		}
		if kind != "" {
			return fmt.Errorf("render: unexpected argument %q (motcua render -h)", fs.Arg(0))
		}
		kind, rest = fs.Arg(0), fs.Args()[1:]
	}
	switch {
	case kind == "":
		fmt.Fprint(stderr, renderUsage)
		return errUsage
	case kind != layout.KindTicket && kind != layout.KindReceipt && kind != layout.KindNotice && kind != layout.KindTest:
		return fmt.Errorf("render: unknown kind %q: use ticket, receipt, notice or test", kind)
	case *in == "":
		return errors.New("render: --in JOB.json is required (- reads stdin)")
	case *out == "":
		return errors.New("render: --out FILE.png is required")
	case *width != layout.Width80 && *width != layout.Width58:
		return fmt.Errorf("render: --width %d: use 576 (80 mm paper) or 384 (58 mm)", *width)
	case *bin != "" && filepath.Clean(*bin) == filepath.Clean(*out):
		return errors.New("render: --out and --bin name the same file")
	}
	o := layout.DefaultOpts
	o.Width = *width
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *model != "":
		prof, ok := profile.Lookup(*model)
		if !ok {
			return fmt.Errorf("render: --model %q: not a known printer model; use one of %s", *model, strings.Join(profile.Names(), ", "))
		}
		if set["width"] {
			return errors.New("render: --width is the generic profile's; with --model give --paper 58 or 80")
		}
		mm := *paper
		switch {
		case mm == 0 && prof.Paper(80):
			mm = 80
		case mm == 0:
			mm = 58
		case mm != 58 && mm != 80:
			return fmt.Errorf("render: --paper %d: use 58 or 80", mm)
		case !prof.Paper(mm):
			return fmt.Errorf("render: --paper %d: the %s does not take %d mm paper", mm, prof.Name, mm)
		}
		o = prof.Layout(mm)
	case set["paper"]:
		return errors.New("render: --paper goes with --model (without, --width 384 or 576)")
	}
	job, err := readJob(*in, stdin)
	if err != nil {
		return err
	}
	r, err := layout.NewRenderer()
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	res, err := r.Render(kind, job, o)
	if err != nil {
		return fmt.Errorf("render: %s: %w", inName(*in), err)
	}
	png, err := res.PNG()
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	files := []outFile{{*out, png}}
	if *bin != "" {
		files = append(files, outFile{*bin, res.Bytes})
	}
	if err := writeAll(files); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	b := res.Preview.Bounds()
	fmt.Fprintf(stdout, "%s: %s (%d×%d), %d bytes ESC/POS", kind, *out, b.Dx(), b.Dy(), len(res.Bytes))
	if *bin != "" {
		fmt.Fprintf(stdout, " in %s", *bin)
	}
	fmt.Fprintln(stdout)
	return nil
}

func inName(path string) string {
	if path == "-" {
		return "stdin"
	}
	return path
}

// readJob reads the job's JSON from path, or from stdin for "-".
func readJob(path string, stdin io.Reader) ([]byte, error) {
	src := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("render: %w", err)
		}
		defer f.Close()
		src = f
	}
	data, err := io.ReadAll(io.LimitReader(src, maxJobJSON+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("render: reading %s: %w", inName(path), err)
	case len(data) > maxJobJSON:
		return nil, fmt.Errorf("render: %s is larger than %d bytes: not a print job", inName(path), maxJobJSON)
	case len(strings.TrimSpace(string(data))) == 0:
		return nil, fmt.Errorf("render: %s is empty: give a job as JSON (see configs/samples)", inName(path))
	}
	return data, nil
}

type outFile struct {
	path string
	data []byte
}

// writeAll writes every file to a temporary name beside it, then renames
// them all: a failure leaves no output half written and, unless a rename
// itself fails, none of them changed.
func writeAll(files []outFile) (err error) {
	tmps := make([]string, 0, len(files))
	defer func() {
		for _, t := range tmps {
			os.Remove(t) // already renamed ones are gone: nothing happens
		}
	}()
	for _, f := range files {
		tmp, err := writeTemp(f.path, f.data)
		if err != nil {
			return err
		}
		tmps = append(tmps, tmp)
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], f.path); err != nil {
			return err
		}
	}
	return nil
}

// writeTemp writes data to a new file in path's folder and returns its name.
func writeTemp(path string, data []byte) (string, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return "", fmt.Errorf("%s is a folder", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("cannot write %s: %w", path, err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Name(), nil
}
