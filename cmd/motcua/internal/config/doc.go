// Package config reads a center's YAML configuration once, checks it with
// messages a technician can act on (the key and its line), and turns it into
// the options of the engine, the devices and the screens. Nothing here is
// global: the parsed Config is passed down by cmd/motcua.
package config
