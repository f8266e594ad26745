// The citizen's booking page: choose a center, field, day and window, say
// who books (ID number, phone confirmed by a code), get the QR code.
"use strict";
(() => {
  const $ = id => document.getElementById(id);
  let centers = [];
  let request = "";
  let codePhone = ""; // the phone the code went to: the one messages may go to
  let booked = null;

  async function api(method, path, body) {
    let res;
    try {
      res = await fetch(path, { method, headers: body ? { "Content-Type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
    } catch (e) {
      throw { code: "network", message: "Không kết nối được hệ thống đặt số. Xin kiểm tra mạng và thử lại." };
    }
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw (data && data.error) || { code: "internal", message: "Hệ thống đặt số đang gặp sự cố." };
    return data;
  }
  function option(value, text) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }
  const weekdays = ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"];
  function dayLabel(day) {
    const [y, m, d] = day.split("-").map(Number);
    const wd = weekdays[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
    return `${wd}, ${String(d).padStart(2, "0")}/${String(m).padStart(2, "0")}/${y}`;
  }
  function addMinutes(hhmm, n) {
    const [h, m] = hhmm.split(":").map(Number);
    const t = h * 60 + m + n;
    return `${String(Math.floor(t / 60) % 24).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
  }
  const center = () => centers.find(c => c.id === $("center").value);
  const field = () => (center() || { fields: [] }).fields.find(f => f.code === $("field").value);
  const day = () => (field() || { days: [] }).days.find(d => d.day === $("day").value);

  function fillCenters() {
    $("center").replaceChildren(...centers.map(c => option(c.id, c.name)));
    fillFields();
  }
  function fillFields() {
    const c = center();
    // Messages are offered only where the hub sends them; off by default.
    $("messages").hidden = !(c && c.messages);
    if ($("messages").hidden) $("notify").checked = false;
    $("field").replaceChildren(...(c ? c.fields : []).map(f => option(f.code, f.name)));
    fillDays();
  }
  function fillDays() {
    const f = field();
    $("day").replaceChildren(...(f ? f.days : []).map(d => option(d.day, dayLabel(d.day))));
    fillWindows();
  }
  function fillWindows() {
    const d = day();
    $("left").textContent = d ? (d.left > 0 ? `Còn ${d.left} số đặt trực tuyến trong ngày này.` : "Ngày này đã hết số đặt trực tuyến.") : "";
    $("window").replaceChildren(...(d && d.left > 0 ? d.windows : []).map(w => option(w, `${w} – ${addMinutes(w, d.window_minutes)}`)));
  }
  $("center").addEventListener("change", fillFields);
  $("field").addEventListener("change", fillDays);
  $("day").addEventListener("change", fillWindows);

  function say(msg) { $("status").textContent = msg; }
  function fail(e) {
    $("error").textContent = e.message || "Có lỗi xảy ra.";
    $("error").hidden = false;
  }
  function clearError() { $("error").hidden = true; $("error").textContent = ""; }

  $("send").addEventListener("click", async () => {
    clearError();
    $("send").disabled = true;
    try {
      const r = await api("POST", "/api/v1/online/codes", { phone: $("phone").value, id_number: $("id-number").value });
      request = r.request;
      codePhone = $("phone").value;
      $("confirm").hidden = false;
      say(`Đã gửi mã xác nhận đến ${$("phone").value}. Mã có hiệu lực ${Math.round(r.expires_in_s / 60)} phút.`);
      $("code").focus();
    } catch (e) {
      fail(e);
    } finally {
      $("send").disabled = false;
    }
  });

  $("choose").addEventListener("submit", async ev => {
    ev.preventDefault();
    clearError();
    if (!request) { fail({ message: "Xin bấm “Gửi mã xác nhận” trước." }); return; }
    $("book").disabled = true;
    try {
      booked = await api("POST", "/api/v1/online/bookings", {
        center: $("center").value, field: $("field").value, day: $("day").value, from: $("window").value,
        id_number: $("id-number").value, request, code: $("code").value,
        ...($("notify").checked ? { notify: true, phone: codePhone } : {}),
      });
      showBooked();
    } catch (e) {
      fail(e);
    } finally {
      $("book").disabled = false;
    }
  });

  function showBooked() {
    // The SVG is drawn by the hub from the booking's code; without it the
    // code's digits are shown, which the counter can type.
    if (booked.qr_svg) $("qr").innerHTML = booked.qr_svg;
    else $("qr").textContent = booked.code;
    $("b-center").textContent = booked.center_name;
    $("b-field").textContent = booked.field_name;
    $("b-day").textContent = dayLabel(booked.day);
    $("b-window").textContent = `${booked.from} – ${booked.to}`;
    $("b-notify").hidden = !booked.notify;
    $("b-notify").textContent = booked.reminder
      ? "Bạn sẽ nhận tin nhắn nhắc lịch trước khung giờ, và tin nhắn khi sắp đến lượt, khi được gọi."
      : "Bạn sẽ nhận tin nhắn khi sắp đến lượt và khi được gọi.";
    $("id-number").value = "";
    $("phone").value = "";
    codePhone = "";
    say(""); // it named the phone the code went to
    $("choose").hidden = true;
    $("booked").hidden = false;
    $("booked-title").focus();
  }

  $("cancel").addEventListener("click", async () => {
    if (!booked) return;
    // A second tap confirms: a slip of the thumb cancels nothing.
    if (!$("cancel").dataset.armed) {
      $("cancel").dataset.armed = "1";
      $("cancel").textContent = "Bấm lần nữa để hủy số hẹn";
      return;
    }
    try {
      await api("POST", `/api/v1/online/bookings/${encodeURIComponent(booked.id)}/cancel`, { code: booked.code });
      $("qr").replaceChildren();
      $("cancel").hidden = true;
      $("booked-title").textContent = "Số hẹn đã được hủy";
      $("cancelled").textContent = "Đã hủy số hẹn. Bạn có thể đặt lại khung giờ khác.";
    } catch (e) {
      $("cancelled").textContent = e.message;
    }
  });

  (async () => {
    try {
      centers = await api("GET", "/api/v1/online/centers");
      if (!centers.length) { fail({ message: "Hiện chưa có trung tâm nào nhận đặt số trực tuyến." }); return; }
      fillCenters();
    } catch (e) {
      fail(e);
    } finally {
      document.body.dataset.ready = "1";
    }
  })();
})();
