// The rating tablet: when the counter completes a ticket it asks the
// citizen for one tap, stores it with that ticket, thanks and clears. It
// follows its counter on the board that board.js keeps from the display
// websocket (the screen "lobby", or ?screen=NAME&token=T): when the
// counter's ticket or its last completed one changes, it asks the API
// whether there is a ticket to rate (the server keeps the ticket's id and
// the rating window); it polls only while the socket is down. The counter is
// the one whose tablet this browser is paired as (/rating?pair=TOKEN once;
// ?counter=N, if given, must be that counter).
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
      failed: "Chưa ghi nhận được đánh giá. Xin thử lại.",
      unpaired_title: "Thiết bị chưa được ghép nối",
      unpaired_how: "Cán bộ kỹ thuật mở trang /rating?pair=MÃ_MÁY_ĐÁNH_GIÁ một lần trên máy này (mã là tablet_token của quầy trong tệp cấu hình).",
    },
    en: {
      welcome: "Welcome", idle_hint: "After you are served, please tell us how satisfied you are.",
      question: "Are you satisfied with how your dossier was handled?", ticket: "Number {n}",
      r3: "Very satisfied", r2: "Satisfied", r1: "Not satisfied", thanks: "Thank you for your rating!",
      thanks_hint: "Your opinion helps us serve better.", counter: "Counter {c}",
      failed: "Your rating was not saved. Please try again.",
      unpaired_title: "This device is not paired",
      unpaired_how: "A technician opens /rating?pair=TABLET_TOKEN once on this machine (the counter's tablet_token in the configuration).",
    },
  };
  const tr = motcua.i18n(dict, lang => { $("lang").textContent = lang === "vi" ? "English" : "Tiếng Việt"; $("lang").lang = lang === "vi" ? "en" : "vi"; renderTicket(); renderUnpaired(); });
  const t = tr.t;
  const query = new URLSearchParams(location.search);
  let counter = "";
  const st = { shown: "", number: "", screen: "idle", timer: null, live: false, unpaired: null, polls: 0 };

  function show(name, seconds) {
    st.screen = name;
    for (const id of ["idle", "ask", "thanks", "unpaired"]) $(id).hidden = id !== name;
    clearTimeout(st.timer);
    if (seconds) st.timer = setTimeout(() => { if (tr.lang !== "vi") tr.set("vi"); show("idle"); }, seconds * 1000);
  }
  function renderTicket() { $("ask-ticket").textContent = st.number ? t("ticket", { n: st.number }) : ""; }

  // poll asks which ticket the counter completed last and whether it can
  // still be rated; it reports whether the question is now shown. Only a
  // completion the tablet saw happen (seen: a frame of the socket) is asked
  // about for the whole rating window; after a load, a snapshot or while
  // polling, only one completed within the last minutes ("recent"), so a
  // reloaded tablet does not ask the next citizen about an earlier visit.
  async function poll(seen) {
    if (!counter) return false;
    try {
      const last = await api("GET", `/api/v1/counters/${encodeURIComponent(counter)}/last-completed`);
      const key = (last.number || "") + "@" + (last.completed_at || "");
      if (last.rateable && (seen || last.recent) && key !== st.shown && st.screen !== "thanks") {
        st.shown = key; st.number = last.number;
        renderTicket();
        show("ask", 90);
      } else if (!last.rateable && st.screen === "ask") {
        show("idle");
      }
      $("error").hidden = true;
    } catch (e) { /* the next event or poll retries */ }
    document.body.dataset.polls = String(++st.polls); // how many answers the page has acted on
    return st.screen === "ask";
  }

  // key is what of the counter's state bears on the rating: the ticket it
  // holds and the one it completed last, as the board says.
  const key = c => c ? [c.serving, c.last && c.last.number, c.last && c.last.at].join("|") : "";
  function follow() {
    if (!counter) return;
    let seen = null;
    motcuaBoard.follow({ screen: query.get("screen") || "lobby", token: query.get("token") }, {
      update: async (board, f) => {
        const c = board.counter(counter);
        if (f.type === "snapshot") {
          if (c) $("counter-name").textContent = c.name;
          seen = key(c);
          poll(); // a snapshot may stand for events missed while away
          return;
        }
        if (key(c) === seen) return;
        seen = key(c);
        // The API may record the completion a moment after the frame left.
        const done = f.type === "completed";
        if (!(await poll(done)) && done) setTimeout(() => poll(true), 500);
      },
      online: on => { st.live = on; document.body.dataset.live = on ? "1" : "0"; },
    });
  }
  // showUnpaired shows what a technician must do: e is the service's error
  // (device_unpaired, a wrong pairing token) or a tablet of another counter.
  function showUnpaired(e) {
    st.unpaired = e;
    renderUnpaired();
    show("unpaired");
    document.body.dataset.paired = "0";
  }
  function renderUnpaired() {
    const e = st.unpaired;
    if (!e) return;
    $("unpaired-text").textContent = (tr.lang === "vi" && e.message) ||
      (e.counter ? motcua.messages.text("forbidden.tablet", tr.lang, { counter: e.counter }) : motcua.messages.text("device_unpaired", tr.lang));
  }

  // pairing finds the counter whose tablet this browser is, waiting (and
  // asking again now and then) until it is one.
  async function pairing() {
    const asked = query.get("counter") || "";
    for (;;) {
      try {
        const d = await motcua.device();
        if (d.counter && (!asked || asked === d.counter)) return d.counter;
        showUnpaired(d.counter ? { counter: d.counter, message: motcua.messages.text("forbidden.tablet", "vi", { counter: d.counter }) } : {});
      } catch (e) {
        if (e.code !== "network") showUnpaired(e);
      }
      document.body.dataset.ready = "1";
      await new Promise(r => setTimeout(r, 10000));
    }
  }

  for (const b of document.querySelectorAll("[data-rating]")) {
    b.addEventListener("click", async () => {
      try {
        await api("POST", `/api/v1/counters/${encodeURIComponent(counter)}/rating`, { rating: Number(b.dataset.rating) });
        show("thanks", 6);
      } catch (e) {
        if (e.code === "nothing_to_rate") { show("thanks", 4); return; }
        if (e.code === "device_unpaired") { showUnpaired(e); return; }
        $("error").textContent = t("failed");
        $("error").hidden = false;
      }
    });
  }
  $("lang").addEventListener("click", () => tr.set(tr.lang === "vi" ? "en" : "vi"));

  async function start() {
    tr.apply();
    counter = await pairing();
    document.body.dataset.paired = "1";
    st.unpaired = null;
    $("counter-name").textContent = t("counter", { c: counter }); // the snapshot names it
    show("idle");
    await poll();
    follow();
    document.body.dataset.ready = "1";
    setInterval(() => { if (!st.live) poll(); }, 2000);
  }
  start();
})();
