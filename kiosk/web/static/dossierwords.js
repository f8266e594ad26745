// The words a citizen reads about a dossier, shared by the kiosk's lookup
// and the receipt page a phone opens (/h/{code}): what each national status
// means in plain words, the national labels (for the history), and how far
// the due date is. Loaded after common.js; adds motcua.dossierWords.
"use strict";
motcua.dossierWords = (() => {
  const vi = {
    d_procedure: "Thủ tục", d_applicant: "Người nộp", d_received: "Ngày nhận", d_due: "Hẹn trả",
    d_unit: "Đơn vị xử lý", d_code: "Mã hồ sơ",
    due_left: "Còn {n} ngày đến hạn trả kết quả.", due_today: "Hôm nay là ngày hẹn trả kết quả.",
    due_late: "Đã quá hạn trả kết quả {n} ngày. Xin hỏi cán bộ tại quầy để được giải thích.",
    due_late_short: "Trễ hạn", on_time: "Đúng hạn",
    s1: "Hồ sơ vừa được đăng ký, chưa được tiếp nhận.",
    s2: "Hồ sơ đã được tiếp nhận, đang chờ chuyển đi xử lý.",
    s3: "Hồ sơ không được tiếp nhận. Xin hỏi cán bộ tại quầy để biết lý do.",
    s4: "Hồ sơ đang được xử lý. Bạn chưa cần làm gì thêm.",
    s5: "Cần bổ sung giấy tờ. Xin mang giấy tờ còn thiếu đến quầy tiếp nhận.",
    s6: "Cần nộp phí, lệ phí hoặc thuế trước khi nhận kết quả.",
    s7: "Hồ sơ đã được rút theo yêu cầu của người nộp.",
    s8: "Hồ sơ đã dừng xử lý. Xin hỏi cán bộ tại quầy.",
    s9: "Đã có kết quả. Mời bạn đến quầy trả kết quả, nhớ mang theo giấy hẹn.",
    s10: "Đã trả kết quả.",
    // The national labels (kiosk/dossier Status.Label), for the history.
    l1: "Mới đăng ký", l2: "Được tiếp nhận", l3: "Không được tiếp nhận", l4: "Đang xử lý",
    l5: "Yêu cầu bổ sung giấy tờ", l6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    l7: "Công dân yêu cầu rút hồ sơ", l8: "Dừng xử lý", l9: "Đã xử lý xong", l10: "Đã trả kết quả",
  };
  const en = {
    d_procedure: "Procedure", d_applicant: "Applicant", d_received: "Received", d_due: "Result due",
    d_unit: "Handled by", d_code: "Dossier code",
    due_left: "{n} days until the result is due.", due_today: "The result is due today.",
    due_late: "The result is {n} days late. Please ask at a counter for an explanation.",
    due_late_short: "Late", on_time: "On time",
    s1: "The dossier is registered but not received yet.",
    s2: "The dossier was received and waits to be processed.",
    s3: "The dossier was not accepted. Please ask at a counter why.",
    s4: "The dossier is being processed. You need to do nothing now.",
    s5: "Documents are missing. Please bring them to the reception counter.",
    s6: "A fee or tax must be paid before the result is given.",
    s7: "The dossier was withdrawn at the applicant's request.",
    s8: "Processing was stopped. Please ask at a counter.",
    s9: "The result is ready. Please come to the result counter with your receipt.",
    s10: "The result was handed over.",
    l1: "Registered", l2: "Received", l3: "Not accepted", l4: "Being processed",
    l5: "Documents requested", l6: "Payment requested", l7: "Withdrawn by the applicant",
    l8: "Processing stopped", l9: "Result ready", l10: "Result handed over",
  };

  // dueIn says how the due date stands, counted in whole days of the
  // center's zone: {key, n, late} with key due_left, due_today or due_late;
  // null when no deadline applies (finished, refused, withdrawn, stopped,
  // or no due date).
  function dueIn(d, zone) {
    if (!d.due_at || [3, 7, 8, 9, 10].includes(d.status)) return null;
    const day = x => {
      const [dd, mm, yy] = motcua.localTime(x, zone, true).split(", ")[1].split("/");
      return Date.UTC(+yy, +mm - 1, +dd);
    };
    const days = Math.round((day(new Date(d.due_at)) - day(new Date())) / 86400000);
    if (d.overdue || days < 0) return { key: "due_late", n: Math.max(-days, 1), late: true };
    if (days === 0) return { key: "due_today", n: 0, late: false };
    return { key: "due_left", n: days, late: false };
  }

  return { vi, en, dueIn };
})();
