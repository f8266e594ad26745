// The rating tablet: when the counter completes a ticket it asks the
// citizen for one tap, stores it with that ticket, thanks and clears.
"use strict";
(() => {
  const { api } = motcua;
  const $ = id => document.getElementById(id);
  const dict = {
    vi: {
      welcome: "Xin chào quý khách", idle_hint: "Sau khi được phục vụ, xin quý khách cho biết mức độ hài lòng.",
      question: "Quý khách có hài lòng với việc giải quyết hồ sơ vừa rồi không?", ticket: "Số thứ tự {n}",
      r3: "Rất hài lòng", r2: "Hài lòng", r1: "Không hài lòng", thanks: "Cảm ơn quý khách đã đánh giá!",
      thanks_hint: "Ý kiến của quý khách giúp chúng tôi phục vụ tốt hơn.", counter: "Quầy {c}",
      failed: "Chưa ghi nhận được đánh giá. Xin thử lại.", no_counter: "Thiếu số quầy: mở trang với ?counter=SỐ_QUẦY",
    },
    en: {
      welcome: "Welcome", idle_hint: "After you are served, please tell us how satisfied you are.",
      question: "Are you satisfied with how your dossier was handled?", ticket: "Number {n}",
      r3: "Very satisfied", r2: "Satisfied", r1: "Not satisfied", thanks: "Thank you for your rating!",
      thanks_hint: "Your opinion helps us serve better.", counter: "Counter {c}",
      failed: "Your rating was not saved. Please try again.", no_counter: "Counter missing: open the page with ?counter=NUMBER",
    },
  };
  const tr = motcua.i18n(dict, lang => { $("lang").textContent = lang === "vi" ? "English" : "Tiếng Việt"; $("lang").lang = lang === "vi" ? "en" : "vi"; renderTicket(); });
  const t = tr.t;
  const counter = new URLSearchParams(location.search).get("counter") || "";
  const st = { shown: "", number: "", screen: "idle", timer: null };

  function show(name, seconds) {
    st.screen = name;
    for (const id of ["idle", "ask", "thanks"]) $(id).hidden = id !== name;
    clearTimeout(st.timer);
    if (seconds) st.timer = setTimeout(() => { if (tr.lang !== "vi") tr.set("vi"); show("idle"); }, seconds * 1000);
  }
  function renderTicket() { $("ask-ticket").textContent = st.number ? t("ticket", { n: st.number }) : ""; }

  async function poll() {
    if (!counter) return;
    try {
      const last = await api("GET", `/api/v1/counters/${encodeURIComponent(counter)}/last-completed`);
      const key = (last.number || "") + "@" + (last.completed_at || "");
      if (last.rateable && key !== st.shown && st.screen !== "thanks") {
        st.shown = key; st.number = last.number;
        renderTicket();
        show("ask", 90);
      } else if (!last.rateable && st.screen === "ask") {
        show("idle");
      }
      $("error").hidden = true;
    } catch (e) { /* the next poll retries */ }
  }
  for (const b of document.querySelectorAll("[data-rating]")) {
    b.addEventListener("click", async () => {
      try {
        await api("POST", `/api/v1/counters/${encodeURIComponent(counter)}/rating`, { rating: Number(b.dataset.rating) });
        show("thanks", 6);
      } catch (e) {
        if (e.code === "nothing_to_rate") { show("thanks", 4); return; }
        $("error").textContent = t("failed");
        $("error").hidden = false;
      }
    });
  }
  $("lang").addEventListener("click", () => tr.set(tr.lang === "vi" ? "en" : "vi"));

  async function start() {
    tr.apply();
    if (!counter) { $("error").textContent = t("no_counter"); $("error").hidden = false; }
    else {
      $("counter-name").textContent = t("counter", { c: counter });
      try {
        const q = await api("GET", "/api/v1/queue");
        const c = q.counters.find(c => c.id === counter);
        if (c) $("counter-name").textContent = c.name;
      } catch (e) { /* keep "Quầy N" */ }
    }
    show("idle");
    await poll();
    document.body.dataset.ready = "1";
    setInterval(poll, 2000);
  }
  start();
})();
