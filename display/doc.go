// Package display serves the screens of the lobby: the websocket hub of
// /ws/display, the lobby page (/display), a counter's own screen
// (/display?counter=ID), the phone page that follows one ticket (/t/{id})
// and the spoken calls (/display/voice, with package voice). The paths are
// the constants of http.go (SocketPath, PhonePrefix…); Hub.Routes lists the
// patterns that cmd/motcua mounts Hub.Handler on, and tickets' QR codes and
// track_url are built with PhonePath.
//
// # Protocol
//
// A screen connects to /ws/display?screen=NAME[&token=T][&since=SEQ], a
// phone to /ws/display?ticket=ID. The first frame is a snapshot (counters
// and what they serve, the last calls, how many wait per field), then one
// frame per event in strictly increasing seq: issued, called (with recall
// and the sentence to say), started, completed, no_show, transferred,
// cancelled, day_reset. With since= the hub replays the events after SEQ
// from a ring of the last Opts.Replay events, or sends a snapshot when
// they are gone or SEQ is ahead of the server (a reset database). Frames
// name tickets by number; they never carry a ticket's id nor anything about
// the citizen. A screen's Fields and Counters filter what it receives.
//
// # Concurrency
//
// One hub goroutine (Run) owns every connection, the replay ring and the
// board of the queue that snapshots are built from; nothing else touches
// them. The engine hands events to Publish, which only appends them to a
// queue and wakes the hub: it never blocks the engine's committer. Each
// connection has a buffered send queue, one writer goroutine (frames and
// pings, with write deadlines) and one reader goroutine (pongs, read limit,
// read deadline); a connection whose queue is full is closed at once, so a
// stuck screen never delays the others, and it resumes with since= when it
// comes back. A frame is encoded once for all connections. When Run's
// context ends, every connection is closed (going away) and Run returns
// after all their goroutines have exited.
//
// The hub keeps a queue.Board, built from an engine snapshot when Run
// starts and updated by each event, so that a snapshot frame is always
// exactly consistent with the seq of the events that follow it. Frames say
// what the board says: a snapshot has each field's waiting tickets in
// calling order ("tickets": number and priority), each counter's ticket
// with its field and state and the ticket it completed last ("last"); an
// event frame has the new state of the counters it changed ("counters")
// and the edits of the waiting lists ("queue": insert or remove at an
// index, or clear), so pages replace their state and never re-derive the
// queue's rules. If events are ever missed (a gap in seq), the hub takes a
// fresh snapshot and sends it to every screen.
package display
