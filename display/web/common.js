// Shared by the lobby, counter and phone pages: the page's configuration,
// the server's clock and the websocket that resumes where it left off.
"use strict";
window.Motcua = (function () {
  const cfg = JSON.parse(document.getElementById("config").textContent);
  const offset = cfg.now - Date.now(); // server clock minus this screen's clock

  function serverNow() { return Date.now() + offset; }

  // stream follows /ws/display with the given query parameters. h.snapshot
  // and h.event receive frames in seq order, each once; h.online(bool) is
  // told when the connection comes and goes. On a loss it reconnects with
  // since=<last seq> after a growing, capped, randomised delay.
  function stream(params, h) {
    let seq = null, delay = 500, offlineTimer = null, isOnline = false;
    function url() {
      const q = new URLSearchParams(params);
      if (seq !== null) q.set("since", String(seq));
      return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/display?" + q.toString();
    }
    function setOnline(v) {
      if (v) {
        clearTimeout(offlineTimer);
        offlineTimer = null;
        if (!isOnline) { isOnline = true; h.online(true); }
        return;
      }
      isOnline = false;
      // A blink (a server restart, a dropped screen) reconnects at once;
      // say so only when it lasts.
      if (!offlineTimer) offlineTimer = setTimeout(() => h.online(false), 1500);
    }
    function connect() {
      let ws;
      try { ws = new WebSocket(url()); } catch (e) { retry(); return; }
      ws.onmessage = (m) => {
        let f;
        try { f = JSON.parse(m.data); } catch (e) { return; }
        if (!f || typeof f.seq !== "number") return;
        delay = 500;
        setOnline(true);
        if (f.type === "snapshot") {
          seq = f.seq;
          h.snapshot(f);
          return;
        }
        if (seq !== null && f.seq <= seq) return; // never twice
        seq = f.seq;
        h.event(f);
      };
      ws.onopen = () => setOnline(true);
      ws.onclose = () => { setOnline(false); retry(); };
    }
    function retry() {
      const wait = delay * (0.8 + Math.random() * 0.4);
      delay = Math.min(delay * 2, 15000);
      setTimeout(connect, wait);
    }
    connect();
    return { seq: () => seq };
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // restart re-runs a CSS animation by toggling its class.
  function restart(node, cls) {
    node.classList.remove(cls);
    void node.offsetWidth;
    node.classList.add(cls);
  }

  return { cfg, serverNow, stream, el, restart };
})();
