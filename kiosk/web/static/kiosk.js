// The citizen kiosk: take a number in one or two taps, see it on screen with
// its QR code whatever the printer does, look a dossier up, browse the
// procedures. Returns to the start screen after idle_seconds.
"use strict";
(() => {
  const { api, el } = motcua;
  const $ = id => document.getElementById(id);

  const words = motcua.dossierWords;
  const dict = {
    vi: {
      ...words.vi,
      home_title: "Xin mời chọn lĩnh vực để lấy số thứ tự",
      home_hint: "Chạm vào ô của việc bạn cần làm. Máy sẽ in phiếu có số thứ tự.",
      home_hint_onetap: "Chạm một lần vào ô của việc bạn cần làm: máy cấp số ngay.",
      home_hint_screen: "Chạm vào ô của việc bạn cần làm. Số thứ tự sẽ hiện trên màn hình.",
      home_paper: "Máy in đang hết giấy: số sẽ hiện trên màn hình",
      home_printer_down: "Máy in đang tạm ngừng: số sẽ hiện trên màn hình",
      home_no_paper_more: "Xin chụp lại màn hình hoặc ghi nhớ số của bạn.",
      offline: "Kiosk đang mất kết nối với hệ thống",
      offline_more: "Tạm thời chưa lấy được số. Xin chờ ít phút hoặc hỏi cán bộ hướng dẫn.",
      offline_tile: "Tạm ngừng: kiosk mất kết nối",
      code_prefix: "Mã cơ quan {p}",
      lookup_private: "Họ tên được che sau {s} giây",
      lookup_countdown: "Màn hình tự trở về sau {s} giây",
      lookup_done: "Xong",
      priority_on: "Đang lấy số ƯU TIÊN", priority_btn: "Ưu tiên",
      priority_who: "Người cao tuổi, người khuyết tật, phụ nữ mang thai",
      all_closed: "Hiện ngoài giờ tiếp nhận. Xin quay lại trong giờ làm việc.",
      lookup_btn: "Tra cứu hồ sơ", lookup_btn_hint: "Quét mã trên giấy hẹn",
      phone_btn: "Nhận tin nhắn khi sắp đến lượt", phone_btn_hint: "Qua Zalo hoặc tin nhắn SMS, không cần ngồi chờ",
      phone_title: "Nhận tin nhắn về số thứ tự",
      phone_hint: "Nhập số điện thoại di động của bạn. Trung tâm nhắn tin qua Zalo hoặc SMS khi sắp đến lượt và khi số của bạn được gọi.",
      phone_label: "Số điện thoại",
      phone_consent: "Tôi đồng ý để trung tâm dùng số điện thoại này chỉ để nhắn tin về lượt của tôi. Số được xóa khi hết thời hạn lưu, không hiện trên màn hình nào.",
      phone_send: "Gửi", phone_back: "Quay lại số thứ tự",
      phone_need_consent: "Xin đánh dấu ô đồng ý trước khi gửi.",
      phone_ok: "Đã nhận số điện thoại. Bạn sẽ nhận tin nhắn khi sắp đến lượt.",
      phone_failed: "Chưa gửi được, xin thử lại hoặc hỏi cán bộ hướng dẫn.",
      procs_btn: "Thủ tục cần chuẩn bị", procs_btn_hint: "Giấy tờ, phí, thời gian",
      confirm_title: "Bạn chọn lĩnh vực", take: "Lấy số", take_priority: "Lấy số ưu tiên",
      back: "Quay lại", back_home: "Về màn hình chính", done: "Xong",
      your_number: "Số thứ tự của bạn", priority_ticket: "Số ưu tiên",
      qr_hint: "Quét mã này bằng điện thoại để theo dõi số của bạn.",
      waiting_n: "{n} người đang chờ", waiting_0: "Không có ai chờ — được gọi ngay",
      ahead_n: "Trước bạn có {n} người · {wait}", ahead_n_only: "Trước bạn có {n} người", ahead_0: "Bạn là người tiếp theo. Xin chú ý màn hình gọi số.",
      closed_hours: "Ngoài giờ tiếp nhận · Giờ nhận: {h}", closed: "Ngoài giờ tiếp nhận", full: "Hết số hôm nay",
      print_wait: "Đang in phiếu…", print_wait_more: "Xin chờ phiếu ra ở khe máy in bên dưới.",
      print_ok: "Mời bạn nhận phiếu ở khe máy in bên dưới.", print_ok_more: "Giữ phiếu cho tới khi được gọi.",
      print_sent_more: "Nếu không thấy phiếu, xin ghi nhớ số {n} trên màn hình.",
      print_paper: "Máy in đang hết giấy.", print_broken: "Máy in đang gặp sự cố, không in được phiếu.",
      print_none: "Kiosk này không in phiếu.",
      print_take: "Xin chụp lại màn hình hoặc ghi nhớ số {n}. Khi được gọi, đọc số này cho cán bộ.",
      countdown: "Màn hình tự trở về sau {s} giây", back_in: "Về màn hình chính",
      lookup_title: "Tra cứu hồ sơ",
      lookup_hint: "Đưa mã vạch trên giấy hẹn trả kết quả vào máy quét bên dưới màn hình, hoặc bấm mã hồ sơ.",
      code_label: "Mã hồ sơ", letters: "Chữ cái A–Z", digits: "Chữ số 0–9", erase: "Xóa", search: "Tra cứu",
      searching: "Đang tra cứu…",
      err_network: "Kiosk đang mất kết nối. Xin thử lại sau ít phút hoặc hỏi cán bộ hướng dẫn.",
      err_generic: "Chưa tra cứu được. Xin hỏi cán bộ tại quầy.",
      err_issue: "Chưa lấy được số. Xin thử lại hoặc hỏi cán bộ hướng dẫn.",
      procs_title: "Thủ tục cần chuẩn bị", p_docs: "Giấy tờ cần mang", p_sets: "Số bộ hồ sơ",
      p_time: "Thời gian giải quyết", p_fee: "Phí, lệ phí", p_notes: "Lưu ý", p_take: "Lấy số cho lĩnh vực này",
      p_none: "Chưa có danh mục thủ tục cho lĩnh vực này. Xin hỏi cán bộ hướng dẫn.",
      p_empty: "Trung tâm chưa đưa danh mục thủ tục lên kiosk. Xin hỏi cán bộ hướng dẫn.",
      help: "Cần giúp đỡ? Xin hỏi cán bộ hướng dẫn tại sảnh.",
      unpaired_title: "Thiết bị chưa được ghép nối",
      unpaired_how: "Cán bộ kỹ thuật mở trang /kiosk?pair=MÃ_KIOSK một lần trên máy này (mã là token của kiosk trong tệp cấu hình); máy nhớ mã, địa chỉ trang không còn chứa mã.",
      lang: "English",
      id_title: "Xin quét thẻ căn cước",
      id_hint: "Đưa mã QR ở mặt trước thẻ căn cước (CCCD) vào máy quét bên dưới màn hình, hoặc bấm số định danh cá nhân 12 chữ số.",
      id_hint_camera: "Đưa mặt thẻ căn cước (CCCD) có mã QR vào khung camera hoặc vào máy quét, hoặc bấm số định danh cá nhân 12 chữ số.",
      id_cam_say: "Đưa mặt thẻ CCCD có mã QR vào khung",
      id_cam_more: "Chưa đọc được mã QR. Giữ thẻ yên trong khung, cách camera khoảng một gang tay, không để đèn làm lóa mặt thẻ.",
      id_cam_denied: "Kiosk không được phép dùng camera. Xin bấm số định danh cá nhân 12 chữ số bên dưới, hoặc hỏi cán bộ hướng dẫn.",
      id_cam_missing: "Không mở được camera của kiosk. Xin bấm số định danh cá nhân 12 chữ số bên dưới, hoặc hỏi cán bộ hướng dẫn.",
      lookup_hint_camera: "Đưa mã vạch hoặc mã QR trên giấy hẹn trả kết quả vào khung camera hoặc vào máy quét, hoặc bấm mã hồ sơ.",
      lk_cam_say: "Đưa mã trên giấy hẹn vào khung",
      lk_cam_more: "Chưa đọc được mã. Giữ giấy hẹn yên trong khung, cách camera khoảng một gang tay, không để đèn làm lóa.",
      lk_cam_denied: "Kiosk không được phép dùng camera. Xin bấm mã hồ sơ bên dưới, hoặc hỏi cán bộ hướng dẫn.",
      lk_cam_missing: "Không mở được camera của kiosk. Xin bấm mã hồ sơ bên dưới, hoặc hỏi cán bộ hướng dẫn.",
      id_label: "Số định danh cá nhân, 12 chữ số", id_ok: "Lấy số", id_skip: "Lấy số không cần thẻ",
      id_count: "Đã bấm {n}/12 chữ số", id_count_0: "Chưa bấm chữ số nào",
      id_privacy: "Trung tâm không lưu số thẻ, họ tên hay ngày sinh của bạn: chỉ giữ một mã đã mã hóa, để mỗi người không lấy quá số lượt cho phép.",
      id_first: "Xin chọn lĩnh vực trước, rồi quét thẻ căn cước khi máy hỏi.",
      id_not_receipt: "Đây là thẻ căn cước, không phải giấy hẹn. Xin quét mã vạch trên giấy hẹn trả kết quả.",
      prio_title: "Bạn thuộc đối tượng ưu tiên nào?",
      prio_check_hint: "Xin mời cán bộ hướng dẫn tại sảnh xác nhận: cán bộ nhập mã xác nhận dưới đây.",
      pin_label: "Mã xác nhận của cán bộ", pin_ok: "Xác nhận",
      online_ticket: "Số hẹn trực tuyến",
    },
    en: {
      ...words.en,
      home_title: "Please choose a service to take a queue number",
      home_hint: "Touch the service you need. The machine prints your numbered ticket.",
      home_hint_onetap: "Touch the service you need once: you get your number at once.",
      home_hint_screen: "Touch the service you need. Your number is shown on the screen.",
      home_paper: "The printer is out of paper: your number is shown on the screen",
      home_printer_down: "The printer is not working: your number is shown on the screen",
      home_no_paper_more: "Please take a photo of the screen or remember your number.",
      offline: "The kiosk has lost its connection",
      offline_more: "No numbers can be issued for now. Please wait a few minutes or ask the staff.",
      offline_tile: "Paused: the kiosk is offline",
      code_prefix: "Agency code {p}",
      lookup_private: "The name is hidden in {s} seconds",
      lookup_countdown: "Back to the start in {s} seconds",
      lookup_done: "Done",
      priority_on: "Taking a PRIORITY number", priority_btn: "Priority",
      priority_who: "Elderly people, people with disabilities, pregnant women",
      all_closed: "We are closed now. Please come back during opening hours.",
      lookup_btn: "Check a dossier", lookup_btn_hint: "Scan the code on your receipt",
      phone_btn: "Get a message when your turn is near", phone_btn_hint: "By Zalo or SMS: no need to sit and wait",
      phone_title: "Messages about your number",
      phone_hint: "Type your mobile number. The center sends a Zalo message or an SMS when your turn is near and when your number is called.",
      phone_label: "Phone number",
      phone_consent: "I agree that the center uses this number only to message me about my turn. It is deleted when its keeping time ends and shown on no screen.",
      phone_send: "Send", phone_back: "Back to my number",
      phone_need_consent: "Please tick the box to agree before sending.",
      phone_ok: "Number received. You will get a message when your turn is near.",
      phone_failed: "Not sent yet: please try again or ask the staff.",
      procs_btn: "What to bring", procs_btn_hint: "Documents, fees, time",
      confirm_title: "You chose", take: "Take a number", take_priority: "Take a priority number",
      back: "Back", back_home: "Back to start", done: "Done",
      your_number: "Your number", priority_ticket: "Priority number",
      qr_hint: "Scan this code with your phone to follow your number.",
      waiting_n: "{n} people waiting", waiting_0: "Nobody waiting — you will be called soon",
      ahead_n: "{n} people before you · {wait}", ahead_n_only: "{n} people before you", ahead_0: "You are next. Please watch the calling screen.",
      closed_hours: "Closed now · Open: {h}", closed: "Closed now", full: "No more numbers today",
      print_wait: "Printing your ticket…", print_wait_more: "Please wait for the ticket below the screen.",
      print_ok: "Please take your ticket below the screen.", print_ok_more: "Keep it until you are called.",
      print_sent_more: "If no ticket came out, please note your number {n} on the screen.",
      print_paper: "The printer is out of paper.", print_broken: "The printer has a problem and cannot print.",
      print_none: "This kiosk does not print tickets.",
      print_take: "Please take a photo of the screen or remember number {n}. When called, tell the clerk this number.",
      countdown: "Back to the start in {s} seconds", back_in: "Back to start",
      lookup_title: "Check a dossier",
      lookup_hint: "Hold the barcode of your receipt under the scanner below the screen, or type the dossier code.",
      code_label: "Dossier code", letters: "Letters A–Z", digits: "Digits 0–9", erase: "Delete", search: "Search",
      searching: "Searching…",
      err_network: "The kiosk is offline. Please try again later or ask the staff.",
      err_generic: "The search did not work. Please ask at a counter.",
      err_issue: "No number was issued. Please try again or ask the staff.",
      procs_title: "What to bring", p_docs: "Documents to bring", p_sets: "Sets of documents",
      p_time: "Processing time", p_fee: "Fees", p_notes: "Notes", p_take: "Take a number for this service",
      p_none: "No procedures listed for this service yet. Please ask the staff.",
      p_empty: "The center has not listed its procedures on the kiosk. Please ask the staff.",
      help: "Need help? Please ask the staff in the hall.",
      unpaired_title: "This device is not paired",
      unpaired_how: "A technician opens /kiosk?pair=KIOSK_TOKEN once on this machine (the kiosk's token in the configuration); the machine remembers it and the page's address no longer holds it.",
      lang: "Tiếng Việt",
      id_title: "Please scan your ID card",
      id_hint: "Hold the QR code on the front of your citizen ID card (CCCD) under the scanner below the screen, or type your 12-digit personal ID number.",
      id_hint_camera: "Hold the side of your citizen ID card (CCCD) with the QR code in the camera's frame or under the scanner, or type your 12-digit personal ID number.",
      id_cam_say: "Hold the side of your CCCD with the QR code in the frame",
      id_cam_more: "The QR code is not read yet. Hold the card still in the frame, about a hand's width from the camera, out of the glare of lights.",
      id_cam_denied: "The kiosk may not use its camera. Please type your 12-digit personal ID number below, or ask the staff.",
      id_cam_missing: "The kiosk's camera cannot be opened. Please type your 12-digit personal ID number below, or ask the staff.",
      lookup_hint_camera: "Hold the barcode or QR code of your receipt in the camera's frame or under the scanner, or type the dossier code.",
      lk_cam_say: "Hold the code of your receipt in the frame",
      lk_cam_more: "The code is not read yet. Hold the receipt still in the frame, about a hand's width from the camera, out of the glare of lights.",
      lk_cam_denied: "The kiosk may not use its camera. Please type the dossier code below, or ask the staff.",
      lk_cam_missing: "The kiosk's camera cannot be opened. Please type the dossier code below, or ask the staff.",
      id_label: "Personal ID number, 12 digits", id_ok: "Take a number", id_skip: "Take a number without the card",
      id_count: "{n} of 12 digits typed", id_count_0: "No digit typed yet",
      id_privacy: "The center keeps neither your card's number, name nor date of birth: only a scrambled code, so that nobody takes more numbers than allowed.",
      id_first: "Please choose a service first, then scan your ID card when the kiosk asks.",
      id_not_receipt: "This is an ID card, not a receipt. Please scan the barcode of your receipt.",
      prio_title: "Which priority applies to you?",
      prio_check_hint: "Please ask a staff member in the lobby to confirm: they type their code below.",
      pin_label: "The staff member's code", pin_ok: "Confirm",
      online_ticket: "Online booking",
    },
  };
  const tr = motcua.i18n(dict, lang => {
    $("lang").textContent = dict[lang].lang;
    $("lang").lang = lang === "vi" ? "en" : "vi";
    refreshTexts();
  });
  const t = tr.t;
  const say = code => motcua.messages.text(code, tr.lang); // the service's words for an error code

  // The kiosk is the one this browser is paired as (its cookie), not a
  // name in the address.
  let kioskID = "";
  const state = {
    settings: { confirm: true, idle_seconds: 30, printer: "", code: { prefixes: [], date_digits: 0 } },
    services: [], chosen: null, priority: false, ticket: null, printState: "",
    code: "", procs: null, procField: "", procTake: null, screen: "home", idleFor: 30, idleLeft: 0,
    offline: false, flash: "", privateLeft: 0, idDigits: "", idPriority: false,
    category: "", staffPIN: "", pin: "", prioOK: false,
  };

  // A tap that comes within TAP_GUARD_MS of a screen change is the second
  // half of a double tap (or a finger still on the glass), never a choice
  // made on the new screen: it is dropped. 500 ms is the double-click time
  // of desktop systems and above the 300 ms a phone waits for a second tap,
  // so an elderly citizen's slow double tap falls inside it; a deliberate
  // tap on a new screen comes later, after reading it (reaction alone takes
  // some 250 ms, reading a button more). body[data-tap-guard] marks the
  // window.
  const TAP_GUARD_MS = 500;
  let changedAt = -Infinity, guardTimer = 0;
  function screenChanged() {
    changedAt = performance.now();
    document.body.dataset.tapGuard = "1";
    clearTimeout(guardTimer);
    guardTimer = setTimeout(() => { delete document.body.dataset.tapGuard; }, TAP_GUARD_MS);
  }
  document.addEventListener("click", ev => {
    if (ev.timeStamp - changedAt < TAP_GUARD_MS) { ev.preventDefault(); ev.stopImmediatePropagation(); }
  }, true);

  // A dossier shown with the applicant's full name (our signed receipt) is
  // masked after PRIVATE_MASK_S without a touch, and the screen goes back
  // to the start after PRIVATE_IDLE_S: the next person at the kiosk does
  // not read it.
  const PRIVATE_MASK_S = 10, PRIVATE_IDLE_S = 20;

  // ---- screens and the idle timer ----
  function show(name) {
    state.screen = name;
    for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== name;
    window.scrollTo(0, 0);
    screenChanged();
    resetIdle(state.settings.idle_seconds);
    if (name !== "lookup") clearLookup();
    if (name !== "identity") clearIdentity();
    if (name !== "prio") { state.pin = ""; renderPIN(); }
    if (name === "home") {
      state.priority = false; state.chosen = null;
      state.category = ""; state.staffPIN = ""; state.prioOK = false;
      renderHome();
    }
  }
  // resetIdle starts the screen's idle time again; seconds, when given,
  // becomes the screen's idle time from now on.
  function resetIdle(seconds) {
    if (seconds) state.idleFor = seconds;
    state.idleLeft = state.idleFor;
    renderCountdown();
  }
  function tick() {
    if (state.screen === "unpaired") return;
    if (state.screen === "home") {
      if (tr.lang !== "vi" && --state.idleLeft <= 0) tr.set("vi");
      return;
    }
    state.idleLeft--;
    if (state.privateLeft > 0 && --state.privateLeft === 0) maskApplicant();
    renderCountdown();
    if (state.idleLeft <= 0) { if (tr.lang !== "vi") tr.set("vi"); show("home"); }
  }
  function renderCountdown() {
    const s = Math.max(state.idleLeft, 0);
    if (state.screen === "ticket") $("countdown").textContent = t("countdown", { s });
    if (state.screen === "lookup") {
      const shown = $("lookup-result").querySelector(".dossier");
      const parts = [];
      if (state.privateLeft > 0) parts.push(t("lookup_private", { s: state.privateLeft }));
      if (shown) parts.push(t("lookup_countdown", { s }));
      $("lookup-countdown").textContent = parts.join(" · ");
    }
  }
  document.addEventListener("pointerdown", () => {
    if (state.screen === "ticket") return;
    if (state.privateLeft > 0) state.privateLeft = PRIVATE_MASK_S;
    resetIdle();
  }, true);

  // ---- start screen ----
  function fieldState(s) {
    if (s.full) return t("full");
    if (!s.open) return s.hours && s.hours.length ? t("closed_hours", { h: s.hours.join(", ") }) : t("closed");
    return s.waiting > 0 ? t("waiting_n", { n: s.waiting }) : t("waiting_0");
  }
  // renderHome draws the start screen. The tiles are rebuilt only when what
  // they show changed: a tile replaced under a finger loses its tap.
  let tilesDrawn = "";
  function renderHome() {
    const box = $("fields");
    const drawn = JSON.stringify([state.services, state.offline, tr.lang]);
    if (drawn !== tilesDrawn) box.replaceChildren(...state.services.map(s => {
      const open = s.open && !s.full;
      const usable = open && !state.offline;
      return el("button", {
        class: "field" + (open ? "" : " closed") + (s.lane ? " lane" : ""), type: "button",
        "data-service": s.code, disabled: !open, "aria-disabled": open && !usable ? "true" : null,
        onclick: () => { if (usable) pickField(s); },
      },
      el("span", { class: "badge", "aria-hidden": "true" }, s.code),
      el("span", {}, el("span", { class: "fname" }, s.name), el("span", { class: "fstate" }, open && !usable ? t("offline_tile") : fieldState(s))),
      el("span", { class: "go", "aria-hidden": "true" }, usable ? "›" : ""));
    }));
    tilesDrawn = drawn;
    const oneTap = !state.settings.confirm;
    $("priority-toggle").hidden = !oneTap;
    $("priority-toggle").setAttribute("aria-pressed", String(state.priority));
    const paperless = !state.settings.printer || !!printerDown();
    $("home-hint").textContent = t(oneTap ? "home_hint_onetap" : paperless ? "home_hint_screen" : "home_hint");
    renderStatus();
  }

  // printerDown is what keeps the kiosk's printer from printing, as the
  // service last knew it: "paper" (out of paper), "down" (offline), or ""
  // (printing, or state unknown).
  function printerDown() {
    const p = state.settings.printer && state.settings.printer_status;
    if (!p) return "";
    if (p.paper === "out") return "paper";
    return p.state === "offline" ? "down" : "";
  }

  // renderStatus fills the space kept above the tiles with the one notice
  // that matters most: the outage, a failure just met, the priority mode,
  // the printer, the closed center.
  function renderStatus() {
    const oneTap = !state.settings.confirm;
    const allClosed = state.services.length > 0 && !state.services.some(s => s.open && !s.full);
    const msg = $("status-msg");
    let kind = "";
    if (state.offline) {
      kind = "offline";
      msg.className = "notice bad";
      msg.replaceChildren(el("strong", {}, t("offline")), el("span", {}, t("offline_more")));
    } else if (state.flash) {
      kind = "flash";
      msg.className = "notice warn";
      msg.replaceChildren(el("strong", {}, state.flash));
    } else if (oneTap && state.priority) {
      kind = "priority";
    } else if (printerDown()) {
      kind = printerDown();
      msg.className = "notice warn";
      msg.replaceChildren(el("strong", {}, t(kind === "paper" ? "home_paper" : "home_printer_down")), el("span", {}, t("home_no_paper_more")));
    } else if (allClosed) {
      kind = "closed";
    }
    $("home-status").dataset.state = kind;
    msg.hidden = !["offline", "flash", "paper", "down"].includes(kind);
    $("priority-banner").hidden = kind !== "priority";
    $("all-closed").hidden = kind !== "closed";
  }

  // refresh asks the service for the fields and the kiosk's own state (its
  // printer); one that does not answer puts the kiosk in its outage state
  // until it answers again.
  async function refresh() {
    try {
      const [services, me] = await Promise.all([api("GET", "/api/v1/services"), api("GET", "/api/v1/devices/me")]);
      state.services = services;
      if (me && me.kiosk) {
        const keys = JSON.stringify(state.settings.code);
        state.settings = me.kiosk;
        if (JSON.stringify(me.kiosk.code) !== keys && state.screen !== "lookup") renderKeypad();
      }
      setOffline(false);
    } catch (e) {
      if (e.code === "device_unpaired") { if (state.screen !== "unpaired") unpaired(e); return; }
      if (e.code === "network" || e.status >= 500) setOffline(true);
    }
    if (state.screen === "home") renderHome();
  }
  function setOffline(off) {
    if (state.offline === off) return;
    state.offline = off;
    document.body.dataset.offline = off ? "1" : "0";
    if (state.screen === "home") renderHome();
  }
  function pickField(s) {
    state.chosen = s;
    // A lane (agents, businesses) has no priority numbers.
    if (!state.settings.confirm) { take(state.priority && !s.lane); return; }
    $("take-priority").hidden = !!s.lane;
    $("confirm-code").textContent = s.code;
    $("confirm-name").textContent = s.name;
    $("confirm-wait").textContent = s.waiting > 0 ? t("waiting_n", { n: s.waiting }) : t("waiting_0");
    show("confirm");
  }
  $("priority-toggle").addEventListener("click", () => { state.priority = !state.priority; renderHome(); });
  $("take").addEventListener("click", () => take(false));
  $("take-priority").addEventListener("click", () => take(true));

  // ---- a priority number: its category, the staff's check ----
  const prioSettings = () => state.settings.priority || { categories: [], staff_check: false };
  const prioAsks = () => prioSettings().categories.length > 0 || prioSettings().staff_check;
  function openPriority() {
    $("prio-code").textContent = state.chosen.code;
    $("prio-name").textContent = state.chosen.name;
    const cats = prioSettings().categories;
    $("prio-cats").replaceChildren(...cats.map(c => el("button", {
      class: "wide-btn priority", type: "button", "data-category": c.code, onclick: () => chooseCategory(c),
    }, el("span", { class: "icon", "aria-hidden": "true" }, "♿"), el("span", {}, c.name))));
    $("prio-cats").hidden = cats.length === 0;
    $("prio-check").hidden = true;
    show("prio");
    if (!cats.length) askPIN(null);
  }
  function chooseCategory(c) {
    state.category = c.code;
    if (prioSettings().staff_check) { askPIN(c); return; }
    state.prioOK = true;
    take(true);
  }
  function askPIN(c) {
    $("prio-chosen").textContent = state.chosen.name + " · " + t("priority_ticket") + (c ? " · " + c.name : "");
    $("prio-check").hidden = false;
    state.pin = "";
    renderPIN();
    screenChanged();
  }
  // The staff's PIN is shown as dots, like a citizen's ID number.
  function renderPIN() {
    $("pin-text").textContent = "•".repeat(state.pin.length);
    $("pin-ok").disabled = state.pin.length < 6;
  }
  function renderPINKeypad() {
    $("pin-keypad").replaceChildren(...["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"].map(k =>
      el("button", { class: "key", type: "button", "data-key": k, onclick: () => { if (state.pin.length < 12) { state.pin += k; renderPIN(); } } }, k)));
  }
  $("pin-erase").addEventListener("click", () => { state.pin = state.pin.slice(0, -1); renderPIN(); });
  $("pin-ok").addEventListener("click", () => {
    if (state.pin.length < 6) return;
    state.staffPIN = state.pin;
    state.prioOK = true;
    take(true);
  });

  // ---- who takes the number ----
  // take issues a number in the chosen field, first asking for the ID card
  // where the field asks (optional or required).
  function take(priority) {
    if (!state.chosen) return;
    state.idPriority = priority;
    if (priority && prioAsks() && !state.prioOK) { openPriority(); return; }
    if ((state.chosen.identity || "off") === "off") { issue(priority, ""); return; }
    $("id-code").textContent = state.chosen.code;
    $("id-name").textContent = state.chosen.name;
    $("id-skip").hidden = state.chosen.identity !== "optional";
    show("identity");
    renderIdentity();
    startIdentityCamera();
  }
  // The digits typed are never shown, only how many: a person behind
  // does not read them off the screen.
  function renderIdentity() {
    const n = state.idDigits.length;
    $("id-text").textContent = "•".repeat(n);
    $("id-count").textContent = n ? t("id_count", { n }) : t("id_count_0");
    $("id-ok").disabled = n !== 12;
  }
  function clearIdentity() {
    stopCamera();
    setHint("id_hint");
    state.idDigits = "";
    $("id-status").hidden = true;
    $("id-status").textContent = "";
    renderIdentity();
  }
  function renderIDKeypad() {
    $("id-keypad").replaceChildren(...["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"].map(k =>
      el("button", { class: "key", type: "button", "data-key": k, onclick: () => typeID(k) }, k)));
  }
  function typeID(k) {
    if (state.idDigits.length >= 12) return;
    state.idDigits += k;
    $("id-status").hidden = true;
    renderIdentity();
  }
  $("id-erase").addEventListener("click", () => { state.idDigits = state.idDigits.slice(0, -1); renderIdentity(); });
  $("id-ok").addEventListener("click", () => { if (state.idDigits.length === 12) issue(state.idPriority, state.idDigits); });
  $("id-skip").addEventListener("click", () => issue(state.idPriority, ""));
  // idRefused says on the identity step why no number was given (over the
  // caps, not a card): the citizen stays there to read it.
  function idRefused(e) {
    state.idDigits = "";
    renderIdentity();
    $("id-status").textContent = motcua.messages.error(e, tr.lang);
    $("id-status").hidden = false;
    resetIdle(Math.max(state.settings.idle_seconds, 30));
  }
  // ---- the camera (settings.camera): the identity step, the lookup ----
  // One camera box (#camera), put in the slot of the screen that reads
  // through it: the live picture in a frame and what to do. A frame is
  // grabbed every CAM_EVERY_MS, at most CAM_WIDTH pixels wide, and given as
  // JPEG to the screen's send, one at a time; send answers true once the
  // camera's work is over (a ticket, an answer, a refusal to read), false
  // to go on (no code in that frame). The box says more after CAM_HINT_MS.
  // Leaving the screen stops the camera (clearIdentity, clearLookup); a
  // camera refused or missing leaves the keypad and the scanner, with a
  // message.
  const CAM_WIDTH = 960, CAM_EVERY_MS = 300, CAM_HINT_MS = 8000;
  const cam = { run: 0, stream: null, inFlight: false, after: null };
  // The words of each screen's camera: what to do, more after a while, a
  // camera refused, none.
  const camWords = {
    identity: { say: "id_cam_say", more: "id_cam_more", denied: "id_cam_denied", missing: "id_cam_missing" },
    lookup: { say: "lk_cam_say", more: "lk_cam_more", denied: "lk_cam_denied", missing: "lk_cam_missing" },
  };
  function camSay(key, more) {
    const say = $("cam-say");
    say.dataset.t = key;
    say.textContent = t(key);
    say.className = "cam-say" + (more === "warn" ? " notice warn" : more ? " hint-more" : "");
  }
  async function startCamera(slot, words, send) {
    if (!state.settings.camera) return;
    const my = ++cam.run;
    const box = $("camera");
    $(slot).append(box);
    box.hidden = false;
    box.dataset.state = "starting";
    camSay(words.say);
    let stream;
    try {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new DOMException("no camera API", "NotFoundError");
      stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
    } catch (e) {
      if (my !== cam.run) return;
      console.warn("camera not opened:", e && e.name);
      box.dataset.state = "off";
      camSay(e && (e.name === "NotAllowedError" || e.name === "SecurityError") ? words.denied : words.missing, "warn");
      return;
    }
    if (my !== cam.run) { for (const tk of stream.getTracks()) tk.stop(); return; }
    cam.stream = stream;
    const video = $("cam-video");
    video.srcObject = stream;
    try { await video.play(); } catch (e) { /* muted video plays; frames are read all the same */ }
    if (my !== cam.run) return;
    box.dataset.state = "on";
    grabFrames(my, video, words, send);
  }
  function stopCamera() {
    cam.run++;
    if (cam.stream) for (const tk of cam.stream.getTracks()) tk.stop();
    cam.stream = null;
    $("cam-video").srcObject = null;
    $("camera").hidden = true;
    $("camera").dataset.state = "off";
  }
  async function grabFrames(my, video, words, send) {
    const canvas = document.createElement("canvas");
    const started = performance.now();
    let hinted = false;
    while (my === cam.run) {
      if (video.videoWidth && !issuing) {
        const scale = Math.min(1, CAM_WIDTH / video.videoWidth);
        canvas.width = Math.round(video.videoWidth * scale);
        canvas.height = Math.round(video.videoHeight * scale);
        canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
        const blob = await new Promise(r => canvas.toBlob(r, "image/jpeg", 0.85));
        if (my !== cam.run) return;
        if (blob && await send(blob)) return;
      }
      if (!hinted && performance.now() - started > CAM_HINT_MS && my === cam.run) { hinted = true; camSay(words.more, true); }
      await new Promise(r => setTimeout(r, CAM_EVERY_MS));
    }
  }
  // A frame the service found no code in (or could not read): the next one.
  const noCodeYet = e => ["no_code_found", "invalid_image"].includes(e.code);

  // At the identity step: POST /tickets/image with the ticket asked for;
  // the service answers the ticket once it reads a card, as a scan of it.
  function startIdentityCamera() {
    if (!state.settings.camera) return;
    setHint("id_hint_camera");
    startCamera("id-cam-slot", camWords.identity, sendFrame);
  }
  // setHint says how to give the card; the language switch (data-t) keeps it.
  function setHint(key) {
    $("id-hint").dataset.t = key;
    $("id-hint").textContent = t(key);
  }
  // sendFrame asks for the number with one frame.
  async function sendFrame(blob) {
    if (issuing || !state.chosen) return false;
    issuing = true;
    cam.inFlight = true;
    try {
      const form = new FormData();
      const body = { service: state.chosen.code, priority: state.idPriority, kiosk: kioskID };
      if (state.idPriority && state.category) body.category = state.category;
      if (state.idPriority && state.staffPIN) body.staff_pin = state.staffPIN;
      form.append("ticket", JSON.stringify(body));
      form.append("frame", blob, "frame.jpg");
      const tk = await api("POST", "/api/v1/tickets/image", form);
      state.ticket = tk;
      showTicket(tk);
      return true;
    } catch (e) {
      if (noCodeYet(e)) return false;
      stopCamera();
      issueFailed(e);
      return true;
    } finally {
      issuing = false;
      cam.inFlight = false;
      const after = cam.after;
      cam.after = null;
      if (after && state.screen === "identity") after();
    }
  }

  // A CCCD's QR code: 12 digits, then "|". Only for routing a scan; the
  // service decides what is a card.
  const looksLikeCard = code => /^\s*\d{12}\s*\|/.test(code);
  // An online number's QR code (province/booking): "MCB" and digits.
  const looksLikeBooking = code => /^\s*MCB\d/i.test(code);
  // scanned routes a code from the scanner: to the identity step while it
  // asks, else to the dossier lookup; an ID card scanned elsewhere is
  // dropped unread (its name and birth date are never shown or sent).
  function scanned(code) {
    if (looksLikeBooking(code)) { checkIn(code); return; }
    if (state.screen === "identity") { issue(state.idPriority, code); return; }
    if (looksLikeCard(code)) {
      if (state.screen === "home") flashHome(t("id_first"));
      if (state.screen === "lookup") {
        clearLookup();
        $("lookup-result").replaceChildren(el("div", { class: "notice warn", role: "alert", "data-error": "id_card" }, t("id_not_receipt")));
      }
      return;
    }
    lookup(code, true);
  }

  // ---- issuing and the ticket ----
  let issuing = false;
  // checkIn gives the online number whose QR code was scanned its ticket,
  // on any screen; a refusal (used, expired, another center) is said on
  // the start screen.
  async function checkIn(code) {
    if (issuing && cam.inFlight) { cam.after = () => checkIn(code); return; }
    if (issuing) return;
    issuing = true;
    try {
      const tk = await api("POST", "/api/v1/bookings/check-in", { code, kiosk: kioskID });
      state.ticket = tk;
      showTicket(tk);
    } catch (e) {
      if (e.code === "device_unpaired") { unpaired(e); return; }
      if (e.code === "network") setOffline(true);
      refresh();
      show("home");
      flashHome(e.code === "network" ? t("err_issue") : motcua.messages.error(e, tr.lang));
    } finally {
      issuing = false;
    }
  }
  async function issue(priority, citizenID) {
    // A tap or a scan while a camera frame is on its way goes once it is
    // answered (unless that answer was the ticket).
    if (issuing && cam.inFlight) { cam.after = () => issue(priority, citizenID); return; }
    if (issuing || !state.chosen) return;
    issuing = true;
    try {
      const body = { service: state.chosen.code, priority, kiosk: kioskID };
      if (citizenID) body.citizen_id = citizenID;
      if (priority && state.category) body.category = state.category;
      if (priority && state.staffPIN) body.staff_pin = state.staffPIN;
      const tk = await api("POST", "/api/v1/tickets", body);
      state.ticket = tk;
      showTicket(tk);
    } catch (e) {
      issueFailed(e);
    } finally {
      issuing = false;
    }
  }
  // issueFailed says why no number was given: on the identity step when it
  // is about the card or its person, else on the start screen.
  function issueFailed(e) {
    if (e.code === "device_unpaired") { unpaired(e); return; }
    if (state.screen === "identity" && ["person_cap", "invalid_id", "id_required"].includes(e.code)) { idRefused(e); return; }
    const msg = e.code === "priority_check" ? motcua.messages.error(e, tr.lang)
      : ["service_closed", "daily_cap_reached"].includes(e.code) ? say(e.code)
      : e.code === "rate_limited" ? motcua.messages.text("rate_limited.tickets", tr.lang) : t("err_issue");
    if (e.code === "network") setOffline(true);
    refresh();
    show("home");
    flashHome(msg);
  }
  // flashHome shows a failure for 8 s in the space kept for notices.
  let flashTimer = 0;
  function flashHome(msg) {
    state.flash = msg;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => { state.flash = ""; if (state.screen === "home") renderStatus(); }, 8000);
    renderStatus();
  }
  function showTicket(tk) {
    $("ticket-number").textContent = tk.number;
    $("ticket-field").textContent = tk.online ? `${tk.service_name} · ${t("online_ticket")}` : tk.service_name;
    $("ticket-priority").hidden = !tk.priority;
    renderPriorityTag(tk);
    renderAhead(tk);
    $("ticket-qr").src = "/api/v1/tickets/" + encodeURIComponent(tk.id) + "/qr.svg";
    $("ticket-qr").alt = t("qr_hint");
    $("go-phone").hidden = !state.settings.notify;
    show("ticket");
    followPrint(tk);
  }
  // renderPriorityTag says a priority ticket's category: "Số ưu tiên · Người cao tuổi".
  function renderPriorityTag(tk) {
    $("ticket-priority").textContent = t("priority_ticket") + (tk.category_name ? " · " + tk.category_name : "");
  }
  function renderAhead(tk) {
    $("ticket-ahead").textContent = aheadText(tk);
  }
  // aheadText says who is before the ticket and the wait, in the server's
  // words for the wait: those the paper ticket prints (none when the
  // server has no estimate, as the paper prints none).
  function aheadText(tk) {
    const wait = (tr.lang === "en" && tk.estimated_wait_text_en) || tk.estimated_wait_text || "";
    if (tk.ahead <= 0) return t("ahead_0");
    return wait ? t("ahead_n", { n: tk.ahead, wait }) : t("ahead_n_only", { n: tk.ahead });
  }

  // followPrint shows what the printer did, polling briefly while the job
  // is queued (or not yet queued on a kiosk that has a printer). A printer
  // the service knew to be out of paper or offline before the tap is not
  // waited for: the ticket on screen is the citizen's ticket at once, and
  // says so; should the job print all the same (paper just put in), the
  // notice turns to "printed".
  let printPoll = 0;
  async function followPrint(tk) {
    const my = ++printPoll;
    const hasPrinter = !!state.settings.printer;
    let st = tk.print && tk.print.state || "none";
    const down = hasPrinter && st !== "printed" && st !== "sent" && printerDown();
    if (down) setPrint(down === "paper" ? "paper" : "failed");
    const deadline = Date.now() + 15000;
    while ((st === "queued" || (st === "none" && hasPrinter)) && Date.now() < deadline) {
      if (!down) setPrint("printing");
      await new Promise(r => setTimeout(r, 600));
      if (my !== printPoll || state.screen !== "ticket") return;
      try { st = (await api("GET", "/api/v1/tickets/" + encodeURIComponent(tk.id))).print.state; } catch (e) { /* keep polling */ }
    }
    if (my !== printPoll) return;
    if (st === "printed" || st === "sent") { setPrint(st); return; }
    if (down) return; // said before the wait
    if (st === "none" && !hasPrinter) { setPrint("noprinter"); return; }
    let paperOut = false;
    try {
      const h = await api("GET", "/healthz");
      const p = h && h.printers && h.printers[state.settings.printer];
      paperOut = !!p && (p.paper === "out" || p.state === "paper_out");
    } catch (e) { /* printer state unknown: say it failed */ }
    if (my !== printPoll) return;
    setPrint(paperOut ? "paper" : "failed");
  }
  function setPrint(kind) {
    state.printState = kind;
    const box = $("print-status");
    box.dataset.state = kind;
    const n = state.ticket ? state.ticket.number : "";
    let cls = "info", head = "", more = "";
    switch (kind) {
      case "printing": head = t("print_wait"); more = t("print_wait_more"); break;
      case "printed": cls = "ok"; head = t("print_ok"); more = t("print_ok_more"); break;
      case "sent": cls = "ok"; head = t("print_ok"); more = t("print_sent_more", { n }); break;
      case "noprinter": head = t("print_none"); more = t("print_take", { n }); break;
      case "paper": cls = "bad"; head = t("print_paper"); more = t("print_take", { n }); break;
      default: cls = "bad"; head = t("print_broken"); more = t("print_take", { n });
    }
    box.className = "notice print " + cls;
    box.replaceChildren(el("strong", {}, head), more);
    // Without a paper ticket the citizen needs time to photograph the screen.
    if (kind === "paper" || kind === "failed" || kind === "noprinter") resetIdle(Math.max(state.settings.idle_seconds * 2, 60));
  }

  // ---- a phone number for the ticket's messages ----
  // Typed on the kiosk's own keypad (no keyboard), sent with the consent
  // box ticked; the digits are forgotten as soon as the screen is left.
  let phone = "";
  function setPhone(v) {
    phone = v;
    $("phone-text").textContent = v.replace(/^(\d{4})(\d{0,3})(\d{0,3})$/, (_, a, b, c) => [a, b, c].filter(Boolean).join(" "));
  }
  function openPhone() {
    setPhone("");
    $("phone-consent").checked = false;
    $("phone-status").textContent = "";
    $("phone-status").className = "notice";
    $("phone-send").disabled = false;
    show("phone");
  }
  function closePhone() {
    setPhone("");
    $("phone-consent").checked = false;
    show("ticket");
  }
  $("phone-keypad").replaceChildren(...["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"].map(k =>
    el("button", { class: "key", type: "button", "data-key": k, onclick: () => { if (phone.length < 10) setPhone(phone + k); } }, k)));
  $("phone-erase").addEventListener("click", () => setPhone(phone.slice(0, -1)));
  $("go-phone").addEventListener("click", openPhone);
  $("phone-back").addEventListener("click", closePhone);
  $("phone-send").addEventListener("click", async () => {
    const status = $("phone-status");
    if (!$("phone-consent").checked) {
      status.className = "notice warn";
      status.textContent = t("phone_need_consent");
      return;
    }
    if (!state.ticket) return;
    $("phone-send").disabled = true;
    try {
      await api("POST", "/api/v1/tickets/" + encodeURIComponent(state.ticket.id) + "/contact", { phone, consent: true });
      setPhone("");
      status.className = "notice ok";
      status.textContent = t("phone_ok");
      $("go-phone").hidden = true;
      setTimeout(() => { if (state.screen === "phone") closePhone(); }, 3000);
    } catch (e) {
      status.className = "notice warn";
      status.textContent = e.code && e.code !== "network" && e.message ? e.message : t("phone_failed");
      $("phone-send").disabled = false;
    }
  });

  // ---- dossier lookup ----
  // The keypad: the agency parts of this center's codes as one key each
  // (settings.code.prefixes), digits, and the letters on a second page.
  // After an agency part and the date's digits (settings.code.date_digits,
  // or date_digits_by_prefix for an agency whose codes have another date
  // group, such as a ministry's yyyyMMdd) the dash comes by itself: a code is the agency key, the date, the
  // sequence and "Tra cứu".
  function renderKeypad() {
    const key = k => el("button", { class: "key", type: "button", "data-key": k, onclick: () => typeKey(k) }, k);
    const prefixes = (state.settings.code && state.settings.code.prefixes) || [];
    $("prefixes").replaceChildren(...prefixes.map(p => el("button", {
      class: "key prefix", type: "button", "data-key": p, "aria-label": t("code_prefix", { p }), onclick: () => typePrefix(p),
    }, p)));
    $("prefixes").hidden = prefixes.length === 0;
    $("keypad").replaceChildren(...["1", "2", "3", "4", "5", "6", "7", "8", "9", ".", "0", "-"].map(key));
    $("letters").replaceChildren(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("").map(key));
  }
  function setCode(code) {
    state.code = code;
    $("code-text").textContent = code;
  }
  function typePrefix(p) { setCode(p); }
  function typeKey(k) {
    if (state.code.length >= 40) return;
    let code = state.code + k;
    const sc = state.settings.code || {};
    const n = p => (sc.date_digits_by_prefix && sc.date_digits_by_prefix[p]) || sc.date_digits || 0;
    const prefixes = sc.prefixes || [];
    if (/\d/.test(k) && prefixes.some(p => n(p) > 0 && code.startsWith(p) && /^\d+$/.test(code.slice(p.length)) && code.length - p.length === n(p))) code += "-";
    setCode(code);
  }
  $("key-back").addEventListener("click", () => setCode(state.code.slice(0, -1)));
  $("key-letters").addEventListener("click", () => {
    const showLetters = $("letters").hidden;
    $("letters").hidden = !showLetters;
    $("keypad").hidden = showLetters;
    $("key-letters").textContent = t(showLetters ? "digits" : "letters");
  });
  $("key-search").addEventListener("click", () => { if (state.code) lookup(state.code); });
  $("go-lookup").addEventListener("click", () => openLookup(true));

  // openLookup opens the lookup screen, with the camera when camera (and
  // the kiosk has one).
  function openLookup(camera) {
    clearLookup();
    $("letters").hidden = true; $("keypad").hidden = false;
    $("key-letters").textContent = t("letters");
    show("lookup");
    if (camera && state.settings.camera) {
      setLookupHint("lookup_hint_camera");
      startCamera("lookup-cam-slot", camWords.lookup, sendLookupFrame);
    }
  }
  function setLookupHint(key) {
    $("lookup-hint").dataset.t = key;
    $("lookup-hint").textContent = t(key);
  }
  // sendLookupFrame looks up what one frame shows (POST /scans/image);
  // the first answer, a dossier or a refusal, ends the camera's work.
  async function sendLookupFrame(blob) {
    const my = lookupSeq;
    let res, failed = null;
    try {
      res = await api("POST", "/api/v1/scans/image", blob);
    } catch (e) {
      if (noCodeYet(e)) return false;
      failed = e;
    }
    if (my !== lookupSeq) return true;
    stopCamera();
    setLookupHint("lookup_hint");
    await answerLookup(++lookupSeq, async () => { if (failed) throw failed; return res; });
    return true;
  }
  // clearLookup forgets the code and the answer: nothing of a citizen's
  // dossier stays in the page once the lookup screen is left.
  function clearLookup() {
    stopCamera();
    setLookupHint("lookup_hint");
    lookupSeq++;
    state.privateLeft = 0;
    setCode("");
    $("lookup-result").replaceChildren();
    $("lookup-countdown").textContent = "";
    $("lookup-done-text").textContent = t("back_home");
  }
  // maskApplicant puts the masked name in place of the full one.
  function maskApplicant() {
    state.privateLeft = 0;
    const dd = $("lookup-result").querySelector("[data-applicant]");
    if (dd) dd.textContent = dd.dataset.masked;
    renderCountdown();
  }
  // shown brings the answer into view: its heading, and "Xong" under it.
  function shown() {
    $("lookup-done-text").textContent = t("lookup_done");
    const h = $("lookup-result").querySelector("h2") || $("lookup-result");
    if (h.getBoundingClientRect().top < 0 || $("lookup-done").getBoundingClientRect().bottom > innerHeight) h.scrollIntoView({ block: "start" });
    renderCountdown();
  }

  const zone = () => state.settings.center && state.settings.center.timezone || undefined;
  function fmtDate(s) {
    if (!s) return "";
    const d = new Date(s);
    return isNaN(d) ? s : motcua.localTime(d, zone(), true);
  }

  // lookup asks for a dossier: a scanned payload (a bare code, our signed
  // receipt QR, a ticket QR) goes to /scans, a typed code to /dossiers.
  let lookupSeq = 0;
  async function lookup(code, scanned) {
    code = code.trim();
    if (state.screen !== "lookup") openLookup(false);
    stopCamera();
    setLookupHint("lookup_hint");
    state.privateLeft = 0;
    setCode(code);
    const my = ++lookupSeq;
    $("lookup-result").replaceChildren(el("div", { class: "notice info" }, t("searching")));
    await answerLookup(my, async () => scanned ? api("POST", "/api/v1/scans", { payload: code })
      : { kind: "dossier", dossier: await api("GET", "/api/v1/dossiers/" + encodeURIComponent(code)) });
  }
  // answerLookup shows what ask answers (a scan's answer: a dossier or a
  // ticket), unless another lookup came since (my).
  async function answerLookup(my, ask) {
    const out = $("lookup-result");
    try {
      const res = await ask();
      if (my !== lookupSeq) return;
      if (res.kind === "ticket" && res.ticket) {
        const tk = await api("GET", "/api/v1/tickets/" + encodeURIComponent(res.ticket));
        if (my !== lookupSeq) return;
        setCode(tk.number);
        out.replaceChildren(el("div", { class: "notice info dossier", "data-ticket": tk.number },
          el("h2", {}, t("your_number") + ": " + tk.number), el("p", { class: "say" }, aheadText(tk))));
        resetIdle(Math.max(state.settings.idle_seconds * 2, 60));
        shown();
        return;
      }
      const d = res.dossier;
      const masked = res.verified && res.applicant_masked || "";
      if (d && d.code) setCode(d.code);
      out.replaceChildren(renderDossier(d, masked));
      if (masked) {
        // The full name, for the citizen holding the receipt only.
        state.privateLeft = PRIVATE_MASK_S;
        resetIdle(PRIVATE_IDLE_S);
      } else {
        resetIdle(Math.max(state.settings.idle_seconds * 2, 60));
      }
      shown();
      return;
    } catch (e) {
      if (my !== lookupSeq) return;
      if (e.code === "id_card") { // the camera saw an ID card, not a receipt
        out.replaceChildren(el("div", { class: "notice warn", role: "alert", "data-error": "id_card" }, t("id_not_receipt")));
        resetIdle(Math.max(state.settings.idle_seconds * 2, 60));
        return;
      }
      // The service's words for what the citizen can act on; a forged
      // receipt reads as one not of this center.
      const code = e.code === "bad_signature" ? "not_our_receipt"
        : ["invalid_code", "not_found", "upstream_unavailable", "not_our_receipt", "rate_limited"].includes(e.code) ? e.code
          : e.status === 404 ? "not_found" : e.status === 503 ? "upstream_unavailable" : "";
      const text = code ? say(code) : t(e.code === "network" ? "err_network" : "err_generic");
      const warn = code === "upstream_unavailable" || e.code === "network";
      out.replaceChildren(el("div", { class: "notice " + (warn ? "warn" : "bad"), role: "alert", "data-error": e.code || String(e.status) }, text));
      if (e.code === "network") setOffline(true);
    }
    resetIdle(Math.max(state.settings.idle_seconds * 2, 60));
  }
  // renderDossier shows a dossier; masked, when given, is the applicant's
  // masked name, put in place of the full one by maskApplicant.
  function renderDossier(d, masked) {
    const say = dict.vi["s" + d.status] ? t("s" + d.status) : (d.status_label || "");
    let due = null;
    const left = words.dueIn(d, zone());
    if (left) due = el("p", { class: "say " + (left.late ? "due-late" : "due-ok") }, t(left.key, { n: left.n }));
    const row = (k, v, attrs) => v ? [el("dt", {}, t(k)), el("dd", attrs || {}, v)] : [];
    const cls = d.status === 9 || d.status === 10 ? "ok" : d.status === 5 || d.status === 6 ? "warn" : d.status === 3 || d.status === 8 || d.overdue ? "bad" : "info";
    return el("div", { class: "dossier notice " + cls, "data-status": String(d.status) },
      el("h2", {}, d.status_label || ""),
      el("p", { class: "say" }, say),
      due,
      el("dl", {},
        row("d_code", d.code), row("d_procedure", d.procedure), row("d_applicant", d.applicant, masked ? { "data-applicant": "", "data-masked": masked } : null),
        row("d_received", fmtDate(d.received_at)), row("d_due", fmtDate(d.due_at)), row("d_unit", d.unit)));
  }

  // A keyboard-wedge scanner types fast and ends with Enter, anywhere on the
  // page; a person typing is much slower.
  const wedge = { buf: "", last: 0, fast: 0 };
  document.addEventListener("keydown", ev => {
    const now = performance.now();
    if (ev.key === "Enter") {
      const code = wedge.buf;
      const isScan = code.length >= 6 && wedge.fast >= code.length - 2;
      wedge.buf = ""; wedge.fast = 0;
      if (isScan) { ev.preventDefault(); scanned(code); }
      return;
    }
    if (ev.key.length !== 1) return;
    if (now - wedge.last > 100) { wedge.buf = ""; wedge.fast = 0; } else wedge.fast++;
    wedge.last = now;
    wedge.buf += ev.key;
  });

  // A serial scanner's codes come from the server.
  function connectScanner(delay = 1000) {
    if (!kioskID) return;
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    // The pairing cookie goes with the handshake: it names the kiosk.
    const ws = new WebSocket(`${proto}//${location.host}/ws/kiosk`);
    ws.onmessage = m => {
      try {
        const f = JSON.parse(m.data);
        if (f.type === "scan" && f.code) scanned(f.code);
      } catch (e) { /* not a frame of ours */ }
    };
    ws.onopen = () => { delay = 1000; if (state.offline) refresh(); };
    // A socket that drops may be the network: ask the service at once.
    ws.onclose = () => { refresh(); setTimeout(() => connectScanner(Math.min(delay * 2, 30000)), delay); };
  }

  // ---- procedures ----
  $("go-procs").addEventListener("click", () => openProcs());
  $("procs-back").addEventListener("click", () => {
    if (!$("proc-detail").hidden) { renderProcs(); screenChanged(); }
    else show("home");
  });
  $("procs-take").addEventListener("click", () => { if (state.procTake) pickField(state.procTake); });
  async function openProcs() {
    show("procs");
    if (!state.procs) {
      try { state.procs = (await api("GET", "/api/v1/procedures")).procedures || []; } catch (e) { state.procs = []; }
    }
    if (!state.procField) state.procField = (state.services[0] || {}).code || "";
    renderProcs();
  }
  function renderProcs() {
    $("proc-detail").hidden = true; $("proc-list").hidden = false; $("proc-tabs").hidden = false;
    $("procs-take").hidden = true; state.procTake = null;
    $("proc-tabs").replaceChildren(...state.services.map(s => el("button", {
      class: "tab", type: "button", role: "tab", "aria-selected": String(s.code === state.procField),
      onclick: () => { state.procField = s.code; renderProcs(); },
    }, s.name)));
    const list = state.procs.filter(p => p.field === state.procField);
    if (!state.procs.length) { $("proc-list").replaceChildren(el("p", { class: "notice info" }, t("p_empty"))); return; }
    if (!list.length) { $("proc-list").replaceChildren(el("p", { class: "notice info" }, t("p_none"))); return; }
    $("proc-list").replaceChildren(...list.map(p => el("button", { class: "proc", type: "button", onclick: () => showProc(p) },
      el("span", {}, p.name), el("span", { class: "go", "aria-hidden": "true" }, "›"))));
  }
  function showProc(p) {
    const field = state.services.find(s => s.code === p.field);
    const usable = field && field.open && !field.full;
    const fact = (k, v) => v ? el("div", { class: "fact" }, el("b", {}, t(k)), v) : null;
    $("proc-detail").replaceChildren(...[
      el("h2", {}, p.name),
      el("div", { class: "proc-docs" }, el("h3", {}, t("p_docs")), el("ol", {}, p.documents.map(d => el("li", {}, d)))),
      el("div", { class: "proc-side" },
        el("div", { class: "facts" }, fact("p_sets", p.sets ? String(p.sets) : ""), fact("p_time", p.processing_time), fact("p_fee", p.fee)),
        p.notes ? [el("h3", {}, t("p_notes")), el("p", {}, p.notes)] : null),
    ]);
    state.procTake = usable && !state.offline ? field : null;
    $("procs-take").hidden = !state.procTake;
    $("procs-take-text").textContent = state.procTake ? t("p_take") + " — " + field.name : "";
    $("proc-detail").hidden = false; $("proc-list").hidden = true; $("proc-tabs").hidden = true;
    window.scrollTo(0, 0);
    screenChanged();
  }

  // ---- language, clock, start ----
  $("lang").addEventListener("click", () => tr.set(tr.lang === "vi" ? "en" : "vi"));
  for (const b of document.querySelectorAll("[data-back]")) b.addEventListener("click", () => show("home"));

  function refreshTexts() {
    if (state.screen === "unpaired") $("unpaired-text").textContent = motcua.messages.text("device_unpaired", tr.lang);
    if (state.screen === "home") renderHome();
    if (state.screen === "ticket" && state.ticket) { renderAhead(state.ticket); renderPriorityTag(state.ticket); setPrint(state.printState); renderCountdown(); }
    if (state.screen === "lookup") {
      renderKeypad();
      $("lookup-done-text").textContent = t($("lookup-result").firstChild ? "lookup_done" : "back_home");
      renderCountdown();
    }
    if (state.screen === "procs" && state.procs) renderProcs();
    if (state.screen === "identity") renderIdentity();
    renderToday();
  }
  function renderToday() {
    $("today").textContent = motcua.localTime(new Date(), zone(), true).replace(", ", " · ");
  }

  // showUnpaired replaces the kiosk by what a technician must do: the
  // browser holds no kiosk's credential, or its pairing token was wrong.
  function showUnpaired(e) {
    // In Vietnamese the server's own words (a wrong pairing token says so).
    $("unpaired-text").textContent = (e && e.code === "device_unpaired" && tr.lang === "vi" && e.message) ||
      motcua.messages.text("device_unpaired", tr.lang);
    for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== "unpaired";
    state.screen = "unpaired";
    document.body.dataset.paired = "0";
  }

  // pairing finds which kiosk this browser is; until it is one, the page
  // shows the unpaired screen and asks again now and then.
  async function pairing() {
    for (;;) {
      try {
        const d = await motcua.device();
        if (d.kiosk) return d.kiosk;
        showUnpaired(null);
      } catch (e) {
        if (e.code !== "network") showUnpaired(e);
      }
      document.body.dataset.ready = "1";
      await new Promise(r => setTimeout(r, 10000));
    }
  }

  // unpaired: the service no longer knows this kiosk (its token was
  // changed): wait to be paired again.
  async function unpaired(e) {
    showUnpaired(e);
    const k = await pairing();
    kioskID = k.id;
    state.settings = k;
    document.body.dataset.paired = "1";
    renderKeypad();
    show("home");
  }

  async function start() {
    tr.apply();
    renderKeypad();
    renderIDKeypad();
    renderPINKeypad();
    renderToday();
    const k = await pairing();
    kioskID = k.id;
    state.settings = k;
    document.body.dataset.paired = "1";
    if (k.center && k.center.name) $("center-name").textContent = k.center.name;
    renderKeypad();
    renderToday();
    await refresh();
    show("home");
    document.body.dataset.ready = "1";
    connectScanner();
    setInterval(tick, 1000);
    setInterval(renderToday, 15000);
    // The fields, the printer and the link, every 5 s on the start screen
    // (every 2 s while the link is down, to say at once that it is back).
    let since = 0;
    setInterval(() => {
      since += 1;
      if (state.screen === "home" && since >= (state.offline ? 2 : 5)) { since = 0; refresh(); }
    }, 1000);
  }
  start();
})();
