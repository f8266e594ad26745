// Command motcua runs the counter hardware of a one-stop public service
// center: the queue, its printers, scanners, kiosk and screens.
//
//	motcua serve --config FILE [--addr HOST:PORT] [--data DIR]
//	motcua hash-password
//
// Only this command knows every package: it reads the configuration, opens
// the store and the devices, wires the engine's events to the screens and
// printers, and shuts everything down in order on SIGINT or SIGTERM.
package main
