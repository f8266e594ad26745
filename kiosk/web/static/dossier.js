// The receipt page (/h/{code}?sig=…): where the QR code of a form-01
// receipt leads a phone. It asks the API for the dossier, passing the
// signature on (the API shows the full name only when it verifies), and says
// where the dossier stands in plain words, with the dates in Vietnam's time.
// While open it asks again every 30 s (and at once when the phone's screen
// comes back on), so a change of status shows without reloading; a refresh
// that fails keeps what was shown and says since when.
"use strict";
(() => {
  const { el, localTime } = motcua;
  const words = motcua.dossierWords;
  const $ = id => document.getElementById(id);
  const ZONE = "Asia/Ho_Chi_Minh"; // +07:00, the zone of every center
  const t = (key, vars) => {
    let s = words.vi[key] ?? key;
    for (const [k, v] of Object.entries(vars || {})) s = s.split("{" + k + "}").join(String(v));
    return s;
  };

  const code = decodeURIComponent(location.pathname.replace(/^\/h\//, ""));
  const sig = new URLSearchParams(location.search).get("sig") || "";

  // What the page adds to each refusal of the API, said in the service's
  // own words (motcua.messages): what to do on the phone, and whether to
  // offer a retry. "network" is the page's own: the server did not answer.
  const ERRORS = {
    invalid_code: ["Xin kiểm tra lại mã in trên giấy hẹn, hoặc hỏi cán bộ tại quầy.", false],
    not_found: ["Hồ sơ có thể chưa được cập nhật lên hệ thống. Xin hỏi cán bộ tại quầy trả kết quả.", false],
    bad_signature: ["Xin quét lại mã QR in trên giấy hẹn. Nếu vẫn không được, xin mang giấy hẹn đến quầy.", false],
    upstream_unavailable: ["Hồ sơ của bạn không bị ảnh hưởng. Xin thử lại sau ít phút.", true],
    rate_limited: ["Xin chờ {s} giây rồi bấm Thử lại.", true],
    network: ["Xin kiểm tra kết nối mạng của điện thoại rồi thử lại.", true],
    internal: ["Xin thử lại sau ít phút, hoặc hỏi cán bộ tại quầy.", true],
  };
  const title = kind => kind === "network" ? "Không kết nối được với máy chủ." : motcua.messages.text(kind, "vi");

  const when = s => {
    const d = new Date(s);
    return s && !isNaN(d) ? localTime(d, ZONE, true) : "";
  };

  function row(id, value) {
    $("row-" + id).hidden = !value;
    $(id).textContent = value || "";
  }

  function render(d) {
    $("loading").hidden = true;
    $("error").hidden = true;
    $("result").hidden = false;
    $("code").textContent = d.code || code;
    const cls = d.status === 9 || d.status === 10 ? "good" : d.status === 5 || d.status === 6 ? "warn"
      : d.status === 3 || d.status === 8 || d.overdue ? "bad" : "info";
    const status = $("status");
    status.textContent = d.status_label || t("l" + d.status);
    status.className = "status " + cls;
    $("late").hidden = !d.overdue;
    $("say").textContent = words.vi["s" + d.status] ? t("s" + d.status) : "";
    const left = words.dueIn(d, ZONE);
    const due = $("due-say");
    due.hidden = !left;
    if (left) {
      due.textContent = t(left.key, { n: left.n });
      due.className = "due" + (left.late ? " late-text" : "");
    }
    row("procedure", d.procedure);
    row("applicant", d.applicant);
    row("received", when(d.received_at));
    row("due", when(d.due_at));
    row("unit", d.unit);
    $("masked").hidden = !!sig || !d.applicant;
    const steps = (d.history || []).slice().sort((a, b) => new Date(b.at) - new Date(a.at)).slice(0, 6);
    $("history-box").hidden = steps.length === 0;
    $("history").replaceChildren(...steps.map(h => el("li", { "data-status": String(h.status) },
      el("span", { class: "when" }, when(h.at)),
      el("span", { class: "what" }, t("l" + h.status)),
      h.unit ? el("span", { class: "where" }, h.unit) : null)));
    document.title = "Hồ sơ " + (d.code || code) + " – " + status.textContent;
    document.body.dataset.state = "shown";
  }

  const REFRESH_MS = 30000, AGAIN_MS = 10000;
  const TRANSIENT = { network: true, rate_limited: true, upstream_unavailable: true, internal: true };
  let shown = false, lastLoad = 0, refreshTimer = null, retryTimer = null;

  // refresh asks again in ms (hidden pages wait for the screen to come back).
  function refresh(ms) {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => { if (!document.hidden) load(true); }, ms);
  }

  function fail(kind, retryAfter) {
    const [hint, retry] = ERRORS[kind] || ERRORS.internal;
    $("loading").hidden = true;
    $("result").hidden = true;
    $("history-box").hidden = true;
    const box = $("error");
    box.hidden = false;
    box.dataset.error = kind;
    box.className = "error" + (retry ? " warn" : "");
    $("error-title").textContent = title(kind in ERRORS ? kind : "internal");
    $("error-hint").textContent = hint.replace("{s}", String(retryAfter || 5));
    // A damaged or altered QR code still tells the status, as a bare code
    // does: without the signature, the name masked.
    const plain = $("plain");
    plain.hidden = kind !== "bad_signature";
    plain.href = location.pathname;
    const btn = $("retry");
    btn.hidden = !retry;
    clearTimeout(retryTimer);
    if (kind === "rate_limited") {
      btn.disabled = true;
      retryTimer = setTimeout(() => { btn.disabled = false; }, (retryAfter || 5) * 1000);
    } else btn.disabled = false;
    document.body.dataset.state = "error";
  }

  // load asks the API for the dossier; quiet is a refresh of a page already
  // showing it, which keeps it on screen when the refresh fails.
  async function load(quiet) {
    if (!quiet || !shown) {
      $("loading").hidden = false;
      $("error").hidden = true;
    }
    lastLoad = Date.now();
    let resp;
    try {
      const q = sig ? "?sig=" + encodeURIComponent(sig) : "";
      resp = await fetch("/api/v1/dossiers/" + encodeURIComponent(code) + q, { cache: "no-store", credentials: "omit" });
    } catch (e) {
      failed("network", 0);
      return;
    }
    let body = null;
    try { body = await resp.json(); } catch (e) { body = null; }
    if (resp.ok && body) {
      render(body);
      shown = true;
      $("updated").textContent = "Tra cứu lúc " + localTime(new Date(), ZONE, true) + ". Trang tự cập nhật khi hồ sơ thay đổi.";
      refresh(REFRESH_MS);
      return;
    }
    const kind = body && body.error && body.error.code in ERRORS ? body.error.code
      : { 400: "invalid_code", 404: "not_found", 422: "bad_signature", 429: "rate_limited", 503: "upstream_unavailable" }[resp.status] || "internal";
    failed(kind, parseInt(resp.headers.get("Retry-After") || "", 10) || 0);
  }

  // failed shows a refusal, or, when a dossier is shown and the trouble
  // passes (network, limit, main system), keeps it and tries again.
  function failed(kind, retryAfter) {
    if (shown && TRANSIENT[kind]) {
      $("loading").hidden = true;
      $("updated").textContent = "Chưa cập nhật được lúc " + localTime(new Date(), ZONE, true) + "; trang sẽ thử lại.";
      refresh(Math.max(AGAIN_MS, (retryAfter || 0) * 1000));
      return;
    }
    shown = false;
    clearTimeout(refreshTimer);
    fail(kind, retryAfter);
    $("updated").textContent = "Tra cứu lúc " + localTime(new Date(), ZONE, true);
  }

  // A phone whose screen was off asks again as soon as it is seen.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && shown && Date.now() - lastLoad > AGAIN_MS) load(true);
  });

  $("code").textContent = code;
  $("retry").addEventListener("click", () => load(false));
  document.body.dataset.ready = "1";
  load(false);
})();
