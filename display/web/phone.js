// The phone page (/t/{id}): one ticket followed live. It fetches the ticket
// from the API and fetches again when an event concerns the ticket or its
// field; the websocket needs the ticket's id, nothing else.
"use strict";
(function () {
  const M = window.Motcua, cfg = M.cfg;
  const $ = (id) => document.getElementById(id);
  // board (board.js) gives the counters' names and the last calls; the
  // ticket itself comes from the API.
  let ticket = null, board = null, names = {}, refetchTimer = null, alerted = {};

  const STATES = {
    waiting: ["Đang chờ đến lượt", ""],
    transferred: ["Đã chuyển lĩnh vực – đang chờ đến lượt", ""],
    called: ["Đến lượt bạn!", "good"],
    serving: ["Đang được phục vụ", "good"],
    done: ["Đã hoàn thành. Cảm ơn bạn!", "good"],
    no_show: ["Số đã qua lượt do vắng mặt. Vui lòng liên hệ quầy hướng dẫn.", "bad"],
    cancelled: ["Số đã bị hủy.", "bad"],
  };

  function counterLabel(id) {
    if (!id) return "";
    const c = board && board.counter(id);
    const name = c ? c.name : names[id];
    if (/^\d+$/.test(id)) return "quầy số " + id;
    return name || "quầy " + id;
  }

  function render() {
    const t = ticket;
    if (!t) return;
    $("number").textContent = t.number;
    $("priority").hidden = !t.priority;
    $("priority").textContent = "Số ưu tiên" + (t.category_name ? " · " + t.category_name : "");
    $("service").textContent = t.service_name || t.service || "";
    const [text, cls] = STATES[t.state] || [t.state, ""];
    const status = $("status");
    status.textContent = text;
    status.className = "status " + cls;
    const called = t.state === "called";
    $("called").hidden = !called;
    if (called) {
      const label = counterLabel(t.counter);
      $("called-counter").textContent = label.charAt(0).toUpperCase() + label.slice(1);
      if (!alerted[t.counter + "|" + t.state]) {
        alerted[t.counter + "|" + t.state] = true;
        if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 800]);
      }
    }
    if (t.state === "serving") status.textContent = "Đang được phục vụ tại " + counterLabel(t.counter);
    const queued = t.state === "waiting" || t.state === "transferred";
    $("facts").hidden = !queued;
    if (queued) {
      $("ahead").textContent = t.ahead >= 0 ? String(t.ahead) : "–";
      // The words of the paper ticket; none without an estimate, as on paper.
      $("wait").textContent = t.estimated_wait_text || "";
      $("wait-row").hidden = !t.estimated_wait_text;
      const last = board && board.recent.slice().reverse().find((r) => r.service === t.service);
      const now = $("now-serving");
      now.textContent = last ? last.ticket + " → " + counterLabel(last.counter) : "–";
      if (last && last.priority) now.append(" ", M.el("span", "prio", "Ưu tiên"));
      explain(t, last);
    } else {
      $("why").hidden = true;
    }
    document.title = t.number + " – " + text;
    const fmt = new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    $("updated").textContent = "Cập nhật lúc " + fmt.format(new Date(M.serverNow()));
  }

  // explain says why a number after the citizen's was called first (a
  // priority one), and how many priority numbers wait ahead.
  function explain(t, last) {
    const why = [];
    if (!t.priority && last && last.priority && last.ticket !== t.number) {
      why.push(last.ticket + " là số ưu tiên (người cao tuổi, người khuyết tật, phụ nữ mang thai…) nên được gọi trước.");
    }
    const f = board && board.field(t.service);
    const waitingPrio = f && !t.priority ? f.tickets.filter((x) => x.priority).length : 0;
    if (waitingPrio > 0) {
      why.push("Trong số người trước bạn có " + waitingPrio + " số ưu tiên, được gọi trước các số thường.");
    }
    $("why").hidden = why.length === 0;
    $("why").textContent = why.join(" ");
  }

  function fetchTicket() {
    return fetch(cfg.ticket_api + encodeURIComponent(cfg.ticket), { cache: "no-store" }).then((r) => {
      if (r.status === 404) {
        $("number").textContent = "—";
        $("status").textContent = "Không tìm thấy số thứ tự này.";
        $("status").className = "status bad";
        return;
      }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json().then((t) => {
        ticket = t;
        if (t.counter && t.counter_name) names[t.counter] = t.counter_name;
        render();
      });
    }).catch(() => { setTimeout(fetchTicket, 5000); });
  }

  // Many phones follow one field: spread their fetches over a second.
  function refetchSoon() {
    if (refetchTimer) return;
    refetchTimer = setTimeout(() => { refetchTimer = null; fetchTicket(); }, 100 + Math.random() * 900);
  }

  function update(b, f) {
    board = b;
    if (f.type === "snapshot") { fetchTicket(); return; }
    if (!ticket) return;
    if (f.type === "day_reset" || f.ticket === ticket.number || f.service === ticket.service || f.from === ticket.service) {
      if (f.type === "called" && f.ticket === ticket.number) {
        // Show the call at once; the fetch confirms it.
        ticket.state = "called";
        ticket.counter = f.counter;
        alerted[f.counter + "|called"] = false;
        render();
      }
      refetchSoon();
    } else {
      render();
    }
  }

  function online(on) { $("offline").hidden = on; if (on) refetchSoon(); }

  fetchTicket();
  window.motcuaBoard.follow({ ticket: cfg.ticket }, { update, online });
})();
