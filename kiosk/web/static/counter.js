// The staff console: log in, open one allowed counter (never the same
// counter on two consoles without an explicit takeover), call and serve
// tickets with buttons or keys, follow the waiting per field, print a
// form-01 receipt. The queue is the board that board.js keeps from the
// display websocket (the screen "lobby", or ?screen=NAME&token=T): a ticket
// issued at a kiosk shows at once. GET /api/v1/queue, the same board, is
// polled only while the socket is down. The page shows what the board
// says: which ticket each counter holds, in which field, in which state.
"use strict";
(() => {
  const { api, el, clock } = motcua;
  const $ = id => document.getElementById(id);
  const dict = {
    vi: {
      title: "Bàn làm việc tại quầy", logout: "Đăng xuất", login_title: "Đăng nhập", username: "Tên đăng nhập",
      password: "Mật khẩu", login: "Đăng nhập", pick_title: "Chọn quầy làm việc", takeover: "Tiếp quản quầy này",
      pick_other: "Chọn quầy khác", pick_again: "Chọn lại quầy", current: "Số tại quầy", actions: "Thao tác",
      next: "Gọi số tiếp theo", recall: "Gọi lại", start: "Bắt đầu phục vụ", complete: "Hoàn thành", noshow: "Vắng mặt",
      transfer: "Chuyển lĩnh vực", call: "Gọi số cụ thể", receipt: "In giấy tiếp nhận", transfer_to: "Chuyển số này sang lĩnh vực",
      cancel: "Hủy", call_number: "Số cần gọi (ví dụ A012)", call_go: "Gọi số này", waiting: "Đang chờ theo lĩnh vực",
      field: "Lĩnh vực", count: "Số người chờ", updated: "Cập nhật lúc {t} (mất kết nối trực tiếp, tự tải lại mỗi 2 giây)",
      live: "Cập nhật tức thì · {t}", none: "Chưa gọi số nào",
      st_called: "Đã gọi, chờ công dân đến quầy", st_serving: "Đang phục vụ", since: "từ {t}",
      receipt_title: "In giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)", r_code: "Mã hồ sơ",
      r_procedure: "Thủ tục (nội dung yêu cầu giải quyết)", r_name: "Người nộp hồ sơ", r_phone: "Số điện thoại",
      r_address: "Địa chỉ", r_email: "Email", r_docs: "Thành phần hồ sơ (mỗi dòng một giấy tờ)", r_sets: "Số lượng hồ sơ (bộ)",
      r_days: "Thời gian giải quyết (ngày)", r_due: "Hẹn trả kết quả", r_fee: "Phí, lệ phí", r_place: "Nhận kết quả tại",
      r_copies: "Số liên", r_print: "In giấy tiếp nhận", r_sent: "Đã gửi lệnh in giấy tiếp nhận (lệnh {job}).",
      r_missing: "Máy chủ chưa có chức năng in giấy tiếp nhận. Xin báo bộ phận kỹ thuật.",
      called: "Đã gọi số {n}.", recalled: "Đã gọi lại số {n}.", started: "Bắt đầu phục vụ số {n}.",
      completed: "Đã hoàn thành số {n}.", noshowed: "Đã ghi số {n} vắng mặt.", transferred: "Đã chuyển số {n} sang {f}.",
      lost_title: "Máy này không còn giữ quầy.", offline: "Mất kết nối tới máy chủ. Đang thử lại…",
      in_use: "Quầy đang mở ở máy khác.", counter_name: "Quầy {c}",
    },
    en: {
      title: "Counter console", logout: "Log out", login_title: "Log in", username: "User name", password: "Password",
      login: "Log in", pick_title: "Choose your counter", takeover: "Take this counter over", pick_other: "Choose another counter",
      pick_again: "Choose a counter again", current: "At the counter", actions: "Actions", next: "Call next", recall: "Recall",
      start: "Start serving", complete: "Complete", noshow: "No-show", transfer: "Transfer", call: "Call a number",
      receipt: "Print receipt", transfer_to: "Move this ticket to", cancel: "Cancel", call_number: "Number to call (e.g. A012)",
      call_go: "Call it", waiting: "Waiting per field", field: "Field", count: "Waiting", updated: "Updated at {t} (live link lost, reloading every 2 s)",
      live: "Live · {t}",
      none: "No ticket called yet", st_called: "Called, waiting for the citizen", st_serving: "Serving", since: "since {t}",
      receipt_title: "Print the receipt of a dossier (form 01)", r_code: "Dossier code", r_procedure: "Procedure",
      r_name: "Applicant", r_phone: "Phone", r_address: "Address", r_email: "Email", r_docs: "Documents (one per line)",
      r_sets: "Sets", r_days: "Processing time (days)", r_due: "Result due", r_fee: "Fee", r_place: "Result returned at",
      r_copies: "Copies", r_print: "Print receipt", r_sent: "Receipt sent to the printer (job {job}).",
      r_missing: "Receipt printing is not installed on the server. Please tell the IT staff.",
      called: "Called {n}.", recalled: "Recalled {n}.", started: "Serving {n}.", completed: "Completed {n}.",
      noshowed: "{n} marked absent.", transferred: "{n} moved to {f}.", lost_title: "This console no longer holds the counter.",
      offline: "No connection to the server. Retrying…", in_use: "The counter is open on another console.",
      counter_name: "Counter {c}",
    },
  };
  const tr = motcua.i18n(dict, lang => { $("lang").textContent = lang === "vi" ? "English" : "Tiếng Việt"; $("lang").lang = lang === "vi" ? "en" : "vi"; render(); });
  const t = tr.t;
  const st = { me: null, counter: null, counterName: "", console: "", board: null, current: null, lost: false, pickFor: null, procs: [], live: false };
  const query = new URLSearchParams(location.search);

  function screen(name) {
    for (const id of ["login", "pick", "work"]) $(id).hidden = id !== name;
    $("logout").hidden = name === "login";
  }
  function message(text, kind) {
    const m = $("msg");
    m.className = "notice " + (kind || "info");
    m.textContent = text;
    m.hidden = !text;
  }
  function errText(e) {
    if (e.code === "network") return t("offline");
    return motcua.messages.error(e, tr.lang);
  }

  // ---- login and counter choice ----
  $("login-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    $("login-error").hidden = true;
    try {
      await api("POST", "/api/v1/auth/login", { username: $("username").value.trim(), password: $("password").value });
      $("password").value = "";
      await afterLogin();
    } catch (e) {
      $("login-error").textContent = errText(e);
      $("login-error").hidden = false;
    }
  });
  async function afterLogin() {
    st.me = await api("GET", "/api/v1/auth/me");
    $("who").textContent = st.me.name || st.me.username;
    const saved = JSON.parse(sessionStorage.getItem("motcua.console") || "null");
    if (saved && saved.user === st.me.username) {
      motcua.setHeader("X-Motcua-Console", saved.console);
      try {
        await api("POST", `/api/v1/counters/${encodeURIComponent(saved.counter)}/heartbeat`);
        return enter(saved.counter, saved.console);
      } catch (e) { sessionStorage.removeItem("motcua.console"); motcua.setHeader("X-Motcua-Console", ""); }
    }
    await showPick();
  }
  async function showPick() {
    if (!st.live || !st.board) st.board = motcuaBoard.fromQueue(await api("GET", "/api/v1/queue"));
    const allowed = st.board.counters.filter(c => st.me.role === "admin" || (st.me.counters || []).includes(c.id));
    $("pick-list").replaceChildren(...allowed.map(c => el("button", { class: "btn", type: "button", "data-counter": c.id, onclick: () => open(c.id, false) }, c.name)));
    $("pick-error").hidden = true;
    screen("pick");
    if (allowed.length === 1) open(allowed[0].id, false);
  }
  async function open(counter, takeover) {
    try {
      const cl = await api("POST", `/api/v1/counters/${encodeURIComponent(counter)}/open`, { takeover });
      enter(counter, cl.console);
    } catch (e) {
      st.pickFor = counter;
      $("pick-error-text").textContent = errText(e);
      $("takeover").hidden = e.code !== "counter_in_use";
      $("pick-error").hidden = false;
      screen("pick");
    }
  }
  $("takeover").addEventListener("click", () => open(st.pickFor, true));
  $("pick-other").addEventListener("click", () => { $("pick-error").hidden = true; });
  $("lost-pick").addEventListener("click", () => { st.lost = false; $("lost").hidden = true; showPick(); });

  function enter(counter, consoleToken) {
    st.counter = counter; st.console = consoleToken; st.lost = false;
    motcua.setHeader("X-Motcua-Console", consoleToken);
    sessionStorage.setItem("motcua.console", JSON.stringify({ counter, console: consoleToken, user: st.me.username }));
    $("lost").hidden = true;
    message("");
    screen("work");
    refresh();
  }

  function lose(e) {
    st.lost = true;
    sessionStorage.removeItem("motcua.console");
    $("lost-text").textContent = t("lost_title") + " " + errText(e);
    $("lost").hidden = false;
  }

  // ---- the queue: the socket, or polling while it is down ----
  async function refresh() {
    if (st.live) { render(); return; } // the socket keeps st.board current
    try {
      st.board = motcuaBoard.fromQueue(await api("GET", "/api/v1/queue"));
      render();
    } catch (e) {
      if (e.code === "network") message(t("offline"), "warn");
    }
  }
  const follower = motcuaBoard.follow({ screen: query.get("screen") || "lobby", token: query.get("token") }, {
    update: board => { st.board = board; render(); },
    online: on => {
      st.live = on;
      document.body.dataset.live = on ? "1" : "0";
      if (on && follower && follower.board.seq !== null) st.board = follower.board;
      render();
      if (!on) refresh(); // poll at once, then every 2 s until it is back
      else if ($("msg").textContent === t("offline")) message("");
    },
  });

  // ---- the work screen ----
  function serviceName(code) {
    const f = st.board && st.board.field(code);
    return f ? f.name : code;
  }
  function render() {
    if (!st.board || !st.counter) return;
    const c = st.board.counter(st.counter);
    if (!c) return;
    st.counterName = c.name;
    $("title").textContent = c.name;
    document.title = c.name + " — " + t("title");
    // The current ticket, its field (after any transfer) and state: as the
    // board says.
    st.current = c.serving ? { number: c.serving, state: c.state, since: c.since, service: c.service } : null;
    const cur = st.current;
    $("cur-number").textContent = cur ? cur.number : "—";
    $("cur-field").textContent = cur ? serviceName(cur.service) : t("none");
    $("cur-state").textContent = cur ? t(cur.state === "serving" ? "st_serving" : "st_called") : "";
    for (const id of ["act-recall", "act-start", "act-complete", "act-noshow", "act-transfer"]) $(id).disabled = !cur;
    if (cur && cur.state === "serving") $("act-start").disabled = true;
    tickTimer();
    const mine = new Set(c.services);
    $("waiting").replaceChildren(...st.board.fields.map(f => el("tr", { class: mine.has(f.code) ? "mine" : "" },
      el("td", {}, `${f.code} · ${f.name}`), el("td", { class: "n", "data-service": f.code }, String(f.waiting)))));
    // The center's time (Vietnam, +07:00), whatever the PC's clock zone.
    const now = motcua.localTime(new Date(), "Asia/Ho_Chi_Minh");
    $("updated").textContent = st.live ? t("live", { t: now }) : t("updated", { t: now });
  }
  function tickTimer() {
    const cur = st.current;
    const box = $("cur-timer");
    if (!cur || !cur.since) { box.textContent = ""; return; }
    const secs = (Date.now() - new Date(cur.since).getTime()) / 1000;
    box.textContent = clock(secs);
    box.classList.toggle("long", secs > 20 * 60);
  }

  const actions = {
    next: { path: "next", done: "called" }, recall: { path: "recall", done: "recalled" }, start: { path: "start", done: "started" },
    complete: { path: "complete", done: "completed" }, noshow: { path: "no-show", done: "noshowed" },
  };
  let busy = false;
  async function act(name, body) {
    if (busy || st.lost || !st.counter) return;
    if (name !== "next" && name !== "call" && !st.current) return;
    busy = true;
    try {
      const a = actions[name] || { path: name };
      const tk = await api("POST", `/api/v1/counters/${encodeURIComponent(st.counter)}/${a.path}`, body);
      if (name === "transfer") message(t("transferred", { n: tk.number, f: tk.service_name }), "ok");
      else message(t(a.done || "called", { n: tk.number }), "ok");
      closeBoxes();
    } catch (e) {
      if (e.code === "counter_taken_over" || e.code === "counter_in_use") lose(e);
      else if (e.status === 401) loggedOut(e);
      else message(errText(e), e.code === "queue_empty" ? "info" : "warn");
    } finally {
      busy = false;
      refresh();
    }
  }
  $("act-next").addEventListener("click", () => act("next"));
  $("act-recall").addEventListener("click", () => act("recall"));
  $("act-start").addEventListener("click", () => act("start"));
  $("act-complete").addEventListener("click", () => act("complete"));
  $("act-noshow").addEventListener("click", () => act("noshow"));
  $("act-transfer").addEventListener("click", openTransfer);
  $("act-call").addEventListener("click", () => { closeBoxes(); $("call-box").hidden = false; $("call-number").focus(); });
  $("act-receipt").addEventListener("click", openReceipt);
  $("call-box").addEventListener("submit", ev => { ev.preventDefault(); act("call", { ticket: $("call-number").value.trim().toUpperCase() }); });
  for (const b of document.querySelectorAll("[data-close]")) b.addEventListener("click", closeBoxes);

  function openTransfer() {
    if (!st.current) return;
    closeBoxes();
    $("transfer-list").replaceChildren(...st.board.fields.filter(f => f.code !== st.current.service).map(f =>
      el("button", { class: "btn", type: "button", "data-service": f.code, onclick: () => act("transfer", { service: f.code }) }, `${f.code} · ${f.name}`)));
    $("transfer-box").hidden = false;
  }
  function closeBoxes() {
    for (const id of ["transfer-box", "call-box", "receipt-box"]) $(id).hidden = true;
    $("call-number").value = "";
  }

  // Keys work anywhere except while typing in a form.
  document.addEventListener("keydown", ev => {
    if (ev.key === "Escape") { closeBoxes(); return; }
    if ($("work").hidden || ev.ctrlKey || ev.altKey || ev.metaKey) return;
    const tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    const k = ev.key === "F1" ? "F1" : ev.key.toUpperCase();
    const map = { F1: "act-next", N: "act-next", R: "act-recall", B: "act-start", H: "act-complete", V: "act-noshow", C: "act-transfer", G: "act-call", P: "act-receipt" };
    if (map[k]) { ev.preventDefault(); $(map[k]).click(); }
  });

  // ---- heartbeat ----
  async function heartbeat() {
    if (!st.counter || st.lost || $("work").hidden) return;
    try { await api("POST", `/api/v1/counters/${encodeURIComponent(st.counter)}/heartbeat`); }
    catch (e) {
      if (e.code === "counter_taken_over" || e.code === "counter_in_use" || e.code === "counter_not_open") lose(e);
      else if (e.status === 401) loggedOut(e); // the session ended: logged out everywhere, or expired
    }
  }

  // ---- receipt (form 01) ----
  async function openReceipt() {
    closeBoxes();
    $("receipt-msg").hidden = true;
    if (!st.procs.length) {
      try { st.procs = (await api("GET", "/api/v1/procedures")).procedures || []; } catch (e) { st.procs = []; }
      $("r-procs").replaceChildren(...st.procs.map(p => el("option", { value: p.name })));
    }
    if (!$("r-due").value) setDue();
    $("receipt-box").hidden = false;
    $("r-code").focus();
  }
  $("r-procedure").addEventListener("change", () => {
    const p = st.procs.find(p => p.name === $("r-procedure").value);
    if (!p) return;
    $("r-docs").value = p.documents.join("\n");
    if (p.processing_days) { $("r-days").value = p.processing_days; setDue(); }
    if (p.sets) $("r-sets").value = p.sets;
    $("r-fee").value = p.fee || "";
  });
  $("r-days").addEventListener("change", setDue);
  // setDue puts the result date N working days (Mon–Fri) ahead, at 08:00.
  function setDue() {
    let n = parseInt($("r-days").value, 10) || 0;
    const d = new Date();
    while (n > 0) { d.setDate(d.getDate() + 1); if (d.getDay() !== 0 && d.getDay() !== 6) n--; }
    d.setHours(8, 0, 0, 0);
    $("r-due").value = localInput(d);
  }
  const p2 = motcua.pad2;
  const localInput = d => `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}`;
  function rfc3339(d) {
    const off = -d.getTimezoneOffset(), sign = off >= 0 ? "+" : "-", a = Math.abs(off);
    return `${localInput(d)}:${p2(d.getSeconds())}${sign}${p2(Math.floor(a / 60))}:${p2(a % 60)}`;
  }
  $("receipt-box").addEventListener("submit", async ev => {
    ev.preventDefault();
    const job = {
      dossier_code: $("r-code").value.trim(), procedure: $("r-procedure").value.trim(),
      applicant: { name: $("r-name").value.trim(), address: $("r-address").value.trim(), phone: $("r-phone").value.trim(), email: $("r-email").value.trim() },
      documents: $("r-docs").value.split("\n").map(s => s.trim()).filter(Boolean),
      sets: parseInt($("r-sets").value, 10), processing_days: parseInt($("r-days").value, 10),
      received_at: rfc3339(new Date()), due_at: rfc3339(new Date($("r-due").value)),
      return_place: $("r-place").value.trim(), fee: $("r-fee").value.trim(),
      receiver: st.me.name || st.me.username, counter: st.counter, copies: parseInt($("r-copies").value, 10),
    };
    const m = $("receipt-msg");
    try {
      const r = await api("POST", "/api/v1/receipts", job);
      m.className = "notice ok"; m.textContent = t("r_sent", { job: r && r.job || "" });
    } catch (e) {
      m.className = "notice bad";
      m.textContent = e.status === 404 && e.code === "not_found" ? t("r_missing") : errText(e);
    }
    m.hidden = false;
  });

  // ---- logout, language, start ----
  $("logout").addEventListener("click", async () => {
    if (st.counter && !st.lost) { try { await api("POST", `/api/v1/counters/${encodeURIComponent(st.counter)}/release`); } catch (e) { /* lapses anyway */ } }
    try { await api("POST", "/api/v1/auth/logout"); } catch (e) { /* the cookie expires anyway */ }
    loggedOut();
  });
  // loggedOut forgets the session's counter and shows the login; with an
  // error, why (an administrator ended the session, it expired).
  function loggedOut(e) {
    sessionStorage.removeItem("motcua.console");
    motcua.setHeader("X-Motcua-Console", "");
    st.counter = null; st.me = null; $("who").textContent = "";
    screen("login");
    if (e) { $("login-error").textContent = errText(e); $("login-error").hidden = false; }
  }
  $("lang").addEventListener("click", () => tr.set(tr.lang === "vi" ? "en" : "vi"));

  async function start() {
    tr.apply();
    try { await afterLogin(); } catch (e) { screen("login"); }
    document.body.dataset.ready = "1";
    setInterval(refresh, 2000); // does nothing while the socket is live
    setInterval(tickTimer, 1000);
    setInterval(heartbeat, 10000);
  }
  start();
})();
