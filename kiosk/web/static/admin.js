// Reports for administrators: a day or a range, per field, counter and
// hour, with charts drawn here in SVG and a CSV export.
"use strict";
(() => {
  const { api, el } = motcua;
  const $ = id => document.getElementById(id);
  const dict = {
    vi: {
      title: "Báo cáo hoạt động", logout: "Đăng xuất", login_title: "Đăng nhập quản trị", username: "Tên đăng nhập",
      password: "Mật khẩu", login: "Đăng nhập", from: "Từ ngày", to: "Đến ngày", show: "Xem báo cáo", today: "Hôm nay",
      week: "7 ngày qua", csv: "Tải CSV (Excel)", c_hours: "Số phiếu theo giờ", c_wait: "Thời gian chờ theo lĩnh vực (phút)",
      c_service: "Thời gian phục vụ theo quầy (phút)", c_rating: "Mức độ hài lòng", not_admin: "Tài khoản này không phải quản trị viên.",
      tickets: "Số phiếu", served: "Đã phục vụ", no_shows: "Vắng mặt", cancelled: "Đã hủy", open: "Chưa xong", online: "Số hẹn trực tuyến",
      wait_med: "Chờ (trung vị)", wait_p90: "Chờ (90%)", svc_med: "Phục vụ (trung vị)", svc_p90: "Phục vụ (90%)",
      rating_avg: "Điểm hài lòng (1–3)", satisfied: "Hài lòng trở lên", median: "Trung vị", p90: "90% số phiếu không quá",
      r1: "Không hài lòng", r2: "Hài lòng", r3: "Rất hài lòng", by_field: "Theo lĩnh vực", by_counter: "Theo quầy",
      by_hour: "Theo giờ", by_day: "Theo ngày", name: "Tên", no_data: "Không có phiếu nào trong khoảng ngày này.",
      no_ratings: "Chưa có đánh giá.", min: "phút", logout_all: "Đăng xuất mọi máy",
      transfers: "Chuyển đi / chuyển đến", sum: "Cộng", not_called: "Chưa quầy nào gọi",
      adds_up: "{n} phiếu = {s} đã phục vụ + {v} vắng mặt + {c} đã hủy + {o} chưa xong (đang chờ hoặc đang ở quầy).",
      how_title: "Cách tính",
      how_groups: "Mỗi bảng cộng lại bằng tổng số phiếu: theo lĩnh vực, mỗi phiếu tính ở lĩnh vực cuối cùng của nó (sau khi chuyển); theo quầy, ở quầy gọi nó lần cuối, phiếu chưa quầy nào gọi ở dòng riêng; theo giờ và theo ngày, theo lúc lấy số.",
      how_transfers: "Chuyển đi / chuyển đến: số phiếu lấy ở lĩnh vực này rồi chuyển sang lĩnh vực khác (tính ở lĩnh vực nhận) / số phiếu nhận từ lĩnh vực khác (đã tính ở đây).",
      how_times: "Chờ: từ lúc lấy số đến lần gọi cuối, trên các phiếu đã được gọi. Phục vụ: từ lúc bắt đầu phục vụ (hoặc lúc gọi) đến lúc xong, trên các phiếu đã phục vụ. Trung vị: giá trị ở giữa (số phiếu chẵn: trung bình hai giá trị giữa); 90%: 90% số phiếu không quá giá trị này.",
      how_ratings: "Đánh giá: trên các phiếu đã phục vụ mà công dân bấm chọn trên máy đánh giá.",
      logout_all_confirm: "Đăng xuất mọi tài khoản trên mọi máy, kể cả máy này? Cán bộ phải đăng nhập lại.",
      csv_officers: "Đánh giá theo cán bộ (CSV)", csv_ratings: "Dữ liệu đánh giá gửi tỉnh (CSV)",
      by_officer: "Đánh giá theo cán bộ", officer: "Cán bộ", o_ratings: "Số lượt đánh giá", o_average: "Điểm trung bình (1–3)",
      o_satisfied: "Tỷ lệ hài lòng", o_dossiers: "Lượt có hồ sơ", o_none: "Chưa có đánh giá nào gắn với cán bộ trong khoảng ngày này.",
    },
    en: {
      title: "Activity report", logout: "Log out", login_title: "Administrator login", username: "User name", password: "Password",
      login: "Log in", from: "From", to: "To", show: "Show", today: "Today", week: "Last 7 days", csv: "Download CSV (Excel)",
      c_hours: "Tickets per hour", c_wait: "Waiting time per field (minutes)", c_service: "Service time per counter (minutes)",
      c_rating: "Satisfaction", not_admin: "This account is not an administrator.", tickets: "Tickets", served: "Served",
      no_shows: "No-shows", cancelled: "Cancelled", open: "Open", online: "Online bookings", wait_med: "Wait (median)", wait_p90: "Wait (90th pct)",
      svc_med: "Service (median)", svc_p90: "Service (90th pct)", rating_avg: "Satisfaction (1–3)", satisfied: "Satisfied or better",
      median: "Median", p90: "90th percentile", r1: "Not satisfied", r2: "Satisfied", r3: "Very satisfied", by_field: "Per field",
      by_counter: "Per counter", by_hour: "Per hour", by_day: "Per day", name: "Name", no_data: "No tickets in this range.",
      no_ratings: "No ratings yet.", min: "min", logout_all: "Log out everywhere",
      transfers: "Moved out / in", sum: "Sum", not_called: "Not called by any counter",
      adds_up: "{n} tickets = {s} served + {v} no-shows + {c} cancelled + {o} open (waiting or at a counter).",
      how_title: "How the figures are counted",
      how_groups: "Each table adds up to the total: per field, a ticket counts in the field it ended in (after any transfer); per counter, at the counter that called it last, those no counter called on their own row; per hour and day, by the time it was taken.",
      how_transfers: "Moved out / in: tickets taken in this field and moved to another (counted there) / tickets moved here from another field (counted here).",
      how_times: "Wait: from taking the number to its last call, over the tickets called. Service: from the start of service (or the call) to the end, over the tickets served. Median: the middle value (an even count: the mean of the two middle ones); 90th percentile: 90% of tickets took no longer.",
      how_ratings: "Ratings: over the tickets served whose citizen tapped the rating tablet.",
      logout_all_confirm: "Log every account out on every machine, this one included? Staff must log in again.",
      csv_officers: "Ratings per officer (CSV)", csv_ratings: "Ratings for the province (CSV)",
      by_officer: "Ratings per officer", officer: "Officer", o_ratings: "Ratings", o_average: "Average (1–3)",
      o_satisfied: "Satisfied share", o_dossiers: "With a dossier", o_none: "No ratings tied to an officer in this range.",
    },
  };
  const tr = motcua.i18n(dict, lang => { $("lang").textContent = lang === "vi" ? "English" : "Tiếng Việt"; $("lang").lang = lang === "vi" ? "en" : "vi"; if (last) render(last); if (lastOfficers) renderOfficers(lastOfficers); });
  const t = tr.t;
  let last = null;
  let lastOfficers = null;
  const p2 = motcua.pad2;
  const ymd = d => `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
  const mins = s => Math.round(s / 6) / 10;
  const fmtMin = s => s ? `${mins(s)} ${t("min")}` : "–";

  function screen(name) { $("login").hidden = name !== "login"; $("report").hidden = name !== "report"; $("logout").hidden = name === "login"; $("logout-all").hidden = name === "login"; }

  $("login-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    try {
      await api("POST", "/api/v1/auth/login", { username: $("username").value.trim(), password: $("password").value });
      $("password").value = "";
      await enter();
    } catch (e) { $("login-error").textContent = motcua.messages.error(e, tr.lang); $("login-error").hidden = false; }
  });
  async function enter() {
    const me = await api("GET", "/api/v1/auth/me");
    if (me.role !== "admin") { screen("login"); $("login-error").textContent = t("not_admin"); $("login-error").hidden = false; return; }
    $("who").textContent = me.name || me.username;
    screen("report");
    await load();
  }
  $("logout").addEventListener("click", async () => { try { await api("POST", "/api/v1/auth/logout"); } catch (e) { /* expires anyway */ } screen("login"); });
  // "Log out everywhere": every session ends, this one too.
  $("logout-all").addEventListener("click", async () => {
    if (!window.confirm(t("logout_all_confirm"))) return;
    try { await api("POST", "/api/v1/auth/sessions/revoke", { all: true }); } catch (e) { $("report-error").textContent = motcua.messages.error(e, tr.lang); $("report-error").hidden = false; return; }
    screen("login");
  });
  $("range").addEventListener("submit", ev => { ev.preventDefault(); load(); });
  $("today").addEventListener("click", () => { $("from").value = $("to").value = ""; load(); });
  $("week").addEventListener("click", () => {
    const d = new Date(($("to").value || ymd(new Date())) + "T12:00:00Z");
    $("to").value = d.toISOString().slice(0, 10);
    d.setUTCDate(d.getUTCDate() - 6);
    $("from").value = d.toISOString().slice(0, 10);
    load();
  });
  $("lang").addEventListener("click", () => tr.set(tr.lang === "vi" ? "en" : "vi"));

  async function load() {
    if (!$("from").value) {
      try { const r = await api("GET", "/api/v1/reports"); $("from").value = r.from; $("to").value = r.to; } catch (e) { $("from").value = $("to").value = ymd(new Date()); }
    }
    if (!$("to").value) $("to").value = $("from").value;
    const q = `from=${$("from").value}&to=${$("to").value}`;
    $("csv").href = "/api/v1/reports?" + q + "&format=csv";
    $("csv-officers").href = "/api/v1/reports/officers?" + q + "&format=csv";
    $("csv-ratings").href = "/api/v1/reports/ratings?" + q;
    try {
      last = await api("GET", "/api/v1/reports?" + q);
      $("report-error").hidden = true;
      render(last);
      lastOfficers = await api("GET", "/api/v1/reports/officers?" + q);
      renderOfficers(lastOfficers);
    } catch (e) { $("report-error").textContent = motcua.messages.error(e, tr.lang); $("report-error").hidden = false; }
  }

  // renderOfficers is the table of the ratings per officer (kiosk/ratings).
  function renderOfficers(r) {
    const list = r.officers || [];
    const head = ["officer", "o_ratings", "r3", "r2", "r1", "o_average", "o_satisfied", "o_dossiers"];
    $("officers").replaceChildren(list.length === 0 ? el("p", { class: "notice info", id: "officers-none" }, t("o_none")) :
      el("table", { class: "data", id: "t-officers" },
        el("caption", {}, t("by_officer")),
        el("thead", {}, el("tr", {}, head.map(k => el("th", { scope: "col" }, t(k))))),
        el("tbody", {}, list.map(o => el("tr", { "data-clerk": o.clerk },
          [o.name || o.clerk, o.ratings, o.counts[2], o.counts[1], o.counts[0], o.average.toFixed(2),
            Math.round(o.satisfied_share) + "%", o.dossiers].map(c => el("td", {}, c)))))));
  }

  // ---- SVG charts of our own ----
  const NS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, ...kids) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
    return e;
  }
  function niceMax(v) {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v))), n = v / p;
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
  }
  // bars draws groups of bars: groups [{label, values:[…]}], colours per series.
  function bars(groups, colours, title, floor) {
    const W = 640, H = 300, L = 48, B = 54, T = 14, R = 10;
    const maxV = niceMax(Math.max(floor || 1, ...groups.flatMap(g => g.values)));
    const g = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": title });
    g.append(svg("title", {}, title));
    for (let i = 0; i <= 4; i++) {
      const y = T + (H - T - B) * (1 - i / 4);
      g.append(svg("line", { x1: L, x2: W - R, y1: y, y2: y, stroke: "#c9d2de" }));
      g.append(svg("text", { x: L - 6, y: y + 4, "text-anchor": "end", "font-size": 12 }, +(maxV * i / 4).toFixed(2)));
    }
    const slot = (W - L - R) / Math.max(groups.length, 1);
    const bw = Math.min(36, (slot - 8) / colours.length);
    groups.forEach((grp, i) => {
      const x0 = L + slot * i + (slot - bw * colours.length) / 2;
      grp.values.forEach((v, j) => {
        const h = (H - T - B) * v / maxV;
        g.append(svg("rect", { x: x0 + j * bw, y: H - B - h, width: bw - 2, height: Math.max(h, 0), fill: colours[j] },
          svg("title", {}, `${grp.label}: ${v}`)));
      });
      g.append(svg("text", { x: L + slot * i + slot / 2, y: H - B + 18, "text-anchor": "middle", "font-size": 13 }, grp.label));
    });
    return g;
  }
  function legend(items) {
    return el("div", { class: "legend" }, items.map(([cls, label]) => el("span", {}, el("i", { class: cls }), label)));
  }
  function ratingBar(total) {
    const [r1, r2, r3] = total.ratings, n = r1 + r2 + r3;
    if (!n) return el("p", {}, t("no_ratings"));
    const W = 640, H = 70, g = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": t("c_rating") });
    let x = 0;
    [[r3, "#17632b", "r3"], [r2, "#0a4a8f", "r2"], [r1, "#a11a1a", "r1"]].forEach(([v, c, k]) => {
      if (!v) return;
      const w = W * v / n;
      g.append(svg("rect", { x, y: 0, width: w, height: 44, fill: c }, svg("title", {}, `${t(k)}: ${v}`)));
      if (w > 50) g.append(svg("text", { x: x + w / 2, y: 28, "text-anchor": "middle", "font-size": 16, fill: "#fff" }, `${Math.round(100 * v / n)}%`));
      x += w;
    });
    return [g, legend([["sw-3", `${t("r3")}: ${r3}`], ["sw-2", `${t("r2")}: ${r2}`], ["sw-1", `${t("r1")}: ${r1}`]])];
  }

  function render(r) {
    const T = r.total;
    const card = (v, k) => el("div", { class: "total" }, el("b", {}, v), el("span", {}, t(k)));
    $("totals").replaceChildren(
      card(T.tickets, "tickets"), card(T.served, "served"), card(T.no_shows, "no_shows"), card(T.cancelled, "cancelled"), card(T.open, "open"),
      card(T.online || 0, "online"),
      card(fmtMin(T.wait_median_s), "wait_med"), card(fmtMin(T.wait_p90_s), "wait_p90"),
      card(fmtMin(T.service_median_s), "svc_med"), card(T.rating_average ? T.rating_average.toFixed(2) : "–", "rating_avg"),
      card(T.ratings.some(Boolean) ? Math.round(T.satisfied_share * 100) + "%" : "–", "satisfied"));
    $("totals").append(el("p", { class: "adds-up", id: "adds-up" }, t("adds_up", { n: T.tickets, s: T.served, v: T.no_shows, c: T.cancelled, o: T.open })));
    if (!T.tickets) $("totals").append(el("p", { class: "notice info" }, t("no_data")));
    // Every hour of the working day shows, empty ones too.
    const byHour = Object.fromEntries(r.hours.map(h => [Number(h.key), h.tickets]));
    const hs = Object.keys(byHour).map(Number), lo = Math.min(7, ...hs), hi = Math.max(17, ...hs), hourBars = [];
    for (let h = lo; h <= hi; h++) hourBars.push({ label: p2(h), values: [byHour[h] || 0] });
    $("chart-hours").replaceChildren(bars(hourBars, ["#0a4a8f"], t("c_hours")));
    $("chart-wait").replaceChildren(bars(r.fields.map(f => ({ label: f.key, values: [mins(f.wait_median_s), mins(f.wait_p90_s)] })), ["#0a4a8f", "#7fb0e6"], t("c_wait")),
      legend([["sw-a", t("median")], ["sw-b", t("p90")]]));
    $("chart-service").replaceChildren(bars(r.counters.map(c => ({ label: c.name, values: [mins(c.service_median_s), mins(c.service_p90_s)] })), ["#0a4a8f", "#7fb0e6"], t("c_service")),
      legend([["sw-a", t("median")], ["sw-b", t("p90")]]));
    $("chart-rating").replaceChildren(...[ratingBar(T)].flat());
    // Every table has the counts that make up its tickets, and a sum row
    // equal to the total; the field table also the moves between fields.
    const counts = ["tickets", "served", "no_shows", "cancelled", "open"];
    const table = (id, caption, rows, nameOf, moves) => {
      const sums = counts.map(k => rows.reduce((n, x) => n + x[k], 0));
      const head = ["name", ...counts, ...(moves ? ["transfers"] : []), "wait_med", "wait_p90", "svc_med", "svc_p90", "r3", "r2", "r1"];
      return el("table", { class: "data", id },
        el("caption", {}, caption),
        el("thead", {}, el("tr", {}, head.map(k => el("th", { scope: "col" }, t(k))))),
        el("tbody", {}, rows.map(x => rowEl(x, nameOf, moves))),
        el("tfoot", {}, el("tr", { class: "sum" }, el("th", { scope: "row" }, t("sum")), sums.map((n, i) => el("td", { "data-count": counts[i] }, n)),
          el("td", { colspan: head.length - 1 - counts.length }, ""))));
    };
    const notCalled = Object.assign({ key: "", name: t("not_called") }, r.not_called);
    $("tables").replaceChildren(
      table("t-fields", t("by_field"), r.fields, x => `${x.key} · ${x.name}`, true),
      table("t-counters", t("by_counter"), [...r.counters, notCalled], x => x.name),
      table("t-hours", t("by_hour"), r.hours, x => `${x.key}:00–${x.key}:59`),
      table("t-days", t("by_day"), r.days, x => x.key),
      el("section", { class: "card how", "aria-labelledby": "how-title" }, el("h2", { id: "how-title" }, t("how_title")),
        el("ul", {}, ["how_groups", "how_transfers", "how_times", "how_ratings"].map(k => el("li", {}, t(k))))));
  }
  function rowEl(x, nameOf, moves) {
    const cells = [nameOf(x), x.tickets, x.served, x.no_shows, x.cancelled, x.open, ...(moves ? [`${x.transfers_out} / ${x.transfers_in}`] : []),
      fmtMin(x.wait_median_s), fmtMin(x.wait_p90_s), fmtMin(x.service_median_s), fmtMin(x.service_p90_s), x.ratings[2], x.ratings[1], x.ratings[0]];
    return el("tr", { "data-key": x.key }, cells.map((c, i) => el("td", i === 6 && moves ? { "data-transfers": "" } : {}, c)));
  }

  async function start() {
    tr.apply();
    const params = new URLSearchParams(location.search);
    // Without dates the server answers the center's today (its zone, not
    // this computer's).
    $("from").value = params.get("from") || "";
    $("to").value = params.get("to") || $("from").value;
    try { await enter(); } catch (e) { screen("login"); }
    document.body.dataset.ready = "1";
  }
  start();
})();
