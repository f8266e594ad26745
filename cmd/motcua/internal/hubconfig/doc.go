// Package hubconfig reads and checks the province hub's configuration file
// (configs/province/hub.yaml explains every key): its database, its NATS
// servers, the centers enrolled with their public keys, the province's
// staff. Parsed once, checked with messages that name the key and the line.
package hubconfig
