package msg

// The messages of the request itself.
const (
	MalformedJSON     ID = "malformed_json"
	MalformedJSONMore ID = "malformed_json.more" // trailing data after the object
	BodyTooLarge      ID = "body_too_large"
	FileTooLarge      ID = "body_too_large.file" // a dossier import
	NotJSON           ID = "unsupported_media_type"
	ImportType        ID = "unsupported_media_type.import"
	UnknownField      ID = "unknown_field" // {field}
	FieldType         ID = "invalid_field" // {field}: wrong JSON type
	RouteNotFound     ID = "not_found.route"
	MethodNotAllowed  ID = "method_not_allowed"
	Internal          ID = "internal"
	// The disk under the database is full, read-only or failing: nothing
	// was done.
	StorageUnavailable ID = "storage_unavailable"
)

// The messages of staff sessions and rights.
const (
	Unauthorized   ID = "unauthorized"
	BadCredentials ID = "bad_credentials"
	Forbidden      ID = "forbidden" // the counter of the path
	SystemOnly     ID = "forbidden.system"
	AdminOnly      ID = "admin_only"
	CrossOrigin    ID = "cross_origin"
	NotYourPrinter ID = "forbidden.printer"
	NotYourField   ID = "forbidden.field"
	MetricsToken   ID = "unauthorized.metrics"
	RevokeWhom     ID = "invalid_field.revoke" // neither or both of username and all
	LoginThrottled ID = "login_throttled"      // {wait}
	LoginBusy      ID = "login_throttled.busy"
)

// The messages of devices (kiosks, rating tablets) proving which they are.
const (
	DeviceUnpaired    ID = "device_unpaired"
	BadPairToken      ID = "device_unpaired.bad_token"
	WrongKiosk        ID = "forbidden.kiosk"  // {kiosk}: the credential's
	WrongTablet       ID = "forbidden.tablet" // {counter}: the credential's
	TicketRateLimited ID = "rate_limited.tickets"
	WrongHost         ID = "forbidden.host" // a Host header that is not the service's
	PairRateLimited   ID = "rate_limited.pairing"
)

// The messages of the queue.
const (
	QueueEmpty          ID = "queue_empty"
	UnknownService      ID = "unknown_service"
	UnknownCounter      ID = "unknown_counter"
	ServiceClosed       ID = "service_closed"
	DailyCapReached     ID = "daily_cap_reached"
	NoCurrentTicket     ID = "no_current_ticket"
	TicketNotFound      ID = "ticket_not_found"
	TicketNotWaiting    ID = "ticket_not_waiting"
	TicketNoShowAt      ID = "ticket_not_waiting.no_show"   // {number} {at}
	TicketDoneAt        ID = "ticket_not_waiting.done"      // {number} {at}
	TicketCancelledAt   ID = "ticket_not_waiting.cancelled" // {number} {at}
	TicketAtCounter     ID = "ticket_not_waiting.called"    // {number} {counter}
	TicketNotToday      ID = "ticket_not_found.today"       // {number}
	TicketNotNoShow     ID = "ticket_not_no_show"
	PrintJobNotFound    ID = "not_found.print_job"
	SameService         ID = "same_service"
	BadState            ID = "bad_state"
	BadRating           ID = "bad_rating"
	MissingService      ID = "missing_service"
	MissingTransferTo   ID = "missing_service.transfer"
	MissingTicket       ID = "missing_ticket"
	UnknownKiosk        ID = "unknown_kiosk"
	NothingToRate       ID = "nothing_to_rate"
	CounterNotOpen      ID = "counter_not_open"
	CounterInUse        ID = "counter_in_use"     // {counter} {user} {since}
	CounterTakenOver    ID = "counter_taken_over" // {counter} {user} {at}
	InvalidDate         ID = "invalid_date"
	InvalidRange        ID = "invalid_range"
	InvalidFormat       ID = "invalid_format"
	DisplayTicketAbsent ID = "not_found.ticket" // the display socket of a phone
)

