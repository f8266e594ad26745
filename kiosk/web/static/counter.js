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
      checkin: "Nhận số hẹn trực tuyến", checkin_code: "Mã số hẹn (quét mã QR trên điện thoại hoặc giấy hẹn của người dân)",
      checkin_go: "Đưa vào hàng chờ", checked_in: "Đã nhận số hẹn: số {n} vào hàng chờ theo giờ hẹn.",
      cancel: "Hủy", call_number: "Số cần gọi (ví dụ A012)", call_go: "Gọi số này", waiting: "Đang chờ theo lĩnh vực",
      field: "Lĩnh vực", count: "Số người chờ", updated: "Cập nhật lúc {t} (mất kết nối trực tiếp, tự tải lại mỗi 2 giây)",
      live: "Cập nhật tức thì · {t}", none: "Chưa gọi số nào",
      st_called: "Đã gọi, chờ công dân đến quầy", st_serving: "Đang phục vụ", since: "từ {t}",
      receipt_title: "In giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)", r_code: "Mã hồ sơ",
      r_procedure: "Thủ tục (nội dung yêu cầu giải quyết)", r_name: "Người nộp hồ sơ", r_phone: "Số điện thoại",
      r_address: "Địa chỉ", r_email: "Email", r_docs: "Thành phần hồ sơ (mỗi dòng một giấy tờ)", r_sets: "Số lượng hồ sơ (bộ)",
      r_days: "Thời gian giải quyết (ngày)", r_due: "Hẹn trả kết quả", r_fee: "Phí, lệ phí", r_place: "Nhận kết quả tại",
      r_copies: "Số liên", r_print: "In giấy tiếp nhận", r_idnumber: "Số CCCD/MST", r_docs_table: "Thành phần hồ sơ",
      r_doc_name: "Tên giấy tờ", r_doc_kind: "Bản chính / bản sao", r_doc_count: "Số lượng", r_doc_remove: "Bỏ dòng",
      r_doc_add: "Thêm giấy tờ", r_original: "Bản chính", r_copy: "Bản sao", r_doc_none: "Chưa nhập giấy tờ nào: bấm “Thêm giấy tờ”.",
      r_notify: "Nhắn tin về tình trạng hồ sơ (không in trên giấy tiếp nhận)", r_notify_phone: "Số di động nhận tin nhắn",
      r_notify_email: "Email nhận tin", r_consent: "Người nộp hồ sơ đồng ý nhận tin nhắn về tình trạng hồ sơ",
      r_notify_done: "Hồ sơ {code}: tin nhắn về tình trạng hồ sơ sẽ gửi tới {to}.",
      r_notify_failed: "Hồ sơ {code}: đã in giấy tiếp nhận nhưng chưa lưu được nơi nhận tin nhắn; xin nhập lại sau.",
      r_queued: "Lệnh in {job} đang chờ máy in {printer}…", r_printing: "Máy in {printer} đang in giấy tiếp nhận (lệnh {job})…",
      r_waiting: "Lệnh in {job} chưa in được: {reason}. Lệnh vẫn chờ và tự in khi máy in {printer} sẵn sàng (đã thử {n} lần).",
      r_printed: "Đã in xong giấy tiếp nhận (lệnh {job}, máy in {printer}).",
      r_sent_done: "Đã gửi hết giấy tiếp nhận tới máy in {printer} (lệnh {job}); máy in này không báo lại đã in: xin xem giấy đã ra chưa.",
      r_failed: "Không in được giấy tiếp nhận (lệnh {job}): {reason}. Khắc phục máy in {printer} rồi bấm “In giấy tiếp nhận” lại.",
      r_lost: "Không theo dõi được lệnh in {job} (mất kết nối tới máy chủ). Xin xem máy in {printer} đã in chưa.",
      reason_paper_out: "máy in hết giấy", reason_cover_open: "máy in đang mở nắp", reason_offline: "máy in không kết nối hoặc đã tắt",
      reason_too_late: "quá thời gian chờ in", reason_cut_off: "đang in thì bị ngắt, hai lần", reason_other: "máy in báo lỗi",
      r_missing: "Máy chủ chưa có chức năng in giấy tiếp nhận. Xin báo bộ phận kỹ thuật.",
      called: "Đã gọi số {n}.", recalled: "Đã gọi lại số {n}.", started: "Bắt đầu phục vụ số {n}.",
      completed: "Đã hoàn thành số {n}.", noshowed: "Đã ghi số {n} vắng mặt.", transferred: "Đã chuyển số {n} sang {f}.",
      lost_title: "Máy này không còn giữ quầy.", offline: "Mất kết nối tới máy chủ. Danh sách chờ tự tải lại mỗi 2 giây.",
      net_error: "Không kết nối được tới máy chủ; yêu cầu chưa được gửi lại. Kiểm tra mạng rồi bấm lại.",
      act_offline: "Không nhận được trả lời của máy chủ cho lệnh “{a}” (mất kết nối). Lệnh không được gửi lại tự động: khi có kết nối, xem lại số tại quầy rồi bấm lại nếu cần.",
      undo: "Hoàn tác: đưa số {n} lại hàng chờ ({s} giây)", return_ticket: "Đưa số {n} lại hàng chờ", returned: "Đã đưa số {n} lại hàng chờ, ở chỗ cũ.",
      order_title: "Thứ tự gọi", order_hint: "Các số đang chờ, theo thứ tự sẽ được gọi trong từng lĩnh vực; thời gian là thời gian đã chờ từ lúc lấy số.",
      order_empty: "Không có ai chờ.", priority: "Ưu tiên", next_is: "Số tiếp theo của quầy", next_tag: "Tiếp theo", next_none: "Không có ai chờ quầy này",
      minutes: "{m} phút", not_mine: "(quầy này không phục vụ)", online: "Trực tuyến",
      in_use: "Quầy đang mở ở máy khác.", counter_name: "Quầy {c}",
      forms: "Phiếu bổ sung, từ chối", collect: "Trả kết quả",
      forms_title: "In phiếu yêu cầu bổ sung (mẫu 02) hoặc từ chối tiếp nhận (mẫu 03)", f_form: "Loại phiếu",
      f_02: "Mẫu 02: yêu cầu bổ sung, hoàn thiện", f_03: "Mẫu 03: từ chối tiếp nhận",
      f_procedure: "Thủ tục (bỏ trống nếu hồ sơ đã có trong hệ thống)",
      f_items: "Nội dung cần bổ sung, hoặc lý do từ chối (mỗi dòng một ý)", f_reason: "Lý do yêu cầu bổ sung", f_print: "In phiếu",
      f_queued: "Lệnh in {job} đang chờ máy in {printer}…", f_printing: "Máy in {printer} đang in phiếu (lệnh {job})…",
      f_waiting: "Lệnh in {job} chưa in được: {reason}. Lệnh vẫn chờ và tự in khi máy in {printer} sẵn sàng (đã thử {n} lần).",
      f_printed: "Đã in xong phiếu (lệnh {job}, máy in {printer}).",
      f_sent_done: "Đã gửi hết phiếu tới máy in {printer} (lệnh {job}); máy in này không báo lại đã in: xin xem giấy đã ra chưa.",
      f_failed: "Không in được phiếu (lệnh {job}): {reason}. Khắc phục máy in {printer} rồi bấm “In phiếu” lại.",
      f_lost: "Không theo dõi được lệnh in {job} (mất kết nối tới máy chủ). Xin xem máy in {printer} đã in chưa.",
      collect_title: "Trả kết quả: quét hoặc nhập mã hồ sơ công dân nhận", c_save: "Ghi nhận",
      c_done: "Đã ghi nhận: số {n} nhận kết quả hồ sơ {code}.",
    },
    en: {
      title: "Counter console", logout: "Log out", login_title: "Log in", username: "User name", password: "Password",
      login: "Log in", pick_title: "Choose your counter", takeover: "Take this counter over", pick_other: "Choose another counter",
      pick_again: "Choose a counter again", current: "At the counter", actions: "Actions", next: "Call next", recall: "Recall",
      start: "Start serving", complete: "Complete", noshow: "No-show", transfer: "Transfer", call: "Call a number",
      checkin: "Check in an online booking", checkin_code: "Booking code (scan the QR code on the citizen's phone or slip)",
      checkin_go: "Put in the queue", checked_in: "Booking checked in: number {n} queued at its booked time.",
      receipt: "Print receipt", transfer_to: "Move this ticket to", cancel: "Cancel", call_number: "Number to call (e.g. A012)",
      call_go: "Call it", waiting: "Waiting per field", field: "Field", count: "Waiting", updated: "Updated at {t} (live link lost, reloading every 2 s)",
      live: "Live · {t}",
      none: "No ticket called yet", st_called: "Called, waiting for the citizen", st_serving: "Serving", since: "since {t}",
      receipt_title: "Print the receipt of a dossier (form 01)", r_code: "Dossier code", r_procedure: "Procedure",
      r_name: "Applicant", r_phone: "Phone", r_address: "Address", r_email: "Email", r_docs: "Documents (one per line)",
      r_sets: "Sets", r_days: "Processing time (days)", r_due: "Result due", r_fee: "Fee", r_place: "Result returned at",
      r_copies: "Copies", r_print: "Print receipt", r_idnumber: "ID card / tax number", r_docs_table: "Documents",
      r_doc_name: "Document", r_doc_kind: "Original / copy", r_doc_count: "Count", r_doc_remove: "Remove the line",
      r_doc_add: "Add a document", r_original: "Original", r_copy: "Copy", r_doc_none: "No document yet: press “Add a document”.",
      r_notify: "Messages about the dossier's status (not printed on the receipt)", r_notify_phone: "Mobile number for messages",
      r_notify_email: "E-mail for messages", r_consent: "The applicant agrees to receive messages about the dossier's status",
      r_notify_done: "Dossier {code}: messages about its status will go to {to}.",
      r_notify_failed: "Dossier {code}: the receipt printed but where its messages go was not stored; please enter it again later.",
      r_queued: "Print job {job} is waiting for printer {printer}…", r_printing: "Printer {printer} is printing the receipt (job {job})…",
      r_waiting: "Print job {job} has not printed yet: {reason}. It keeps waiting and prints once printer {printer} is ready ({n} attempts so far).",
      r_printed: "The receipt is printed (job {job}, printer {printer}).",
      r_sent_done: "The receipt was sent in full to printer {printer} (job {job}); this printer does not confirm printing: check the paper came out.",
      r_failed: "The receipt was not printed (job {job}): {reason}. Fix printer {printer}, then press “Print receipt” again.",
      r_lost: "Print job {job} cannot be followed (no connection to the server). Check whether printer {printer} printed it.",
      reason_paper_out: "the printer is out of paper", reason_cover_open: "the printer's cover is open", reason_offline: "the printer is not connected or is off",
      reason_too_late: "it waited too long to print", reason_cut_off: "it was cut off while printing, twice", reason_other: "the printer reported an error",
      r_missing: "Receipt printing is not installed on the server. Please tell the IT staff.",
      called: "Called {n}.", recalled: "Recalled {n}.", started: "Serving {n}.", completed: "Completed {n}.",
      noshowed: "{n} marked absent.", transferred: "{n} moved to {f}.", lost_title: "This console no longer holds the counter.",
      offline: "No connection to the server. The waiting list reloads every 2 s.", in_use: "The counter is open on another console.",
      net_error: "No connection to the server; the request was not sent again. Check the network and press again.",
      act_offline: "No answer from the server to “{a}” (connection lost). It is not sent again by itself: once connected, check the ticket at the counter and press again if needed.",
      undo: "Undo: put {n} back in the queue ({s} s)", return_ticket: "Put {n} back in the queue", returned: "{n} is back in the queue, at its old place.",
      order_title: "Calling order", order_hint: "The numbers waiting, in the order each field calls them; the time is how long each has waited since it was taken.",
      order_empty: "Nobody waiting.", priority: "Priority", next_is: "This counter's next number", next_tag: "Next", next_none: "Nobody waits for this counter",
      minutes: "{m} min", not_mine: "(not served here)", online: "Online",
      counter_name: "Counter {c}",
      forms: "Request or refusal slip", collect: "Hand over a result",
      forms_title: "Print a request to complete the dossier (form 02) or a refusal (form 03)", f_form: "Slip",
      f_02: "Form 02: documents to add or correct", f_03: "Form 03: dossier refused",
      f_procedure: "Procedure (leave empty for a dossier the system knows)",
      f_items: "What to add, or why it is refused (one per line)", f_reason: "Why more is needed", f_print: "Print slip",
      f_queued: "Print job {job} is waiting for printer {printer}…", f_printing: "Printer {printer} is printing the slip (job {job})…",
      f_waiting: "Print job {job} has not printed: {reason}. It waits and prints once printer {printer} is ready ({n} tries so far).",
      f_printed: "The slip is printed (job {job}, printer {printer}).",
      f_sent_done: "The slip was sent in full to printer {printer} (job {job}); this printer does not confirm printing: check the paper came out.",
      f_failed: "The slip was not printed (job {job}): {reason}. Fix printer {printer}, then press “Print slip” again.",
      f_lost: "Print job {job} can no longer be followed (connection to the server lost). Check printer {printer}.",
      collect_title: "Hand over a result: scan or type the code of the dossier collected", c_save: "Record",
      c_done: "Recorded: {n} collected the result of dossier {code}.",
    },
  };
  const tr = motcua.i18n(dict, lang => { $("lang").textContent = lang === "vi" ? "English" : "Tiếng Việt"; $("lang").lang = lang === "vi" ? "en" : "vi"; render(); });
  const t = tr.t;
  const st = { me: null, counter: null, counterName: "", console: "", board: null, current: null, lost: false, pickFor: null, procs: [], live: false, order: null, orderAt: 0 };
  const query = new URLSearchParams(location.search);

  function screen(name) {
    for (const id of ["login", "pick", "work"]) $(id).hidden = id !== name;
    $("logout").hidden = name === "login";
  }
  // message shows what the last action did; a later one replaces it, and
  // with it any undo it offered.
  function message(text, kind) {
    const m = $("msg-box");
    m.className = "notice " + (kind || "info");
    $("msg").textContent = text;
    m.hidden = !text;
    clearUndo();
    $("return-ticket").hidden = true;
  }
  function errText(e) {
    if (e.code === "network") return t("net_error");
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
      if (on) scheduleOrder();
    },
  });

  // ---- the work screen ----
  function serviceName(code) {
    const f = st.board && st.board.field(code);
    return f ? f.name : code;
  }
  // prioText is a priority ticket's mark with its category: "Ưu tiên · Người cao tuổi".
  const prioText = x => t("priority") + (x.category ? " · " + x.category : "");
  function render() {
    if (!st.board || !st.counter) return;
    const c = st.board.counter(st.counter);
    if (!c) return;
    st.counterName = c.name;
    $("title").textContent = c.name;
    document.title = c.name + " — " + t("title");
    // The current ticket, its field (after any transfer) and state: as the
    // board says.
    st.current = c.serving ? { number: c.serving, state: c.state, since: c.since, service: c.service, priority: c.priority, category: c.category, online: c.online } : null;
    const cur = st.current;
    $("cur-number").textContent = cur ? cur.number : "—";
    $("cur-field").textContent = cur ? serviceName(cur.service) : t("none");
    $("cur-state").textContent = cur ? t(cur.state === "serving" ? "st_serving" : "st_called") + (cur.priority ? " · " + prioText(cur) : "") + (cur.online ? " · " + t("online") : "") : "";
    for (const id of ["act-recall", "act-start", "act-complete", "act-noshow", "act-transfer"]) $(id).disabled = !cur;
    if (cur && cur.state === "serving") $("act-start").disabled = true;
    tickTimer();
    const mine = new Set(c.services);
    $("waiting").replaceChildren(...st.board.fields.map(f => el("tr", { class: mine.has(f.code) ? "mine" : "" },
      el("td", {}, `${f.code} · ${f.name}`), el("td", { class: "n", "data-service": f.code }, String(f.waiting)))));
    // The center's time (Vietnam, +07:00), whatever the PC's clock zone.
    const now = motcua.localTime(new Date(), "Asia/Ho_Chi_Minh");
    $("updated").textContent = st.live ? t("live", { t: now }) : t("updated", { t: now });
    scheduleOrder();
  }

  // ---- the calling order: every waiting number, its wait, who is next ----
  // GET /counters/{c}/queue after each change of the board (the server's
  // board has the lists in calling order, its engine the counter's policy).
  let orderTimer = null;
  function scheduleOrder() {
    if (orderTimer || !st.counter || st.lost) return;
    orderTimer = setTimeout(loadOrder, 150);
  }
  async function loadOrder() {
    orderTimer = null;
    if (!st.counter) return;
    try {
      st.order = await api("GET", `/api/v1/counters/${encodeURIComponent(st.counter)}/queue`);
      st.orderAt = Date.now();
      renderOrder();
    } catch (e) { /* the next change or the 15 s tick asks again */ }
  }
  function renderOrder() {
    const q = st.order;
    if (!q) return;
    const elapsed = (Date.now() - st.orderAt) / 1000;
    const next = q.next ? q.next.number : "";
    $("next-number").textContent = next ? "→ " + next : "";
    $("act-next").dataset.next = next;
    const chip = tk => el("li", { class: "chip" + (tk.number === next ? " is-next" : "") + (tk.priority ? " prio" : ""), "data-number": tk.number },
      el("b", {}, tk.number), el("span", { class: "wait" }, t("minutes", { m: Math.floor((tk.wait_s + elapsed) / 60) })),
      tk.priority ? el("span", { class: "tag" }, prioText(tk)) : null,
      tk.online ? el("span", { class: "tag online-tag" }, t("online")) : null,
      tk.number === next ? el("span", { class: "tag next-tag" }, t("next_tag")) : null);
    $("order-list").replaceChildren(
      el("p", { class: "order-next" + (next ? "" : " none") }, next ? [t("next_is") + ": ", el("b", { id: "order-next" }, next), q.next.priority ? " · " + prioText(q.next) : "", q.next.online ? " · " + t("online") : ""] : t("next_none")),
      ...q.fields.filter(f => f.tickets.length || f.mine).map(f => el("div", { class: "order-field" + (f.mine ? " mine" : ""), "data-service": f.code },
        el("h3", {}, `${f.code} · ${f.name}`, " ", el("span", { class: "count" }, `(${f.tickets.length})`), f.mine ? null : el("span", { class: "not-mine" }, " " + t("not_mine"))),
        f.tickets.length ? el("ol", { class: "chips" }, f.tickets.map(chip)) : el("p", { class: "empty" }, t("order_empty")))));
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
    checkin: { path: "check-in", done: "checked_in" },
  };
  let busy = false;
  async function act(name, body) {
    if (busy || st.lost || !st.counter) return;
    if (name !== "next" && name !== "call" && name !== "checkin" && !st.current) return;
    busy = true;
    // A box is closed as the action starts, not when its answer comes: the
    // socket may show the result first, and the clerk open a box on it.
    const own = name === "transfer" || name === "call" || name === "checkin";
    if (!own) closeBoxes();
    try {
      const a = actions[name] || { path: name };
      const tk = await api("POST", `/api/v1/counters/${encodeURIComponent(st.counter)}/${a.path}`, body);
      if (name === "transfer") message(t("transferred", { n: tk.number, f: tk.service_name }), "ok");
      else message(t(a.done || "called", { n: tk.number }), "ok");
      if (name === "noshow") offerUndo(tk.number);
      if (own) closeBoxes();
    } catch (e) {
      if (e.code === "counter_taken_over" || e.code === "counter_in_use") lose(e);
      else if (e.status === 401) loggedOut(e);
      else if (e.code === "network") message(t("act_offline", { a: t(name === "call" ? "call" : name) }), "bad");
      else {
        message(errText(e), e.code === "queue_empty" ? "info" : "warn");
        if (e.code === "ticket_not_waiting" && e.details.state === "no_show") offerReturn(e.details.number);
      }
    } finally {
      busy = false;
      refresh();
    }
  }
  // Undo of "Vắng mặt": for UNDO_SECONDS the message offers to put the
  // number back in its queue at its old place (button or U). Later, calling
  // the number says when it lost its turn and offers the same.
  const UNDO_SECONDS = 30;
  let undo = null;
  function offerUndo(number) {
    const until = Date.now() + UNDO_SECONDS * 1000;
    const tick = () => {
      const left = Math.ceil((until - Date.now()) / 1000);
      if (left <= 0) { clearUndo(); return; }
      $("undo-text").textContent = t("undo", { n: number, s: left });
    };
    undo = { number, timer: setInterval(tick, 250) };
    tick();
    $("undo").hidden = false;
  }
  function clearUndo() {
    if (undo) clearInterval(undo.timer);
    undo = null;
    $("undo").hidden = true;
  }
  function offerReturn(number) {
    const b = $("return-ticket");
    b.textContent = t("return_ticket", { n: number });
    b.dataset.number = number;
    b.hidden = false;
  }
  async function returnTicket(number) {
    if (busy || st.lost || !st.counter || !number) return;
    busy = true;
    try {
      const tk = await api("POST", `/api/v1/counters/${encodeURIComponent(st.counter)}/return`, { ticket: number });
      message(t("returned", { n: tk.number }), "ok");
    } catch (e) {
      if (e.status === 401) loggedOut(e);
      else message(e.code === "network" ? t("act_offline", { a: t("return_ticket", { n: number }) }) : errText(e), "warn");
    } finally {
      busy = false;
      refresh();
    }
  }
  $("undo").addEventListener("click", () => { if (undo) returnTicket(undo.number); });
  $("return-ticket").addEventListener("click", () => returnTicket($("return-ticket").dataset.number));
  $("act-next").addEventListener("click", () => act("next"));
  $("act-recall").addEventListener("click", () => act("recall"));
  $("act-start").addEventListener("click", () => act("start"));
  $("act-complete").addEventListener("click", () => act("complete"));
  $("act-noshow").addEventListener("click", () => act("noshow"));
  $("act-transfer").addEventListener("click", openTransfer);
  $("act-call").addEventListener("click", () => { closeBoxes(); $("call-box").hidden = false; $("call-number").focus(); });
  $("act-receipt").addEventListener("click", openReceipt);
  $("act-forms").addEventListener("click", () => openBox("forms-box", "f-code"));
  $("act-collect").addEventListener("click", () => openBox("collect-box", "c-code"));
  $("act-checkin").addEventListener("click", () => { closeBoxes(); $("checkin-box").hidden = false; $("checkin-code").focus(); });
  $("checkin-box").addEventListener("submit", ev => { ev.preventDefault(); act("checkin", { code: $("checkin-code").value.trim() }); });
  $("call-box").addEventListener("submit", ev => { ev.preventDefault(); act("call", { ticket: $("call-number").value.trim().toUpperCase() }); });
  for (const b of document.querySelectorAll("[data-close]")) b.addEventListener("click", closeBoxes);

  function openTransfer() {
    if (!st.current) return;
    closeBoxes();
    // Each target has a digit key, shown on it, while the box is open.
    $("transfer-list").replaceChildren(...st.board.fields.filter(f => f.code !== st.current.service).slice(0, 9).map((f, i) =>
      el("button", { class: "btn", type: "button", "data-service": f.code, "data-key": String(i + 1), onclick: () => act("transfer", { service: f.code }) },
        el("kbd", {}, String(i + 1)), `${f.code} · ${f.name}`)));
    $("transfer-box").hidden = false;
  }
  function closeBoxes() {
    // A field of a box being hidden keeps the focus, and with it the keys.
    if (document.activeElement && document.activeElement.closest(".sub")) document.activeElement.blur();
    for (const id of ["transfer-box", "call-box", "receipt-box", "forms-box", "collect-box", "checkin-box"]) $(id).hidden = true;
    $("call-number").value = "";
    $("checkin-code").value = "";
  }

  // Keys work anywhere except while typing in a form.
  document.addEventListener("keydown", ev => {
    if (ev.key === "Escape") { closeBoxes(); return; }
    if ($("work").hidden || ev.ctrlKey || ev.altKey || ev.metaKey) return;
    const tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    const k = ev.key === "F1" ? "F1" : ev.key.toUpperCase();
    if (!$("transfer-box").hidden && /^[1-9]$/.test(k)) {
      const b = document.querySelector(`#transfer-list button[data-key="${k}"]`);
      if (b) { ev.preventDefault(); b.click(); }
      return;
    }
    if (k === "U" && undo) { ev.preventDefault(); $("undo").click(); return; }
    const map = { F1: "act-next", N: "act-next", R: "act-recall", B: "act-start", H: "act-complete", V: "act-noshow", C: "act-transfer", G: "act-call", P: "act-receipt", Y: "act-forms", T: "act-collect", O: "act-checkin" };
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
    if (!st.formsLayout) {
      try { st.formsLayout = await api("GET", "/api/v1/forms/layout"); } catch (e) { st.formsLayout = { id_number: false, documents: "list" }; }
      const table = st.formsLayout.documents === "table";
      $("r-id-row").hidden = !st.formsLayout.id_number;
      $("r-list-row").hidden = table;
      $("r-docs").required = !table;
      $("r-table-row").hidden = !table;
      if (table && !$("r-doc-rows").children.length) addDocRow("");
      $("r-notify-row").hidden = !st.formsLayout.notify;
    }
    if (!$("r-due").value) setDue();
    // A number for messages belongs to one applicant: the form opens
    // without the last one's, so it never goes with the next receipt.
    $("r-notify-phone").value = "";
    $("r-notify-email").value = "";
    $("r-consent").checked = false;
    $("r-notify-done").hidden = true;
    $("receipt-box").hidden = false;
    $("r-code").focus();
  }
  // The commune layout's documents table: a row each, its kind and count.
  function addDocRow(name) {
    const n = $("r-doc-rows").children.length + 1;
    const kind = /bản sao/i.test(name) ? "copy" : "original";
    const tr = el("tr", {}, [
      el("td", {}, [el("input", { type: "text", value: name, "aria-label": `${t("r_doc_name")} ${n}`, class: "doc-name" })]),
      el("td", {}, [el("select", { "aria-label": `${t("r_doc_kind")} ${n}`, class: "doc-kind" }, [
        el("option", { value: "original" }, [t("r_original")]), el("option", { value: "copy" }, [t("r_copy")])])]),
      el("td", {}, [el("input", { type: "number", min: "1", max: "99", value: "1", "aria-label": `${t("r_doc_count")} ${n}`, class: "doc-count" })]),
      el("td", {}, [el("button", { type: "button", class: "btn secondary doc-remove", "aria-label": `${t("r_doc_remove")} ${n}` }, ["×"])]),
    ]);
    const sel = tr.querySelector(".doc-kind");
    sel.value = kind;
    // A name saying "bản sao" makes the row a copy, until the clerk chooses.
    let chosen = false;
    sel.addEventListener("change", () => { chosen = true; });
    tr.querySelector(".doc-name").addEventListener("change", ev => {
      if (!chosen) sel.value = /bản sao/i.test(ev.target.value) ? "copy" : "original";
    });
    tr.querySelector(".doc-remove").addEventListener("click", () => tr.remove());
    $("r-doc-rows").append(tr);
    return tr;
  }
  $("r-doc-add").addEventListener("click", () => addDocRow("").querySelector(".doc-name").focus());
  function docRows() {
    return [...$("r-doc-rows").children].map(tr => ({
      name: tr.querySelector(".doc-name").value.trim(), kind: tr.querySelector(".doc-kind").value,
      count: parseInt(tr.querySelector(".doc-count").value, 10) || 1,
    })).filter(d => d.name);
  }
  $("r-procedure").addEventListener("change", () => {
    const p = st.procs.find(p => p.name === $("r-procedure").value);
    if (!p) return;
    $("r-docs").value = p.documents.join("\n");
    if (st.formsLayout && st.formsLayout.documents === "table") {
      $("r-doc-rows").replaceChildren();
      p.documents.forEach(addDocRow);
    }
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
      id_number: $("r-idnumber").value.trim(),
      sets: parseInt($("r-sets").value, 10), processing_days: parseInt($("r-days").value, 10),
      received_at: rfc3339(new Date()), due_at: rfc3339(new Date($("r-due").value)),
      return_place: $("r-place").value.trim(), fee: $("r-fee").value.trim(),
      receiver: st.me.name || st.me.username, counter: st.counter, copies: parseInt($("r-copies").value, 10),
    };
    const m = $("receipt-msg");
    if (st.formsLayout && st.formsLayout.documents === "table") {
      job.document_rows = docRows();
      job.documents = job.document_rows.map(d => d.name);
      if (!job.document_rows.length) {
        m.className = "notice bad";
        m.textContent = t("r_doc_none");
        m.hidden = false;
        return;
      }
    }
    // The applicant's number for the dossier's messages: sent with the
    // consent tick, never printed; once stored the console shows it
    // masked, as the server answers it, and forgets what was typed.
    const phone = $("r-notify-phone").value.trim(), email = $("r-notify-email").value.trim();
    if (!$("r-notify-row").hidden && (phone || email)) job.notify = { phone, email, consent: $("r-consent").checked };
    $("r-notify-done").hidden = true;
    try {
      const r = await api("POST", "/api/v1/receipts", job);
      if (r.notify) {
        $("r-notify-phone").value = "";
        $("r-notify-email").value = "";
        $("r-consent").checked = false;
        const d = $("r-notify-done");
        const to = [r.notify.phone, r.notify.email].filter(Boolean).join(", ");
        d.className = "notice " + (r.notify.stored ? "ok" : "bad");
        d.textContent = t(r.notify.stored ? "r_notify_done" : "r_notify_failed", { code: job.dossier_code, to });
        d.hidden = false;
      }
      followJob({ job: r.job, state: "queued", printer: r.printer, attempts: 0 });
    } catch (e) {
      m.className = "notice bad";
      m.textContent = e.status === 404 && e.code === "not_found" ? t("r_missing") : errText(e);
      m.hidden = false;
    }
  });
  // followJob shows a print job (a receipt's, in msg "receipt-msg" with
  // texts r_…, or a form's, "forms-msg" with f_…) as it goes, until it is
  // printed, sent or failed (GET /receipts/{job} each second).
  let jobTimer = null;
  function followJob(j, msg = "receipt-msg", texts = "r_") {
    clearTimeout(jobTimer);
    showJob(j, msg, texts);
    if (j.state === "printed" || j.state === "sent" || j.state === "failed") return;
    jobTimer = setTimeout(async () => {
      try { followJob(await api("GET", "/api/v1/receipts/" + encodeURIComponent(j.job)), msg, texts); }
      catch (e) {
        if (e.code === "network") { showJob(Object.assign({}, j, { state: "lost" }), msg, texts); jobTimer = setTimeout(() => followJob(j, msg, texts), 2000); }
        else { const m = $(msg); m.className = "notice bad"; m.textContent = errText(e); m.hidden = false; }
      }
    }, 1000);
  }
  function showJob(j, msg = "receipt-msg", texts = "r_") {
    const m = $(msg);
    const v = { job: j.job, printer: j.printer, n: j.attempts, reason: t("reason_" + (j.reason || "other")) };
    const [key, kind] = {
      queued: [j.reason ? "r_waiting" : "r_queued", j.reason ? "warn" : "info"], printing: ["r_printing", "info"],
      printed: ["r_printed", "ok"], sent: ["r_sent_done", "ok"], failed: ["r_failed", "bad"], lost: ["r_lost", "warn"],
    }[j.state] || ["r_queued", "info"];
    m.className = "notice " + kind;
    m.dataset.state = j.state;
    m.textContent = t(texts + key.slice(2), v);
    m.hidden = false;
  }

  // ---- forms 02 and 03, results handed over ----
  function openBox(box, field) {
    closeBoxes();
    for (const m of document.querySelectorAll(`#${box} .notice`)) m.hidden = true;
    $(box).hidden = false;
    $(field).focus();
  }
  $("forms-box").addEventListener("submit", async ev => {
    ev.preventDefault();
    const job = {
      form: $("f-form").value, dossier_code: $("f-code").value.trim(), procedure: $("f-procedure").value.trim(),
      applicant: { name: $("f-name").value.trim() }, items: $("f-items").value.split("\n").map(s => s.trim()).filter(Boolean),
      reason: $("f-reason").value.trim(), receiver: st.me.name || st.me.username, counter: st.counter,
    };
    const m = $("forms-msg");
    try {
      const r = await api("POST", "/api/v1/forms", job);
      followJob({ job: r.job, state: "queued", printer: r.printer, attempts: 0 }, "forms-msg", "f_");
    } catch (e) {
      m.className = "notice bad"; m.dataset.state = "refused"; m.textContent = errText(e); m.hidden = false;
    }
  });
  $("collect-box").addEventListener("submit", async ev => {
    ev.preventDefault();
    const m = $("collect-msg");
    try {
      const r = await api("POST", `/api/v1/counters/${encodeURIComponent(st.counter)}/dossier`, { code: $("c-code").value.trim(), kind: "collected" });
      m.className = "notice ok"; m.dataset.state = "done"; m.textContent = t("c_done", { n: r.number, code: r.code });
      $("c-code").value = "";
    } catch (e) {
      m.className = "notice bad"; m.dataset.state = "refused"; m.textContent = errText(e);
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
    setInterval(loadOrder, 15000); // the waits grow; who is next may change with them
    setInterval(heartbeat, 10000);
  }
  start();
})();
