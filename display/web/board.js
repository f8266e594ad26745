// The one browser runtime of the pages that follow the queue (lobby,
// counter screen, phone, staff console, rating tablet): it reads the
// display websocket /ws/display (docs/display.md) and keeps the board the
// frames describe. The server's queue.Board decides everything; this file
// only puts what a frame says in place: a snapshot replaces the board, an
// event replaces the state of the counters it names, applies the edits of
// the waiting lists and adds a call to the recent ones. No rule of the queue is here.
//
// One reconnect rule for every page: after a loss it reconnects with
// since=<last seq> (0.5 s, doubling to 15 s, randomised ±20 %), so the
// server replays what was missed or sends a snapshot; a frame at or below
// the last seq is never handed on twice. online(true) is told once frames
// flow on a connection (after the first is handed on, or 1 s after it
// opened when it resumed with nothing to replay), online(false) only when
// a loss lasts 1.5 s (a server restart or a dropped screen reconnects at
// once, unseen).
"use strict";
window.motcuaBoard = (function () {
  const GRACE_MS = 1500, SETTLE_MS = 1000, FIRST_DELAY_MS = 500, MAX_DELAY_MS = 15000, MAX_RECENT = 50;

  function newBoard() {
    return {
      seq: null, day: "", fields: [], counters: [], recent: [],
      field(code) { return this.fields.find((f) => f.code === code) || null; },
      counter(id) { return this.counters.find((c) => c.id === id) || null; },
    };
  }

  // reset puts a snapshot frame (or GET /api/v1/queue, the same shape) in
  // place of the board.
  function reset(b, f) {
    b.seq = f.seq;
    b.day = f.day || "";
    b.fields = (f.fields || []).map((x) => ({ code: x.code, name: x.name, waiting: x.waiting || 0, tickets: (x.tickets || []).slice() }));
    b.counters = (f.counters || []).map(counter);
    b.recent = (f.recent || []).slice();
  }

  // counter is a counter as a snapshot gives it; "serving" is "" when free.
  function counter(c) {
    return Object.assign({ id: c.id, name: c.name, services: c.services || [] }, counterState(c));
  }

  // counterState is what changes of a counter, as frames give it.
  function counterState(c) {
    return { serving: c.serving || "", service: c.service || "", state: c.state || "", since: c.since || "", priority: !!c.priority, category: c.category || "", online: !!c.online, last: c.last || null };
  }

  // apply puts an event frame on the board.
  function apply(b, f) {
    b.seq = f.seq;
    for (const c of f.counters || []) {
      const i = b.counters.findIndex((x) => x.id === c.id);
      if (i >= 0) b.counters[i] = Object.assign({}, b.counters[i], counterState(c));
    }
    for (const e of f.queue || []) {
      const fl = b.field(e.field);
      if (!fl) continue;
      if (e.op === "insert") fl.tickets.splice(e.at, 0, { number: e.number, priority: !!e.priority, category: e.category || "", online: !!e.online });
      else if (e.op === "remove") fl.tickets.splice(e.at, 1);
      else if (e.op === "clear") fl.tickets = [];
    }
    for (const [code, n] of Object.entries(f.waiting || {})) {
      const fl = b.field(code);
      if (fl) fl.waiting = n;
    }
    if (f.type === "called") {
      b.recent.push({ ticket: f.ticket, service: f.service, counter: f.counter, counter_name: f.counter_name, at: f.at, recall: !!f.recall, priority: !!f.priority, category: f.category || "" });
      if (b.recent.length > MAX_RECENT) b.recent.splice(0, b.recent.length - MAX_RECENT);
    } else if (f.type === "day_reset") {
      b.day = f.day || b.day;
      b.recent = [];
    }
  }

  // follow reads /ws/display with the query parameters (screen, token; or
  // ticket) and keeps a board. h.update(board, frame) is called after each
  // frame is put in place (frame.type "snapshot" or an event's), in seq
  // order, each frame once; h.online(bool) as said above. It returns the
  // board and whether the socket is up.
  function follow(params, h) {
    const board = newBoard();
    let delay = FIRST_DELAY_MS, up = false, told = null, graceTimer = null, settleTimer = null;
    function tell(v) {
      if (told === v) return;
      told = v;
      if (h.online) h.online(v);
    }
    // opened: the loss, if any, is over; online once a frame is handed on
    // (or, resuming with nothing missed, when the socket has stood a moment).
    function opened() {
      clearTimeout(graceTimer);
      graceTimer = null;
      settleTimer = setTimeout(() => { if (up) tell(true); }, SETTLE_MS);
      up = true;
    }
    function flowing() {
      clearTimeout(settleTimer);
      tell(true);
    }
    function closed() {
      up = false;
      clearTimeout(settleTimer);
      if (!graceTimer) graceTimer = setTimeout(() => { graceTimer = null; if (!up) tell(false); }, GRACE_MS);
    }
    function url() {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
      if (board.seq !== null) q.set("since", String(board.seq));
      return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/display?" + q;
    }
    function connect() {
      let ws;
      try { ws = new WebSocket(url()); } catch (e) { retry(); return; }
      ws.onopen = opened;
      ws.onmessage = (m) => {
        let f;
        try { f = JSON.parse(m.data); } catch (e) { return; }
        if (!f || typeof f.seq !== "number") return;
        delay = FIRST_DELAY_MS;
        if (f.type === "snapshot") reset(board, f);
        else if (board.seq === null || f.seq <= board.seq) return; // never twice
        else apply(board, f);
        if (h.update) h.update(board, f);
        flowing();
      };
      ws.onclose = () => { closed(); retry(); };
    }
    function retry() {
      const wait = delay * (0.8 + Math.random() * 0.4);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
      setTimeout(connect, wait);
    }
    connect();
    return { board, get online() { return up; } };
  }

  // fromQueue builds a board from GET /api/v1/queue (a page's fallback
  // while the socket is down): the same shape as a snapshot frame.
  function fromQueue(q) {
    const b = newBoard();
    reset(b, Object.assign({}, q, { recent: (q.recent || []).slice().reverse() })); // the API lists newest first
    return b;
  }

  return { follow, fromQueue };
})();