// The messages of who takes a number (issue 14): the ID card and the caps
// of one person.
const (
	IDRequired     ID = "id_required"
	InvalidID      ID = "invalid_id"
	PersonCapField ID = "person_cap.field" // {numbers} {field} {max} {counters}
	PersonCapDay   ID = "person_cap"       // {numbers} {max}
	// The kiosk's camera: a frame without a card, a field that asks none,
	// a request that is not a frame.
	NoCardInFrame ID = "no_code_found.card"
	IDNotAsked    ID = "id_not_asked"
	NotFrame      ID = "unsupported_media_type.frame"
	// An ID card where a receipt was asked for (the lookup).
	CardNotReceipt ID = "id_card"
	// The same with numbers held at the province's other centers (the hub).
	PersonCapFieldElsewhere ID = "person_cap.field_elsewhere" // {numbers} {field} {max}
	PersonCapDayElsewhere   ID = "person_cap.elsewhere"       // {numbers} {max}
	// Priority numbers: categories and the lobby staff's check.
	PriorityCheck          ID = "priority_check"
	PriorityCheckThrottled ID = "priority_check.throttled" // {wait}
	UnknownCategory        ID = "unknown_category"
	// Online numbers booked at the hub, checked in at the center.
	FieldBookingCode   ID = "invalid_field.booking_code"
	BookingNoKey       ID = "booking_unavailable"
	BookingInvalid     ID = "booking_invalid"
	BookingForged      ID = "booking_invalid.forged"
	BookingOtherCenter ID = "booking_other_center" // {center}
	BookingExpired     ID = "booking_expired"      // {window} {grace}
	BookingDay         ID = "booking_day"          // {day}
	BookingUsed        ID = "booking_used"         // {number} {at}
	BookingCancelled   ID = "booking_cancelled"
)

// The messages of receipts and of the dossier registry.
const (
	NoPrinter           ID = "no_printer"
	UnknownPrinter      ID = "unknown_printer"
	FieldDossierCode    ID = "invalid_field.dossier_code"
	FieldProcedure      ID = "invalid_field.procedure"
	FieldApplicant      ID = "invalid_field.applicant"
	FieldDocuments      ID = "invalid_field.documents"
	FieldDocumentsText  ID = "invalid_field.documents_text"
	FieldTooLong        ID = "invalid_field.too_long" // {field} {max}
	FieldCopies         ID = "invalid_field.copies"
	FieldSets           ID = "invalid_field.sets"
	FieldReceivedAt     ID = "invalid_field.received_at"
	FieldDueAt          ID = "invalid_field.due_at"
	FieldDueBefore      ID = "invalid_field.due_before"
	FieldStatusAt       ID = "invalid_field.at"
	InvalidDossier      ID = "invalid_dossier"
	InvalidImport       ID = "invalid_import"
	InvalidPush         ID = "invalid_push"
	FieldForm           ID = "invalid_field.form"
	FieldItems          ID = "invalid_field.items"
	NoVisit             ID = "no_visit"
	FieldKind           ID = "invalid_field.kind"
	DossierNotFound     ID = "not_found"
	InvalidCode         ID = "invalid_code"
	RateLimited         ID = "rate_limited"
	NotOurReceipt       ID = "not_our_receipt"
	BadSignature        ID = "bad_signature"
	ImageTooLarge       ID = "image_too_large"
	InvalidImage        ID = "invalid_image"
	NoCodeFound         ID = "no_code_found"
	UpstreamUnavailable ID = "upstream_unavailable"
)

// The messages of the display's socket, pages and voice.
const (
	Unavailable   ID = "unavailable"
	UnknownScreen ID = "unknown_screen"
	TokenRequired ID = "token_required"
	BadToken      ID = "bad_token"
	BadSince      ID = "bad_since"
	Stopping      ID = "stopping"
	Starting      ID = "starting"
	BadTicket     ID = "bad_ticket"
	BadCounter    ID = "bad_counter"
	NoVoice       ID = "no_voice"
	VoiceFailed   ID = "no_voice.failed"
)

