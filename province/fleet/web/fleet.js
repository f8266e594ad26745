"use strict";
// The fleet pages: they read the hub's API (same origin, the sign-in
// cookie) and never keep anything themselves.
(function () {
  const page = document.body.dataset.page;
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  // Times are the centers' (the province's zone, from /api/v1/me), whatever
  // the browser's own zone.
  let zone = "Asia/Ho_Chi_Minh";
  const time = (s) => s ? new Date(s).toLocaleString("vi-VN", { hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", timeZone: zone }) : "—";
  const states = { waiting: "Đang chờ", called: "Đã gọi", serving: "Đang phục vụ", done: "Xong", no_show: "Vắng mặt",
    transferred: "Chuyển lĩnh vực", cancelled: "Đã hủy" };

  async function api(path, opts) {
    const r = await fetch(path, Object.assign({ credentials: "same-origin" }, opts || {}));
    if (r.status === 401 && page !== "login") { location.href = "/login"; throw new Error("unauthorized"); }
    const type = r.headers.get("Content-Type") || "";
    const body = type.includes("json") ? await r.json() : await r.text();
    if (!r.ok) { const e = new Error((body && body.error && body.error.message) || ("Lỗi " + r.status)); e.status = r.status; throw e; }
    return body;
  }

  function who() {
    const out = $("logout");
    if (out) out.onclick = () => api("/api/v1/auth/logout", { method: "POST" }).finally(() => { location.href = "/login"; });
    return api("/api/v1/me").then((me) => {
      if (me.timezone) zone = me.timezone;
      $("who").textContent = me.name + " (" + me.username + ")";
      if ($("province")) $("province").textContent = "Các trung tâm · " + me.province;
    }).catch(() => {});
  }

  const channels = { zns: "Zalo", sms: "SMS", email: "Thư điện tử", hub: "Chuyển lên tỉnh gửi", "": "Chưa gửi" };
  const senders = { center: "Trung tâm", hub: "Tỉnh gửi thay" };

  // drawMessages fills the messages table from GET .../messages.
  function drawMessages(m) {
    const tb = $("messages"); tb.replaceChildren();
    for (const r of m.rows) tb.append(tr([senders[r.by] || r.by, channels[r.channel] || r.channel, String(r.sent), String(r.failed), String(r.waiting), String(r.dropped)]));
    const t = m.total;
    $("messages-summary").textContent = m.rows.length
      ? "Đã đến người dân " + t.sent + " tin, thất bại " + t.failed + ", đang chờ " + t.waiting + ", bỏ " + t.dropped + " (tin chuyển lên tỉnh được tính một lần, khi tỉnh gửi)."
      : "Chưa có tin nhắn nào.";
  }

  function link(c) {
    if (c.online) return el("span", "Trực tuyến", "ok");
    if (!c.last_seen) return el("span", "Chưa kết nối", "bad");
    return el("span", "Mất kết nối từ " + time(c.last_seen), "bad");
  }

  function printers(c) {
    const names = Object.keys(c.printers || {});
    if (!names.length) return "—";
    return names.map((n) => {
      const p = c.printers[n];
      const what = p.paper === "out" ? "hết giấy" : p.cover === "open" ? "mở nắp" : p.state === "offline" ? "không phản hồi" : p.paper === "near_end" ? "sắp hết giấy" : "sẵn sàng";
      return n + ": " + what;
    }).join("; ");
  }

  async function fleet() {
    await who();
    const draw = async () => {
      try {
        const [centers, alerts, msgs] = await Promise.all([api("/api/v1/centers"), api("/api/v1/alerts"), api("/api/v1/messages")]);
        drawMessages(msgs);
        const ul = $("alerts"); ul.replaceChildren();
        if (!alerts.length) ul.append(el("li", "Không có việc cần xử lý.", "ok"));
        for (const a of alerts) ul.append(el("li", a.name + ": " + a.message));
        const online = centers.filter((c) => c.online).length;
        $("summary").textContent = "(" + centers.length + " trung tâm, " + online + " trực tuyến)";
        const tb = $("centers"); tb.replaceChildren();
        for (const c of centers) {
          const tr = el("tr"); tr.className = "rank" + rankOf(c);
          const name = el("td"); const a = el("a", c.name); a.href = "/centers/" + encodeURIComponent(c.id); name.append(a);
          const l = el("td"); l.append(link(c));
          const conf = c.refused ? "chạy " + c.config_version + ", từ chối " + c.refused.version : (c.config_version ? "phiên bản " + c.config_version : "tệp riêng");
          tr.append(name, l, el("td", String(c.tickets_today)), el("td", String(c.waiting)), el("td", printers(c)),
            el("td", conf), el("td", c.version || "—"), el("td", c.attention.join("; ") || "—"));
          tb.append(tr);
        }
        $("updated").textContent = "lần cuối " + new Date().toLocaleTimeString("vi-VN", { timeZone: zone });
      } catch (e) { $("updated").textContent = e.message; }
    };
    await draw();
    setInterval(draw, 10000);
  }

  function rankOf(c) {
    if (!c.attention.length) return 0;
    if (!c.online || c.refused || Object.values(c.printers || {}).some((p) => p.paper === "out" || p.cover === "open")) return 3;
    return 2;
  }

  async function center() {
    await who();
    const id = decodeURIComponent(location.pathname.split("/").pop());
    const base = "/api/v1/centers/" + encodeURIComponent(id);
    const day = $("day");
    day.value = new Date().toLocaleDateString("sv-SE", { timeZone: zone });
    const drawState = async () => {
      const { center: c } = await api(base);
      $("name").textContent = c.name; document.title = c.name + " · Một cửa của tỉnh";
      const dl = $("state"); dl.replaceChildren();
      const row = (k, v) => { dl.append(el("dt", k)); const d = el("dd"); if (typeof v === "string") d.textContent = v; else d.append(v); dl.append(d); };
      row("Kết nối", link(c));
      row("Lần cuối liên lạc", time(c.last_seen));
      row("Số hôm nay", String(c.tickets_today));
      row("Đang chờ", String(c.waiting));
      row("Máy in", printers(c));
      row("Cấu hình đang chạy", c.config_version ? "phiên bản " + c.config_version : "tệp riêng của trung tâm");
      if (c.refused) row("Cấu hình bị từ chối", "phiên bản " + c.refused.version + ": " + c.refused.reason);
      row("Phần mềm", c.version || "—");
      if (c.events_missing) row("Sự kiện chưa về đủ", String(c.events_missing));
      const ul = $("attention"); ul.replaceChildren();
      for (const a of c.attention) ul.append(el("li", a));
      drawMessages(await api(base + "/messages"));
    };
    const drawTickets = async () => {
      const ts = await api(base + "/tickets?day=" + encodeURIComponent(day.value));
      const tb = $("tickets"); tb.replaceChildren();
      for (const t of ts) tb.append(tr([t.number + (t.priority ? " (ưu tiên)" : ""), t.service, states[t.state] || t.state, t.counter || "—", time(t.issued_at), time(t.called_at), time(t.done_at)]));
      const done = ts.filter((t) => t.state === "done").length;
      $("tickets-summary").textContent = ts.length + " số đã về tỉnh, trong đó " + done + " đã phục vụ xong.";
    };
    const drawVersions = async () => {
      const vs = await api(base + "/configs");
      const tb = $("versions"); tb.replaceChildren();
      for (const v of vs.slice().reverse()) {
        const r = tr([String(v.version), v.author, time(v.created_at), v.published ? "đang gửi xuống" : ""]);
        const td = el("td");
        const load = el("button", "Xem"); load.type = "button";
        load.onclick = async () => { $("yaml").value = await api(base + "/configs/" + v.version); };
        td.append(load);
        if (!v.published) {
          const back = el("button", "Dùng lại phiên bản này"); back.type = "button";
          back.onclick = async () => {
            try { await api(base + "/config/publish", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ version: v.version }) });
              $("config-result").textContent = "Đã gửi lại phiên bản " + v.version + "."; drawVersions();
            } catch (e) { $("config-result").textContent = e.message; }
          };
          td.append(" ", back);
        }
        r.append(td); tb.append(r);
      }
    };
    $("publish").onclick = async () => {
      const out = $("config-result");
      try {
        const r = await api(base + "/config", { method: "PUT", headers: { "Content-Type": "application/yaml" }, body: $("yaml").value });
        out.className = "ok"; out.textContent = "Đã kiểm tra và gửi phiên bản " + r.version + ". Trung tâm báo lại khi đã áp dụng.";
        drawVersions();
      } catch (e) { out.className = "error"; out.textContent = "Không gửi: " + e.message; }
    };
    day.onchange = drawTickets;
    await Promise.all([drawState(), drawTickets(), drawVersions()]);
    setInterval(() => { drawState().catch(() => {}); }, 10000);
  }

  function tr(cells) { const r = el("tr"); for (const c of cells) r.append(el("td", c)); return r; }

  function login() {
    $("login").onsubmit = async (ev) => {
      ev.preventDefault();
      try {
        await api("/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ username: $("username").value, password: $("password").value }) });
        location.href = "/";
      } catch (e) { $("error").textContent = e.message; }
    };
  }

  ({ fleet, center, login })[page]();
})();
