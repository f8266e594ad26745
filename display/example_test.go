package display_test

import (
	"context"
	"log"
	"net/http"

	"motcua/display"
	"motcua/display/voice"
	"motcua/queue"
)

// The service wires the hub to the engine and mounts its handler.
func ExampleNew() {
	ctx := context.Background()
	var engine *queue.Engine           // queue.New(…), its Run started
	sp, err := voice.New(voice.Opts{}) // espeak-ng from PATH, if installed
	if err != nil {
		log.Fatal(err)
	}
	hub, err := display.New(display.Opts{
		Source:  engine,
		Voice:   sp,
		Title:   "UBND Quận Cẩm Lệ – Bộ phận một cửa",
		Screens: []display.Screen{{Name: "lobby"}, {Name: "dat-dai", Fields: []string{"B"}, Token: "…"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	engine.OnEvents(hub.Publish) // before Run: Run starts from a snapshot
	go func() { _ = hub.Run(ctx) }()
	h := hub.Handler()
	mux := http.NewServeMux()
	for _, pattern := range hub.Routes() { // /ws/display, /display, /display/…, /t/{id}
		mux.Handle(pattern, h)
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", mux))
}
