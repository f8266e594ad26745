// The lobby screen (/display) and a counter's own screen (/display?counter=ID).
"use strict";
(function () {
  const M = window.Motcua, cfg = M.cfg;
  const $ = (id) => document.getElementById(id);
  const query = new URLSearchParams(location.search);
  const params = { screen: cfg.screen };
  if (query.get("token")) params.token = query.get("token");
  const counterMode = !!cfg.counter;
  // Counter screens are silent unless asked (?sound=1); ?sound=0 silences a lobby.
  const wantSound = counterMode ? query.get("sound") === "1" : query.get("sound") !== "0";
  const FRESH_MS = 2 * 60 * 1000; // calls older than this are shown, not announced

  const st = { counters: [], byId: {}, recent: [], fields: [], waiting: {}, latest: null };
  window.motcuaLobby = { announced: [], state: st }; // read by the browser tests

  // ---- voice: one announcement at a time, in order, none cut off ----
  const voice = (function () {
    let queue = [], busy = false, enabled = false;
    function add(ev) {
      // A newer call at a counter makes an older one not yet said moot.
      queue = queue.filter((x) => x.counter !== ev.counter);
      queue.push(ev);
      next();
    }
    function next() {
      if (busy || !enabled || queue.length === 0) return;
      const ev = queue.shift();
      busy = true;
      say(ev).then((how) => {
        window.motcuaLobby.announced.push({ ticket: ev.ticket, counter: ev.counter, recall: !!ev.recall, how });
      }).finally(() => { busy = false; setTimeout(next, 500); });
    }
    function play(url) {
      return new Promise((resolve, reject) => {
        const a = new Audio(url);
        const guard = setTimeout(resolve, 30000);
        a.onended = () => { clearTimeout(guard); resolve(); };
        a.onerror = () => { clearTimeout(guard); reject(new Error("audio")); };
        const p = a.play();
        if (p) p.catch((e) => { clearTimeout(guard); reject(e); });
      });
    }
    function speak(text) {
      return new Promise((resolve) => {
        if (!("speechSynthesis" in window) || !text) { resolve(); return; }
        const u = new SpeechSynthesisUtterance(text);
        u.lang = "vi-VN";
        u.rate = 0.85;
        const v = speechSynthesis.getVoices().find((x) => /^vi/i.test(x.lang));
        if (v) u.voice = v;
        const guard = setTimeout(resolve, 20000);
        u.onend = u.onerror = () => { clearTimeout(guard); resolve(); };
        speechSynthesis.speak(u);
      });
    }
    function say(ev) {
      const browser = () => play("/display/chime.wav").catch(() => {}).then(() => speak(ev.say)).then(() => "browser");
      if (cfg.voice !== "server") return browser();
      const url = "/display/voice?ticket=" + encodeURIComponent(ev.ticket) + "&counter=" + encodeURIComponent(ev.counter);
      return play(url).then(() => "server", browser);
    }
    // The browser lets a page play sound only after a touch, unless it was
    // started for a kiosk (--autoplay-policy=no-user-gesture-required).
    function enable() {
      if (!wantSound) return;
      const button = $("sound");
      const on = () => { enabled = true; button.hidden = true; next(); };
      play("/display/silence.wav").then(on, () => {
        button.hidden = false;
        button.onclick = () => { play("/display/silence.wav").catch(() => {}); on(); };
      });
    }
    return { add, enable };
  })();

  // ---- rendering ----
  function counterName(id) { const c = st.byId[id]; return c ? c.name : "Quầy " + id; }

  function renderCounters() {
    const grid = $("counters");
    grid.textContent = "";
    const n = st.counters.length;
    // Tiles about 1.8 times as wide as high in the space there is.
    const ratio = Math.max(0.3, (grid.clientWidth || innerWidth) / Math.max(1, grid.clientHeight || innerHeight / 2) / 1.8);
    let rows = Math.max(1, Math.round(Math.sqrt(n / ratio)));
    const cols = Math.max(1, Math.ceil(n / rows));
    rows = Math.max(1, Math.ceil(n / cols));
    grid.style.gridTemplateColumns = "repeat(" + cols + ", 1fr)";
    grid.style.setProperty("--rows", rows);
    for (const c of st.counters) {
      const tile = M.el("div", "tile" + (c.serving ? "" : " free"));
      tile.dataset.counter = c.id;
      if (st.latest && st.latest.counter === c.id && c.serving === st.latest.ticket) tile.classList.add("fresh");
      tile.appendChild(M.el("div", "name", c.name));
      tile.appendChild(M.el("div", "num", c.serving || "—"));
      grid.appendChild(tile);
    }
    fitTiles();
  }

  function fitTiles() {
    const grid = $("counters");
    const rows = Number(grid.style.getPropertyValue("--rows")) || 1;
    const cols = Math.max(1, Math.ceil(st.counters.length / rows));
    const h = grid.clientHeight / rows, w = grid.clientWidth / cols;
    for (const num of grid.querySelectorAll(".num")) num.style.fontSize = Math.min(h * 0.46, w / 3.3) + "px";
    for (const name of grid.querySelectorAll(".name")) name.style.fontSize = Math.min(h * 0.17, w / 10) + "px";
  }

  function renderRecent() {
    const list = $("recent");
    list.textContent = "";
    const shown = st.recent.slice(-8).reverse();
    for (const r of shown) {
      const li = M.el("li");
      const t = M.el("span", "t", r.ticket);
      if (r.recall) t.appendChild(M.el("span", "again", "(gọi lại)"));
      li.appendChild(t);
      li.appendChild(M.el("span", "c", "→ " + counterName(r.counter)));
      list.appendChild(li);
    }
    // Only whole lines: a call half cut off is worse than one not shown.
    for (const li of list.children) {
      if (li.offsetTop - list.offsetTop + li.offsetHeight > list.clientHeight + 1) li.hidden = true;
    }
  }

  function renderLatest(flash) {
    const l = st.latest;
    $("latest-ticket").textContent = l ? l.ticket : "—";
    $("latest-counter").textContent = l ? counterName(l.counter) : "—";
    if (flash) M.restart($("latest"), "flash");
  }

  function renderWaiting() {
    const w = $("waiting");
    w.textContent = "";
    if (st.fields.length === 0) return;
    w.appendChild(M.el("span", "", "Đang chờ:"));
    for (const f of st.fields) {
      const s = M.el("span", "", f.name + " (" + f.code + "): ");
      s.appendChild(M.el("b", "", String(st.waiting[f.code] || 0)));
      w.appendChild(s);
    }
  }

  function renderCounterView(flash) {
    const c = st.byId[cfg.counter];
    $("cv-name").textContent = c ? c.name : "Quầy " + cfg.counter;
    const t = $("cv-ticket");
    t.textContent = c && c.serving ? c.serving : "—";
    t.classList.toggle("free", !(c && c.serving));
    let waiting = 0;
    if (c) for (const f of c.services || []) waiting += st.waiting[f] || 0;
    $("cv-waiting").textContent = "Đang chờ: " + waiting;
    if (flash) M.restart($("counterview"), "flash");
  }

  function render(flash) {
    if (counterMode) { renderCounterView(flash && flash.counter === cfg.counter); return; }
    renderCounters();
    renderRecent();
    renderLatest(!!flash);
    renderWaiting();
    if (flash) {
      const tile = document.querySelector('.tile[data-counter="' + CSS.escape(flash.counter) + '"]');
      if (tile) M.restart(tile, "flash");
    }
  }

  // ---- the stream ----
  function snapshot(f) {
    st.counters = f.counters.map((c) => ({ id: c.id, name: c.name, services: c.services || [], serving: c.serving || "" }));
    st.byId = {};
    for (const c of st.counters) st.byId[c.id] = c;
    st.fields = f.fields || [];
    st.waiting = Object.assign({}, f.waiting);
    st.recent = (f.recent || []).map((r) => ({ ticket: r.ticket, counter: r.counter, recall: r.recall, at: r.at }));
    st.latest = st.recent.length ? st.recent[st.recent.length - 1] : null;
    render(null);
  }

  function freeCounter(id, ticket) {
    const c = st.byId[id];
    if (c && c.serving === ticket) c.serving = "";
  }

  function event(ev) {
    if (ev.waiting) Object.assign(st.waiting, ev.waiting);
    let flash = null;
    switch (ev.type) {
      case "called": {
        for (const c of st.counters) if (c.serving === ev.ticket && c.id !== ev.counter) c.serving = "";
        const c = st.byId[ev.counter];
        if (c) c.serving = ev.ticket;
        const call = { ticket: ev.ticket, counter: ev.counter, recall: !!ev.recall, at: ev.at };
        st.recent.push(call);
        if (st.recent.length > 50) st.recent.shift();
        st.latest = call;
        flash = call;
        const fresh = !ev.at || M.serverNow() - Date.parse(ev.at) < FRESH_MS;
        if (fresh && (!counterMode || ev.counter === cfg.counter)) voice.add(ev);
        break;
      }
      case "completed": case "no_show": case "transferred":
        freeCounter(ev.counter, ev.ticket);
        break;
      case "day_reset":
        st.recent = [];
        st.latest = null;
        break;
    }
    render(flash);
  }

  function online(on) { $("offline").hidden = on; }

  if (counterMode) { $("lobby").hidden = true; $("counterview").hidden = false; }
  const fmt = new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit",
    weekday: "long", day: "2-digit", month: "2-digit", year: "numeric" });
  const tick = () => { $("clock").textContent = fmt.format(new Date(M.serverNow())); };
  tick();
  setInterval(tick, 1000);
  addEventListener("resize", () => render(null));
  voice.enable();
  M.stream(params, { snapshot, event, online });
})();
