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
  const PRIORITY = "Ưu tiên"; // the badge of a priority ticket, wherever one is shown
  const ONLINE = "Số đặt trực tuyến"; // under a counter's number checked in from an online booking
  // prio is the badge of x, with its priority category when it has one:
  // "Ưu tiên · Người cao tuổi".
  const prio = (x) => x.category ? PRIORITY + " · " + x.category : PRIORITY;

  // The board (board.js) says what every counter serves and who waits;
  // latest is the call shown large.
  const st = { board: null, latest: null };
  window.motcuaLobby = { announced: [], state: st }; // read by the browser tests

  // ---- voice: one announcement at a time, in order, none cut off ----
  // Calls made together are said together: the first call waits GATHER_MS
  // for others, and calls made while one is being said wait for its end;
  // then up to MAX_TOGETHER of them are said as one announcement (a short
  // chime, the invitation once, each number with its field and counter),
  // so that the fourth of four calls made at once is heard within 10 s,
  // not 26 s. A lone call is said as always.
  const voice = (function () {
    const GATHER_MS = 300, BETWEEN_MS = 500, MAX_TOGETHER = 4;
    let queue = [], busy = false, enabled = false, gatherTimer = null;
    function add(ev) {
      // A newer call at a counter makes an older one not yet said moot.
      queue = queue.filter((x) => x.counter !== ev.counter);
      queue.push(Object.assign({}, ev, { arrived: performance.now() }));
      if (!busy && !gatherTimer) gatherTimer = setTimeout(() => { gatherTimer = null; next(); }, GATHER_MS);
    }
    function next() {
      if (busy || !enabled || queue.length === 0) return;
      const calls = queue.splice(0, MAX_TOGETHER);
      const taken = performance.now();
      busy = true;
      say(calls).then(({ how, url }) => {
        calls.forEach((ev, i) => window.motcuaLobby.announced.push({ ticket: ev.ticket, counter: ev.counter, recall: !!ev.recall,
          how, url, together: calls.length, part: i, waited_ms: Math.round(taken - ev.arrived), say: calls.length > 1 ? ev.say_part || ev.say : ev.say }));
      }).finally(() => { busy = false; setTimeout(next, BETWEEN_MS); });
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
    function speak(text, rate) {
      return new Promise((resolve) => {
        if (!("speechSynthesis" in window) || !text) { resolve(); return; }
        const u = new SpeechSynthesisUtterance(text);
        u.lang = "vi-VN";
        u.rate = rate;
        const v = speechSynthesis.getVoices().find((x) => /^vi/i.test(x.lang));
        if (v) u.voice = v;
        const guard = setTimeout(resolve, 20000);
        u.onend = u.onerror = () => { clearTimeout(guard); resolve(); };
        speechSynthesis.speak(u);
      });
    }
    function say(calls) {
      const one = calls.length === 1;
      const text = one ? calls[0].say : "Mời công dân có số. " + calls.map((ev) => ev.say_part || ev.say).join(" ");
      const browser = () => play("/display/chime.wav").catch(() => {}).then(() => speak(text, one ? 0.85 : 1)).then(() => ({ how: "browser", url: "" }));
      if (cfg.voice !== "server") return browser();
      const url = one
        ? "/display/voice?ticket=" + encodeURIComponent(calls[0].ticket) + "&counter=" + encodeURIComponent(calls[0].counter)
        : "/display/voice?" + calls.map((ev) => "call=" + encodeURIComponent(ev.ticket + ":" + ev.counter + ":" + ev.service)).join("&");
      return play(url).then(() => ({ how: "server", url }), browser);
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
  function counters() { return st.board ? st.board.counters : []; }
  function counterName(id) { const c = st.board && st.board.counter(id); return c ? c.name : "Quầy " + id; }

  function renderCounters() {
    const grid = $("counters");
    grid.textContent = "";
    const n = counters().length;
    // Tiles about 1.8 times as wide as high in the space there is.
    const ratio = Math.max(0.3, (grid.clientWidth || innerWidth) / Math.max(1, grid.clientHeight || innerHeight / 2) / 1.8);
    let rows = Math.max(1, Math.round(Math.sqrt(n / ratio)));
    const cols = Math.max(1, Math.ceil(n / rows));
    rows = Math.max(1, Math.ceil(n / cols));
    grid.style.gridTemplateColumns = "repeat(" + cols + ", 1fr)";
    grid.style.setProperty("--rows", rows);
    for (const c of counters()) {
      const tile = M.el("div", "tile" + (c.serving ? "" : " free"));
      tile.dataset.counter = c.id;
      if (st.latest && st.latest.counter === c.id && c.serving === st.latest.ticket) tile.classList.add("fresh");
      tile.appendChild(M.el("div", "name", c.name));
      tile.appendChild(M.el("div", "num", c.serving || "—"));
      if (c.serving && c.priority) tile.appendChild(M.el("div", "prio", prio(c)));
      if (c.serving && c.online) tile.appendChild(M.el("div", "online", ONLINE));
      grid.appendChild(tile);
    }
    fitTiles();
  }

  function fitTiles() {
    const grid = $("counters");
    const rows = Number(grid.style.getPropertyValue("--rows")) || 1;
    const cols = Math.max(1, Math.ceil(counters().length / rows));
    const h = grid.clientHeight / rows, w = grid.clientWidth / cols;
    for (const num of grid.querySelectorAll(".num")) num.style.fontSize = Math.min(h * 0.46, w / 3.3) + "px";
    for (const name of grid.querySelectorAll(".name, .prio, .online")) name.style.fontSize = Math.min(h * 0.17, w / 10) + "px";
  }

  function renderRecent() {
    const list = $("recent");
    list.textContent = "";
    const shown = (st.board ? st.board.recent : []).slice(-8).reverse();
    for (const r of shown) {
      const li = M.el("li");
      const t = M.el("span", "t", r.ticket);
      if (r.recall) t.appendChild(M.el("span", "again", "(gọi lại)"));
      if (r.priority) t.append(" ", M.el("span", "prio", prio(r)));
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
    $("latest-priority").hidden = !(l && l.priority);
    $("latest-priority").textContent = l && l.priority ? prio(l) : PRIORITY;
    $("latest-why").hidden = !(l && l.priority);
    if (flash) M.restart($("latest"), "flash");
  }

  function renderWaiting() {
    const w = $("waiting");
    w.textContent = "";
    const fields = st.board ? st.board.fields : [];
    if (fields.length === 0) return;
    w.appendChild(M.el("span", "", "Đang chờ:"));
    for (const f of fields) {
      const s = M.el("span", "", f.name + " (" + f.code + "): ");
      s.appendChild(M.el("b", "", String(f.waiting)));
      const prio = f.tickets.filter((x) => x.priority).length;
      if (prio) s.append(" ", M.el("span", "prio", prio + " ưu tiên"));
      w.appendChild(s);
    }
  }

  function renderCounterView(flash) {
    const c = st.board && st.board.counter(cfg.counter);
    $("cv-name").textContent = c ? c.name : "Quầy " + cfg.counter;
    const t = $("cv-ticket");
    t.textContent = c && c.serving ? c.serving : "—";
    t.classList.toggle("free", !(c && c.serving));
    $("cv-priority").hidden = !(c && c.serving && c.priority);
    $("cv-priority").textContent = c && c.category ? "Số ưu tiên · " + c.category : "Số ưu tiên";
    let waiting = 0;
    if (c) for (const code of c.services) { const f = st.board.field(code); if (f) waiting += f.waiting; }
    $("cv-waiting").textContent = "Đang chờ: " + waiting;
    if (flash) M.restart($("counterview"), "flash");
  }

  function render(flash) {
    if (counterMode) { renderCounterView(flash && flash.counter === cfg.counter); return; }
    // What sizes the others first: the tiles and the list of calls are
    // measured in the space the large call and the waiting line leave.
    renderLatest(!!flash);
    renderWaiting();
    renderCounters();
    renderRecent();
    if (flash) {
      const tile = document.querySelector('.tile[data-counter="' + CSS.escape(flash.counter) + '"]');
      if (tile) M.restart(tile, "flash");
    }
  }

  // ---- the stream: the board is kept by board.js; a call flashes and is said ----
  function update(board, f) {
    st.board = board;
    if (f.type === "snapshot") {
      st.latest = board.recent.length ? board.recent[board.recent.length - 1] : null;
      render(null);
      return;
    }
    let flash = null;
    if (f.type === "called") {
      flash = st.latest = board.recent[board.recent.length - 1];
      const fresh = !f.at || M.serverNow() - Date.parse(f.at) < FRESH_MS;
      if (fresh && (!counterMode || f.counter === cfg.counter)) voice.add(f);
    } else if (f.type === "day_reset") {
      st.latest = null;
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
  // The font changes the lines' heights: which calls fit is measured again.
  if (document.fonts) document.fonts.addEventListener("loadingdone", () => render(null));
  voice.enable();
  window.motcuaBoard.follow(params, { update, online });
})();