// The messages of notifications (a phone number given for a ticket).
const (
	ContactPhone   ID = "invalid_field.phone"
	ContactEmail   ID = "invalid_field.email"
	ContactMissing ID = "missing_contact"
	ContactConsent ID = "missing_consent"
	NotifyOff      ID = "notify_off"
)

// TooManyConnections answers a socket over the caps of one address or of
// all (display, kiosk/push).
const TooManyConnections ID = "too_many_connections"

// The messages of the counter hardware's pages (call buttons).
const (
	ButtonAction     ID = "bad_button_action"
	ButtonNotLearned ID = "button_not_learned"
)

var messages = map[ID]Text{
	TooManyConnections: {"Quá nhiều kết nối từ máy này hoặc tới máy chủ. Xin thử lại sau ít phút.",
		"Too many connections from this address or to the server. Try again in a few minutes."},
	MalformedJSON:     {"Dữ liệu gửi lên không phải JSON hợp lệ.", "The request body is not valid JSON."},
	MalformedJSONMore: {"Chỉ gửi một đối tượng JSON.", "Send exactly one JSON object."},
	BodyTooLarge:      {"Dữ liệu gửi lên quá lớn (tối đa 64 KiB).", "The request body is too large (at most 64 KiB)."},
	FileTooLarge:      {"Tệp quá lớn (tối đa 32 MiB).", "The file is too large (at most 32 MiB)."},
	NotJSON:           {"Dữ liệu phải gửi dạng JSON (Content-Type: application/json).", "Send the body as JSON (Content-Type: application/json)."},
	ImportType:        {"Tệp nhập phải là CSV (text/csv) hoặc JSON (application/json).", "An import is CSV (text/csv) or JSON (application/json)."},
	UnknownField:      {"Trường không được hỗ trợ: {field}.", "Unsupported field: {field}."},
	FieldType:         {"Trường \"{field}\" sai kiểu dữ liệu.", "Field \"{field}\" has the wrong type."},
	RouteNotFound:     {"Không có trang hoặc API này.", "No such page or API."},
	MethodNotAllowed:  {"Phương thức không được hỗ trợ.", "Method not allowed."},
	Internal:          {"Hệ thống gặp lỗi, xin thử lại.", "The system had an error, please try again."},
	StorageUnavailable: {"Hệ thống tạm thời không lưu được dữ liệu (bộ nhớ đầy hoặc hỏng), yêu cầu chưa được thực hiện. Xin báo cán bộ kỹ thuật.",
		"The system cannot save data right now (storage full or failing); the request was not done. Please tell the technician."},

	Unauthorized:   {"Cần đăng nhập để làm việc này.", "Please log in to do this."},
	BadCredentials: {"Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."},
	Forbidden:      {"Tài khoản này không được làm việc tại quầy này.", "This account may not work at this counter."},
	SystemOnly:     {"Chỉ hệ thống một cửa hoặc quản trị viên được làm việc này.", "Only the one-stop system or an administrator may do this."},
	AdminOnly:      {"Chỉ quản trị viên được làm việc này (báo cáo, phiên đăng nhập).", "Only administrators may do this (reports, sessions)."},
	LoginThrottled: {"Đăng nhập sai quá nhiều lần. Xin chờ {wait} rồi thử lại.", "Too many failed logins. Please wait {wait} and try again."},
	LoginBusy:      {"Máy chủ đang bận kiểm tra đăng nhập. Xin thử lại sau giây lát.", "The server is busy checking logins. Please try again in a moment."},
	RevokeWhom:     {"Chọn một tài khoản (username) hoặc tất cả (all: true) để đăng xuất.", "Name one account (username) or all (all: true) to log out."},
	MetricsToken:   {"Cần mã truy cập số liệu (security.metrics_token).", "The metrics token (security.metrics_token) is required."},
	NotYourField:   {"Quầy của tài khoản này không phục vụ lĩnh vực của số này.", "This account's counters do not serve this ticket's service."},
	NotYourPrinter: {"Chỉ được in trên máy in của quầy mình.", "Print only on your own counter's printer."},
	CrossOrigin:    {"Yêu cầu không đến từ trang của trung tâm nên bị từ chối. Xin mở lại trang từ địa chỉ của trung tâm.", "The request does not come from the center's own pages and is refused. Open the page from the center's address."},

	DeviceUnpaired: {"Thiết bị chưa được ghép nối với trung tâm. Xin báo cán bộ kỹ thuật: mở trang này một lần với ?pair=MÃ_THIẾT_BỊ (mã của kiosk hoặc của máy đánh giá trong tệp cấu hình).",
		"This device is not paired with the center. Ask the technician to open this page once with ?pair=DEVICE_TOKEN (the kiosk's or the tablet's token in the configuration)."},
	BadPairToken: {"Mã ghép nối không đúng: không có kiosk hay máy đánh giá nào trong cấu hình có mã này.",
		"Wrong pairing token: no kiosk or rating tablet in the configuration has it."},
	WrongKiosk:  {"Thiết bị này là kiosk {kiosk}: không cấp số thay cho kiosk khác.", "This device is kiosk {kiosk}: it cannot issue tickets for another kiosk."},
	WrongTablet: {"Máy đánh giá này thuộc quầy {counter}: không đánh giá thay cho quầy khác.", "This tablet belongs to counter {counter}: it cannot rate another counter."},
	WrongHost:   {"Địa chỉ truy cập không phải của trung tâm này.", "This is not an address of this center."},
	PairRateLimited: {"Đã thử ghép nối quá nhiều lần. Xin chờ một phút rồi thử lại.",
		"Too many pairing attempts. Please wait a minute and try again."},
	TicketRateLimited: {"Vừa có nhiều số được lấy liền nhau. Xin chờ vài giây rồi lấy số lại.",
		"Many numbers were just taken in a row. Please wait a few seconds and take your number again."},

	QueueEmpty:       {"Không còn ai đang chờ.", "Nobody is waiting."},
	UnknownService:   {"Lĩnh vực này không có ở trung tâm.", "This center has no such service."},
	UnknownCounter:   {"Không có quầy này.", "No such counter."},
	ServiceClosed:    {"Lĩnh vực này hiện ngoài giờ tiếp nhận.", "This service is closed now."},
	DailyCapReached:  {"Lĩnh vực này đã hết số hôm nay.", "No more numbers today for this service."},
	NoCurrentTicket:  {"Quầy chưa gọi số nào.", "The counter has not called a number."},
	TicketNotFound:   {"Không tìm thấy số thứ tự này.", "No such ticket."},
	TicketNotWaiting: {"Số này không còn trong hàng chờ.", "This ticket is no longer waiting."},
	TicketNoShowAt: {"Số {number} đã bỏ lượt lúc {at} (ghi vắng mặt). Nếu công dân đã quay lại, bấm “Đưa lại hàng chờ”.",
		"{number} lost its turn at {at} (marked absent). If the citizen is back, press “Back to the queue”."},
	TicketDoneAt:      {"Số {number} đã được phục vụ xong lúc {at}.", "{number} was served and completed at {at}."},
	TicketCancelledAt: {"Số {number} đã bị hủy lúc {at}.", "{number} was cancelled at {at}."},
	TicketAtCounter:   {"Số {number} đang ở {counter}.", "{number} is at {counter}."},
	TicketNotToday:    {"Không có số {number} hôm nay.", "There is no number {number} today."},
	TicketNotNoShow:   {"Số này không bị ghi vắng mặt nên không đưa lại hàng chờ được.", "This ticket was not marked absent: there is nothing to put back."},
	PrintJobNotFound:  {"Không có lệnh in này.", "No such print job."},
	SameService:       {"Số này đã ở lĩnh vực đó.", "This ticket is already in that service."},
	BadState:          {"Không thể làm việc này ở trạng thái hiện tại của số.", "Not possible in the ticket's present state."},
	BadRating:         {"Mức đánh giá phải là 1, 2 hoặc 3.", "The rating must be 1, 2 or 3."},
	MissingService:    {"Chưa chọn lĩnh vực.", "No service chosen."},
	MissingTransferTo: {"Chưa chọn lĩnh vực chuyển đến.", "No service chosen to transfer to."},
	MissingTicket:     {"Chưa nhập số cần gọi.", "Type the number to call."},
	UnknownKiosk:      {"Không có kiosk này trong cấu hình.", "No such kiosk in the configuration."},
	NothingToRate:     {"Quầy chưa phục vụ xong lượt nào để đánh giá.", "The counter has not finished serving anyone to rate."},
	CounterNotOpen:    {"Máy này chưa mở quầy: xin chọn lại quầy.", "This console has not opened the counter: choose the counter again."},
	CounterInUse: {"Quầy {counter} đang được mở ở máy khác (tài khoản {user}, từ {since}).",
		"Counter {counter} is open on another console (account {user}, since {since})."},
	CounterTakenOver: {"Quầy {counter} đã được tài khoản {user} tiếp quản lúc {at}. Máy này không còn giữ quầy.",
		"Counter {counter} was taken over by account {user} at {at}. This console no longer holds it."},
	InvalidDate:         {"Ngày phải có dạng YYYY-MM-DD, ví dụ 2026-11-21.", "Dates look like YYYY-MM-DD, e.g. 2026-11-21."},
	InvalidRange:        {"Khoảng ngày không hợp lệ (từ ngày phải trước đến ngày, tối đa 366 ngày).", "The range of days is not valid (from before to, at most 366 days)."},
	InvalidFormat:       {"Định dạng là json hoặc csv.", "The format is json or csv."},
	DisplayTicketAbsent: {"Không tìm thấy số thứ tự.", "No such ticket."},

	NoPrinter:          {"Chưa chọn máy in cho biên nhận (quầy này chưa có máy in).", "No printer chosen for the receipt (this counter has none)."},
	UnknownPrinter:     {"Không có máy in này.", "No such printer."},
	FieldDossierCode:   {"dossier_code: mã hồ sơ không đúng định dạng.", "dossier_code: the dossier code is not in the right format."},
	FieldProcedure:     {"procedure: cần tên thủ tục.", "procedure: the procedure's name is required."},
	FieldApplicant:     {"applicant.name: cần tên người nộp hồ sơ.", "applicant.name: the applicant's name is required."},
	FieldDocuments:     {"documents: tối đa 30 thành phần hồ sơ.", "documents: at most 30 documents."},
	FieldDocumentsText: {"documents: các thành phần hồ sơ cộng lại tối đa 3000 ký tự.", "documents: at most 3000 characters in all."},
	FieldTooLong:       {"{field}: tối đa {max} ký tự.", "{field}: at most {max} characters."},
	FieldCopies:        {"copies: in 1 hoặc 2 liên.", "copies: print 1 or 2 copies."},
	FieldSets:          {"sets: số bộ hoặc số ngày không hợp lệ.", "sets: the number of sets or of days is not valid."},
	FieldReceivedAt:    {"received_at: thời gian theo RFC 3339, ví dụ 2026-11-21T08:30:00+07:00.", "received_at: a time in RFC 3339, e.g. 2026-11-21T08:30:00+07:00."},
	FieldDueAt:         {"due_at: thời gian theo RFC 3339, ví dụ 2026-12-05T16:00:00+07:00.", "due_at: a time in RFC 3339, e.g. 2026-12-05T16:00:00+07:00."},
	FieldDueBefore:     {"due_at: ngày hẹn trả trước ngày tiếp nhận.", "due_at: the due date is before the date received."},
	FieldStatusAt:      {"Thời điểm \"at\" phải theo RFC 3339, ví dụ 2026-11-21T08:30:00+07:00.", "\"at\" must be a time in RFC 3339, e.g. 2026-11-21T08:30:00+07:00."},
	InvalidDossier:     {"Dữ liệu hồ sơ không hợp lệ.", "The dossier's data is not valid."},
	InvalidImport:      {"Tệp có dòng không hợp lệ; chưa ghi gì.", "The file has invalid lines; nothing was written."},
	InvalidPush:        {"Có hồ sơ không hợp lệ; chưa nhận hồ sơ nào.", "Some dossiers are not valid; none was taken."},
	FieldForm:          {"form: 02 (phiếu yêu cầu bổ sung) hoặc 03 (phiếu từ chối tiếp nhận).", "form: 02 (supplement request) or 03 (refusal)."},
	NoVisit:            {"Quầy không có lượt nào đang phục vụ hoặc vừa phục vụ xong.", "The counter is serving no one and finished no one recently."},
	FieldKind:          {"kind: handed_in (nộp hồ sơ) hoặc collected (nhận kết quả).", "kind: handed_in or collected."},
	FieldItems:         {"items: cần từ 1 đến 30 nội dung, mỗi nội dung tối đa 200 ký tự.", "items: 1 to 30 entries of at most 200 characters each."},
	DossierNotFound: {"Không tìm thấy hồ sơ có mã này. Xin kiểm tra lại mã trên giấy hẹn, hoặc hỏi cán bộ tại quầy.",
		"No dossier with this code. Please check the code on your receipt or ask at a counter."},
	InvalidCode: {"Mã hồ sơ chưa đúng. Mã có dạng 000.00.14.H56-200203-0118, in dưới mã vạch trên giấy hẹn.",
		"This code is not right. A code looks like 000.00.14.H56-200203-0118, printed under the barcode."},
	RateLimited: {"Bạn vừa tra cứu nhiều lần. Xin chờ một chút rồi thử lại.", "Too many searches. Please wait a moment and try again."},
	NotOurReceipt: {"Mã vừa quét không phải giấy hẹn của trung tâm này. Xin quét mã vạch trên giấy hẹn trả kết quả.",
		"This is not a receipt of this center. Please scan the barcode of your receipt."},
	BadSignature: {"Mã QR không hợp lệ hoặc đã bị sửa.",
		"The QR code is not valid or has been altered."},
	ImageTooLarge: {"Ảnh quá lớn.", "The image is too large."},
	InvalidImage:  {"Ảnh không đọc được (cần ảnh PNG hoặc JPEG).", "The image cannot be read (a PNG or JPEG image is needed)."},
	NoCodeFound: {"Không thấy mã vạch hoặc mã QR trong ảnh. Vui lòng đưa biên nhận lại gần camera.",
		"No barcode or QR code in the image. Please hold the receipt closer to the camera."},
	UpstreamUnavailable: {"Hệ thống tra cứu đang tạm thời không trả lời. Xin thử lại sau ít phút hoặc hỏi cán bộ tại quầy.",
		"The lookup system does not answer right now. Please try again in a few minutes or ask at a counter."},

	Unavailable:   {"Máy chủ đang bận, vui lòng thử lại.", "The server is busy, please try again."},
	UnknownScreen: {"Màn hình chưa được khai báo.", "This screen is not configured."},
	TokenRequired: {"Màn hình này cần mã truy cập.", "This screen needs an access token."},
	BadToken:      {"Mã truy cập không đúng.", "Wrong access token."},
	BadSince:      {"Tham số since không hợp lệ.", "The since parameter is not valid."},
	Stopping:      {"Máy chủ đang dừng.", "The server is stopping."},
	Starting:      {"Máy chủ đang khởi động.", "The server is starting."},
	BadTicket:     {"Số thứ tự không hợp lệ.", "Not a valid ticket number."},
	BadCounter:    {"Quầy không tồn tại.", "No such counter."},
	NoVoice:       {"Máy chủ không có giọng đọc.", "The server has no voice."},
	VoiceFailed:   {"Máy chủ không đọc được số này.", "The server could not speak this number."},

	IDRequired: {"Lĩnh vực này cần biết ai lấy số: xin quét mã QR trên thẻ căn cước (CCCD) hoặc bấm số định danh cá nhân 12 chữ số.",
		"This service needs to know who takes the number: scan the QR code of your citizen ID card (CCCD) or type its 12-digit number."},
	InvalidID: {"Đây không phải số định danh trên thẻ căn cước (12 chữ số). Xin quét mã QR ở mặt trước thẻ hoặc bấm lại số.",
		"This is not the number of a citizen ID card (12 digits). Please scan the QR code on the front of the card or type the number again."},
	CardNotReceipt: {"Đây là thẻ căn cước, không phải giấy hẹn. Xin quét mã vạch trên giấy hẹn trả kết quả.",
		"This is an ID card, not a receipt. Please scan the barcode of your receipt."},
	NoCardInFrame: {"Chưa thấy mã QR của thẻ căn cước trong khung. Xin giữ yên mặt thẻ có mã QR trong khung, cách camera khoảng một gang tay.",
		"No ID card QR code in the frame yet. Please hold the side of the card with its QR code still in the frame, about a hand's width from the camera."},
	IDNotAsked: {"Lĩnh vực này không cần thẻ căn cước: xin chạm «Lấy số» trên màn hình.",
		"This service does not need the ID card: please touch «Take a number» on the screen."},
	NotFrame: {"Ảnh camera phải gửi dạng multipart/form-data: phần ticket (JSON) và phần frame (ảnh PNG hoặc JPEG).",
		"Send the camera frame as multipart/form-data: a ticket part (JSON) and a frame part (a PNG or JPEG image)."},
	PersonCapField: {"Bạn đã có số {numbers} của lĩnh vực {field} hôm nay: mỗi người được lấy tối đa {max} số cho một lĩnh vực mỗi ngày. Xin chờ gọi số {numbers} tại {counters}.",
		"You already have {numbers} for {field} today: each person may take at most {max} per service a day. Please wait for {numbers} to be called at {counters}."},
	PersonCapDay: {"Bạn đã lấy đủ {max} số hôm nay ({numbers}): mỗi người được lấy tối đa {max} số mỗi ngày, ở mọi lĩnh vực. Xin chờ gọi các số đó; nếu cần làm thêm việc khác, xin hỏi cán bộ hướng dẫn tại sảnh.",
		"You have taken {max} numbers today ({numbers}): each person may take at most {max} a day, in all services. Please wait for them to be called; for anything more, ask the help desk in the lobby."},
	PersonCapFieldElsewhere: {"Bạn đã có {numbers} hôm nay, ở lĩnh vực {field}: mỗi người được lấy tối đa {max} số cho một lĩnh vực mỗi ngày, ở mọi trung tâm trong tỉnh. Xin chờ gọi số tại nơi đã lấy số.",
		"You already have {numbers} today, for {field}: each person may take at most {max} per service a day, at any center of the province. Please wait for your number to be called where you took it."},
	PersonCapDayElsewhere: {"Bạn đã có đủ {max} số hôm nay: {numbers}. Mỗi người được lấy tối đa {max} số mỗi ngày, ở mọi lĩnh vực và mọi trung tâm trong tỉnh. Xin chờ gọi số tại nơi đã lấy số; nếu cần làm thêm việc khác, xin hỏi cán bộ hướng dẫn tại sảnh.",
		"You already have {max} numbers today: {numbers}. Each person may take at most {max} a day, in all services and at all centers of the province. Please wait to be called where you took them; for anything more, ask the help desk in the lobby."},
	PriorityCheck: {"Số ưu tiên cần cán bộ hướng dẫn tại sảnh xác nhận: xin mời cán bộ nhập mã xác nhận trên kiosk.",
		"A priority number needs the lobby staff's confirmation: please ask a staff member to type their code on the kiosk."},
	UnknownCategory:  {"Trung tâm không có loại ưu tiên này.", "This center has no such priority category."},
	FieldBookingCode: {"Chưa có mã đặt số: xin quét mã QR của số hẹn.", "No booking code: please scan the QR code of the booking."},
	BookingNoKey: {"Trung tâm chưa nhận được khóa của hệ thống tỉnh để kiểm tra số hẹn trực tuyến. Xin hỏi cán bộ hướng dẫn tại sảnh.",
		"The center has not yet received the province hub's key to check online bookings. Please ask the help desk in the lobby."},
	BookingInvalid: {"Đây không phải mã số hẹn trực tuyến, hoặc mã đọc chưa đủ. Xin quét lại mã QR trên điện thoại hoặc giấy hẹn.",
		"This is not the code of an online booking, or it was not read whole. Please scan the QR code on your phone or slip again."},
	BookingForged: {"Mã số hẹn này không do hệ thống đặt số của tỉnh cấp nên không được nhận. Xin hỏi cán bộ hướng dẫn tại sảnh.",
		"This booking code was not issued by the province's booking system and cannot be accepted. Please ask the help desk in the lobby."},
	BookingOtherCenter: {"Số hẹn này đặt tại trung tâm khác ({center}), không dùng được ở đây. Xin đến đúng trung tâm đã đặt, hoặc lấy số tại kiosk.",
		"This booking is for another center ({center}) and cannot be used here. Please go to the center you booked, or take a number at the kiosk."},
	BookingExpired: {"Số hẹn này đã hết hạn: khung giờ {window} đã qua hơn {grace} phút. Xin lấy số mới tại kiosk.",
		"This booking has expired: its window {window} ended more than {grace} minutes ago. Please take a new number at the kiosk."},
	BookingDay: {"Số hẹn này dành cho ngày {day}, không phải hôm nay. Xin quay lại đúng ngày đã đặt.",
		"This booking is for {day}, not today. Please come back on the day you booked."},
	BookingCancelled: {"Số hẹn này đã được hủy nên không dùng được nữa. Xin lấy số mới tại kiosk.",
		"This booking was cancelled and can no longer be used. Please take a new number at the kiosk."},
	BookingUsed: {"Số hẹn này đã được dùng để lấy số {number} lúc {at}. Mỗi số hẹn chỉ dùng được một lần: xin chờ gọi số {number}.",
		"This booking was already used for number {number} at {at}. A booking is used once: please wait for {number} to be called."},
	PriorityCheckThrottled: {"Mã xác nhận số ưu tiên đã bị nhập sai nhiều lần. Xin chờ {wait} rồi thử lại, hoặc hỏi cán bộ hướng dẫn tại sảnh.",
		"The priority confirmation code was mistyped too often. Please wait {wait} and try again, or ask the staff in the lobby."},
	ButtonAction:     {"Nút chỉ làm được: gọi số tiếp theo, gọi lại, vắng mặt hoặc xong.", "A button does one of: next, recall, no-show, complete."},
	ButtonNotLearned: {"Chưa học mã nút này.", "This button code has not been learned."},
	ContactPhone:     {"Số điện thoại không đúng: nhập số di động 10 chữ số, ví dụ 0912 345 678.", "Not a Vietnamese mobile number: type 10 digits, e.g. 0912 345 678."},
	ContactEmail:     {"Địa chỉ thư điện tử không đúng.", "Not an e-mail address."},
	ContactMissing:   {"Chưa nhập số điện thoại hoặc địa chỉ thư điện tử.", "Type a phone number or an e-mail address."},
	ContactConsent:   {"Cần đồng ý nhận tin nhắn trước khi gửi số điện thoại.", "Agree to receive messages before giving the number."},
	NotifyOff:        {"Trung tâm không gửi tin nhắn cho lĩnh vực này.", "The center sends no messages for this service."},
}
