// Package voice turns a call ("A013 to counter 3") into a spoken Vietnamese
// announcement: "Mời công dân có số A, không, một, ba, đến quầy số ba",
// preceded by a chime, as one WAV file a lobby page plays.
//
// The words come from Words, which reads the ticket number digit by digit,
// the field letter by its Vietnamese name and the counter by its number (or
// its own recording). Audio comes from, in order: a folder of the center's
// own recorded clips, one per word (see docs/voice.md for the file names),
// then espeak-ng with a Vietnamese voice, run as a program with arguments and
// the text on its standard input, never through a shell. When neither can
// say a call, Speaker.Announce fails with ErrUnavailable and the page falls
// back to the browser's speech synthesis.
//
// Calls made together are said in one announcement by AnnounceMany: a
// short chime, the invitation once, then each call's number, field and
// counter (PartWords), faster, with where each part starts.
//
// A Speaker is safe for concurrent use: identical announcements requested at
// once are synthesised once, results are kept in a cache bounded in bytes,
// and at most Opts.MaxProcs espeak-ng processes run at a time.
package voice
