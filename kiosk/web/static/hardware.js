// The counter hardware for administrators: learning the wireless call
// buttons (a code per key, bound to a counter and an action), the codes
// heard but not learned, and the state of the LED boards, receivers and
// rating boxes (from /healthz).
"use strict";
(() => {
  const { api, el } = motcua;
  const $ = id => document.getElementById(id);
  const dict = {
    vi: {
      title: "Thiết bị tại quầy", reports: "Báo cáo", logout: "Đăng xuất", login_title: "Đăng nhập quản trị",
      username: "Tên đăng nhập", password: "Mật khẩu", login: "Đăng nhập", not_admin: "Tài khoản này không phải quản trị viên.",
      learn_title: "Học nút gọi số", learn_help: "Chọn quầy và việc của nút, bấm “Học nút”, rồi bấm nút đó trên điều khiển trong vòng một phút.",
      counter: "Quầy", action: "Việc của nút", learn: "Học nút", cancel: "Thôi", bindings: "Các nút đã học", code: "Mã nút",
      learned_at: "Học lúc", unknown: "Mã lạ vừa nhận (chưa học: không làm gì)", receiver: "Bộ thu", at: "Lúc",
      devices: "Tình trạng thiết bị", device: "Thiết bị", kind: "Loại", state: "Tình trạng", detail: "Chi tiết",
      next: "Gọi số tiếp theo", recall: "Gọi lại", no_show: "Vắng mặt", complete: "Xong",
      waiting: "Đang chờ bấm nút cho {counter}: {action}… (còn {s} giây)", learned_ok: "Đã học mã {code}: {counter}, {action}.",
      forget: "Xóa", forget_confirm: "Xóa nút {code}? Bấm nút này sẽ không làm gì nữa.",
      board: "Bảng số LED", rx: "Bộ thu nút / hộp đánh giá", ok: "Hoạt động", silent: "Không trả lời", off: "Mất kết nối",
      showing: "Đang hiện: {text}", last_press: "bấm lần cuối {at} ({n} lần)", blank: "Đang trống", errors: "{n} lần lỗi", none_yet: "Chưa có.", no_devices: "Không có thiết bị nào được khai báo.",
    },
    en: {
      title: "Counter hardware", reports: "Reports", logout: "Log out", login_title: "Administrator login",
      username: "User name", password: "Password", login: "Log in", not_admin: "This account is not an administrator.",
      learn_title: "Learn a call button", learn_help: "Choose the counter and what the button does, press “Learn”, then press the button on the remote within a minute.",
      counter: "Counter", action: "What it does", learn: "Learn", cancel: "Cancel", bindings: "Learned buttons", code: "Code",
      learned_at: "Learned", unknown: "Unknown codes heard (not learned: nothing done)", receiver: "Receiver", at: "At",
      devices: "Devices", device: "Device", kind: "Kind", state: "State", detail: "Detail",
      next: "Call next", recall: "Recall", no_show: "No-show", complete: "Complete",
      waiting: "Waiting for a press for {counter}: {action}… ({s} s left)", learned_ok: "Learned code {code}: {counter}, {action}.",
      forget: "Remove", forget_confirm: "Remove button {code}? Pressing it will do nothing.",
      board: "LED board", rx: "Button receiver / rating box", ok: "Working", silent: "Not answering", off: "Disconnected",
      showing: "Showing: {text}", last_press: "last press {at} ({n} in all)", blank: "Blank", errors: "{n} errors", none_yet: "None yet.", no_devices: "No device is configured.",
    },
  };
  const tr = motcua.i18n(dict, lang => { $("lang").textContent = lang === "vi" ? "English" : "Tiếng Việt"; $("lang").lang = lang === "vi" ? "en" : "vi"; if (last) render(last); });
  const t = tr.t;
  let last = null, lastHealth = null, timer = null, armed = false;
  const when = s => s ? motcua.localTime(new Date(s), last && last.timezone, true) : "–";

  function screen(name) { $("login").hidden = name !== "login"; $("hardware").hidden = name !== "hardware"; $("logout").hidden = name === "login"; }
  function fail(e) { $("error").textContent = motcua.messages.error(e, tr.lang); $("error").hidden = false; }

  $("lang").addEventListener("click", () => tr.set(tr.lang === "vi" ? "en" : "vi"));
  $("login-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    try {
      await api("POST", "/api/v1/auth/login", { username: $("username").value.trim(), password: $("password").value });
      $("password").value = "";
      await enter();
    } catch (e) { $("login-error").textContent = motcua.messages.error(e, tr.lang); $("login-error").hidden = false; }
  });
  $("logout").addEventListener("click", async () => { try { await api("POST", "/api/v1/auth/logout"); } catch (e) { /* expires anyway */ } screen("login"); });

  async function enter() {
    const me = await api("GET", "/api/v1/auth/me");
    if (me.role !== "admin") { screen("login"); $("login-error").textContent = t("not_admin"); $("login-error").hidden = false; return; }
    $("who").textContent = me.name || me.username;
    screen("hardware");
    await refresh();
  }

  const counterName = id => { const c = (last && last.counters || []).find(x => x.id === id); return c ? (c.name || id) : id; };

  function render(st) {
    last = st;
    if (!$("counter").options.length) {
      st.counters.forEach(c => $("counter").append(el("option", { value: c.id }, c.name || c.id)));
    }
    const chosen = $("action").value;
    $("action").replaceChildren(...st.actions.map(a => el("option", { value: a }, t(a))));
    if (chosen) $("action").value = chosen;
    const l = st.learning;
    $("learning").hidden = !l;
    $("cancel").hidden = !l;
    if (l) {
      const s = Math.max(0, Math.round((new Date(l.until) - Date.now()) / 1000));
      $("learning").textContent = t("waiting", { counter: counterName(l.counter), action: t(l.action), s });
    }
    const body = $("bindings").tBodies[0];
    body.replaceChildren(...st.bindings.map(b => el("tr", { "data-code": b.code },
      el("td", {}, el("code", {}, b.code)), el("td", {}, counterName(b.counter)), el("td", {}, t(b.action)), el("td", {}, when(b.learned_at)),
      el("td", {}, el("button", { class: "btn secondary", type: "button", onclick: () => forget(b.code) }, t("forget"))))));
    if (!st.bindings.length) body.append(el("tr", {}, el("td", { colspan: "5" }, t("none_yet"))));
    const unk = $("unknown").tBodies[0];
    unk.replaceChildren(...st.unknown.slice().reverse().map(u => el("tr", {}, el("td", {}, el("code", {}, u.code)), el("td", {}, u.receiver), el("td", {}, when(u.at)))));
    if (!st.unknown.length) unk.append(el("tr", {}, el("td", { colspan: "3" }, t("none_yet"))));
    renderDevices();
  }

  function renderDevices() {
    const rows = [];
    const h = lastHealth || {};
    for (const [name, b] of Object.entries(h.boards || {}).sort()) {
      const good = b.connected && b.answering;
      const state = !b.connected ? t("off") : b.answering ? t("ok") : t("silent");
      const detail = [b.showing ? t("showing", { text: b.showing }) : t("blank"), `${b.bus} #${b.address}`, b.errors ? t("errors", { n: b.errors }) : "", b.error || ""].filter(Boolean).join(" · ");
      rows.push(el("tr", { "data-device": name }, el("td", {}, name), el("td", {}, t("board")), el("td", { class: good ? "good" : "bad" }, state), el("td", {}, detail)));
    }
    for (const [name, r] of Object.entries(h.buttons || {}).sort()) {
      rows.push(el("tr", { "data-device": name }, el("td", {}, name), el("td", {}, t("rx")), el("td", { class: r.connected ? "good" : "bad" }, r.connected ? t("ok") : t("off")),
        el("td", {}, [r.path, r.last_press ? t("last_press", { at: when(r.last_press), n: r.presses }) : "", r.error].filter(Boolean).join(" · "))));
    }
    if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: "4" }, t("no_devices"))));
    $("devices").tBodies[0].replaceChildren(...rows);
  }

  async function refresh() {
    try {
      const [st, health] = await Promise.all([api("GET", "/api/v1/buttons"), fetch("/healthz").then(r => r.json()).catch(() => null)]);
      lastHealth = health;
      const before = armed;
      armed = !!st.learning;
      if (before && !armed) {
        const newest = st.bindings.slice().sort((a, b) => (a.learned_at < b.learned_at ? 1 : -1))[0];
        if (newest) { $("learned").textContent = t("learned_ok", { code: newest.code, counter: counterName(newest.counter), action: t(newest.action) }); $("learned").hidden = false; }
      }
      render(st);
      $("error").hidden = true;
    } catch (e) {
      if (e.status === 401) { screen("login"); return; }
      fail(e);
    }
    clearTimeout(timer);
    timer = setTimeout(refresh, armed ? 1000 : 5000);
  }

  $("learn-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    $("learned").hidden = true;
    try {
      const st = await api("POST", "/api/v1/buttons/learn", { counter: $("counter").value, action: $("action").value });
      armed = true;
      render(st);
    } catch (e) { fail(e); }
    clearTimeout(timer);
    timer = setTimeout(refresh, 1000);
  });
  $("cancel").addEventListener("click", async () => {
    try { armed = false; render(await api("POST", "/api/v1/buttons/learn/cancel", {})); } catch (e) { fail(e); }
  });
  async function forget(code) {
    if (!window.confirm(t("forget_confirm", { code }))) return;
    try { render(await api("POST", "/api/v1/buttons/forget", { code })); } catch (e) { fail(e); }
  }

  async function start() {
    tr.apply();
    try { await enter(); } catch (e) { screen("login"); }
    document.body.dataset.ready = "1";
  }
  start();
})();
