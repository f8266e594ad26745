"use strict";
// The province report page: reads GET /api/v1/reports (same origin, the
// sign-in cookie) and draws one table per group, each with the total at its
// foot, so the page shows that every group adds up.
(function () {
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  const num = (n) => Number(n).toLocaleString("vi-VN");

  async function api(path) {
    const r = await fetch(path, { credentials: "same-origin" });
    if (r.status === 401) { location.href = "/login"; throw new Error("Vui lòng đăng nhập."); }
    const body = await r.json();
    if (!r.ok) throw new Error((body && body.error && body.error.message) || ("Lỗi " + r.status));
    return body;
  }

  // A duration in seconds as minutes and seconds, seconds to a tenth.
  function dur(s, samples) {
    if (!samples) return "—";
    const m = Math.floor(s / 60), rest = Math.round((s - m * 60) * 10) / 10;
    const sec = rest.toLocaleString("vi-VN") + " giây";
    return m ? m + " phút " + sec : sec;
  }

  const columns = [
    ["Số phiếu", (s) => num(s.tickets)],
    ["Đã phục vụ", (s) => num(s.served)],
    ["Vắng mặt", (s) => num(s.no_shows)],
    ["Đã hủy", (s) => num(s.cancelled)],
    ["Chưa xong", (s) => num(s.open)],
    ["trong đó đang chờ", (s) => num(s.waiting)],
    ["Chờ: trung vị", (s) => dur(s.wait_median_s, s.waits)],
    ["Chờ: 90%", (s) => dur(s.wait_p90_s, s.waits)],
    ["Phục vụ: trung vị", (s) => dur(s.service_median_s, s.services)],
    ["Phục vụ: 90%", (s) => dur(s.service_p90_s, s.services)],
    ["Đánh giá (không hài lòng / hài lòng / rất hài lòng)", (s) => s.ratings.map(num).join(" / ")],
    ["Điểm trung bình (1–3)", (s) => s.rating_average ? s.rating_average.toLocaleString("vi-VN") : "—"],
    ["Chuyển sang lĩnh vực khác", (s) => num(s.transfers_out)],
    ["Chuyển từ lĩnh vực khác", (s) => num(s.transfers_in)],
    ["Số hẹn trực tuyến", (s) => num(s.online)],
  ];

  function line(name, s, cls) {
    const tr = el("tr", undefined, cls);
    const th = el("th", name); th.scope = "row"; tr.append(th);
    for (const [, f] of columns) tr.append(el("td", f(s), "n"));
    return tr;
  }

  // table draws rows with the total at the foot (none for the total alone).
  function table(id, first, rows, total) {
    const t = $(id); t.replaceChildren();
    const head = el("thead"); const hr = el("tr");
    const h = el("th", first); h.scope = "col"; hr.append(h);
    for (const [name] of columns) { const c = el("th", name); c.scope = "col"; hr.append(c); }
    head.append(hr); t.append(head);
    const body = el("tbody");
    for (const [name, s] of rows) body.append(line(name, s));
    if (!rows.length) { const tr = el("tr"); const td = el("td", "Không có phiếu nào trong khoảng này.", "note"); td.colSpan = columns.length + 1; tr.append(td); body.append(tr); }
    t.append(body);
    if (total) { const foot = el("tfoot"); foot.append(line("Cộng (bằng dòng Tổng)", total, "sum")); t.append(foot); }
  }

  function today() { return new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Ho_Chi_Minh" }); }

  async function draw() {
    const q = new URLSearchParams({ from: $("from").value, to: $("to").value });
    if ($("center").value) q.set("center", $("center").value);
    history.replaceState(null, "", "/report?" + q);
    const csv = new URLSearchParams(q); csv.set("format", "csv");
    $("csv").href = "/api/v1/reports?" + csv;
    $("status").textContent = "Đang tính…";
    try {
      const r = await api("/api/v1/reports?" + q);
      const names = {};
      for (const c of r.centers) names[c.key] = c.name;
      table("total", "", [["Tổng " + r.from + " – " + r.to, r.total]]);
      table("by-center", "Trung tâm", r.centers.map((c) => [c.name, c]), r.total);
      table("by-field", "Lĩnh vực", r.fields.map((f) => [f.name, f]), r.total);
      const counters = r.counters.map((c) => [(names[c.center] || c.center) + " – Quầy " + c.key, c]);
      counters.push(["Chưa quầy nào gọi", r.not_called]);
      table("by-counter", "Quầy", counters, r.total);
      table("by-hour", "Giờ", r.hours.map((h) => [h.key === "--" ? "Không rõ giờ" : h.key + ":00–" + h.key + ":59", h]), r.total);
      table("by-day", "Ngày", r.days.map((d) => [d.key, d]), r.total);
      const ul = $("notes"); ul.replaceChildren();
      for (const n of r.notes) ul.append(el("li", n));
      $("status").textContent = r.centers.length + " trung tâm, " + num(r.total.tickets) + " phiếu từ " + r.from + " đến " + r.to + ".";
    } catch (e) { $("status").textContent = e.message; }
  }

  async function start() {
    const q = new URLSearchParams(location.search);
    const t = today();
    $("from").value = q.get("from") || t.slice(0, 8) + "01";
    $("to").value = q.get("to") || t;
    api("/api/v1/me").then((me) => { $("who").textContent = me.name + " (" + me.username + ")"; }).catch(() => {});
    try {
      const centers = await api("/api/v1/centers");
      for (const c of centers) { const o = el("option", c.name); o.value = c.id; $("center").append(o); }
    } catch (e) { $("status").textContent = e.message; }
    $("center").value = q.get("center") || "";
    $("range").onsubmit = (ev) => { ev.preventDefault(); draw(); };
    await draw();
  }

  start();
})();
