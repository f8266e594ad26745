package layout

import (
	"fmt"
	"strings"
)

// The lines a form-01 receipt can carry, in ReceiptLine.Field.
const (
	FieldApplicant      = "applicant"       // Tiếp nhận hồ sơ của
	FieldIDNumber       = "id_number"       // Số CCCD/MST
	FieldAddress        = "address"         // Địa chỉ
	FieldPhone          = "phone"           // Số điện thoại
	FieldEmail          = "email"           // Email
	FieldProcedure      = "procedure"       // Nội dung yêu cầu giải quyết
	FieldDocuments      = "documents"       // Thành phần hồ sơ nộp gồm (a list or a table)
	FieldSets           = "sets"            // Số lượng hồ sơ
	FieldProcessingTime = "processing_time" // Thời gian giải quyết theo quy định
	FieldReceivedAt     = "received_at"     // Thời gian nhận hồ sơ
	FieldDueAt          = "due_at"          // Thời gian trả kết quả
	FieldReturnPlace    = "return_place"    // Đăng ký nhận kết quả tại
	FieldFee            = "fee"             // Phí, lệ phí
)

// fieldLabels are the default labels of the lines.
func fieldLabels() map[string]string {
	return map[string]string{
		FieldApplicant: "Tiếp nhận hồ sơ của: ", FieldIDNumber: "Số CCCD/MST: ", FieldAddress: "Địa chỉ: ",
		FieldPhone: "Số điện thoại: ", FieldEmail: "Email: ", FieldProcedure: "Nội dung yêu cầu giải quyết: ",
		FieldDocuments: "Thành phần hồ sơ nộp gồm:", FieldSets: "Số lượng hồ sơ: ",
		FieldProcessingTime: "Thời gian giải quyết theo quy định: ", FieldReceivedAt: "Thời gian nhận hồ sơ: ",
		FieldDueAt: "Thời gian trả kết quả: ", FieldReturnPlace: "Đăng ký nhận kết quả tại: ", FieldFee: "Phí, lệ phí: ",
	}
}

// ReceiptLine is one line of a receipt's body.
type ReceiptLine struct {
	Field string `json:"field" yaml:"field"`
	// Label replaces the line's default label ("Số CCCD/MST: ").
	Label string `json:"label,omitempty" yaml:"label"`
	// Numbered lines are numbered 1., 2., … in their order.
	Numbered bool `json:"numbered,omitempty" yaml:"numbered"`
	// OmitEmpty leaves the line out when its value is empty.
	OmitEmpty bool `json:"omit_empty,omitempty" yaml:"omit_empty"`
}

// Ways of printing the documents.
const (
	DocumentsList  = "list"  // 1) name, one a line
	DocumentsTable = "table" // STT, tên giấy tờ, loại (bản chính/bản sao), số lượng
)

// ReceiptLayout is what a center's form 01 prints and in which order.
type ReceiptLayout struct {
	// Heading are the lines above the national motto, bold and centred;
	// "{agency}" is the agency in capitals, "{office}" the office.
	Heading []string `json:"heading,omitempty" yaml:"heading"`
	// Lines are the body's lines in order.
	Lines []ReceiptLine `json:"lines,omitempty" yaml:"lines"`
	// Documents is DocumentsList or DocumentsTable.
	Documents string `json:"documents,omitempty" yaml:"documents"`
}

// The receipt layouts built in.
const (
	LayoutDefault = "default"      // the layout printed so far
	LayoutCommune = "commune-2025" // the post-reform commune layout (Thông tư 03/2025/TT-VPCP)
)

// DefaultReceiptLayout is the layout receipts have been printed with:
// the applicant's lines, 1.–6. numbered, the fee only when there is one.
func DefaultReceiptLayout() ReceiptLayout {
	return ReceiptLayout{
		Heading: []string{"{agency}", "{office}"},
		Lines: []ReceiptLine{
			{Field: FieldApplicant}, {Field: FieldAddress}, {Field: FieldPhone}, {Field: FieldEmail}, {Field: FieldProcedure},
			{Field: FieldDocuments, Numbered: true}, {Field: FieldSets, Numbered: true}, {Field: FieldProcessingTime, Numbered: true},
			{Field: FieldReceivedAt, Numbered: true}, {Field: FieldDueAt, Numbered: true}, {Field: FieldReturnPlace, Numbered: true},
			{Field: FieldFee, OmitEmpty: true},
		},
		Documents: DocumentsList,
	}
}

// CommuneReceiptLayout is the post-reform commune layout of form 01: the
// applicant's CCCD/MST, the documents as a table, and "7. Phí, lệ phí
// (nếu có)" always printed.
func CommuneReceiptLayout() ReceiptLayout {
	l := DefaultReceiptLayout()
	l.Lines = []ReceiptLine{
		{Field: FieldApplicant}, {Field: FieldIDNumber}, {Field: FieldAddress}, {Field: FieldPhone}, {Field: FieldEmail},
		{Field: FieldProcedure},
		{Field: FieldDocuments, Numbered: true}, {Field: FieldSets, Numbered: true},
		{Field: FieldProcessingTime, Numbered: true, Label: "Thời gian giải quyết hồ sơ theo quy định: "},
		{Field: FieldReceivedAt, Numbered: true}, {Field: FieldDueAt, Numbered: true, Label: "Thời gian trả kết quả giải quyết hồ sơ: "},
		{Field: FieldReturnPlace, Numbered: true}, {Field: FieldFee, Numbered: true, Label: "Phí, lệ phí (nếu có): "},
	}
	l.Documents = DocumentsTable
	return l
}

// NamedReceiptLayout returns a built-in layout by name ("" is the default).
func NamedReceiptLayout(name string) (ReceiptLayout, error) {
	switch name {
	case "", LayoutDefault:
		return DefaultReceiptLayout(), nil
	case LayoutCommune:
		return CommuneReceiptLayout(), nil
	}
	return ReceiptLayout{}, fmt.Errorf("layout: receipt layout %q: use %s or %s", name, LayoutDefault, LayoutCommune)
}

// Check reports a layout a receipt cannot be printed with: an unknown or
// repeated field, no lines, an unknown documents style, too many heading
// lines or too long a text.
func (l ReceiptLayout) Check() error {
	if len(l.Lines) == 0 {
		return fmt.Errorf("layout: receipt layout has no lines")
	}
	if len(l.Heading) > 6 {
		return fmt.Errorf("layout: receipt layout: %d heading lines (at most 6)", len(l.Heading))
	}
	for _, h := range l.Heading {
		if len([]rune(h)) > 120 {
			return fmt.Errorf("layout: receipt layout: heading line longer than 120 characters")
		}
	}
	labels := fieldLabels()
	seen := map[string]bool{}
	for i, ln := range l.Lines {
		if _, ok := labels[ln.Field]; !ok {
			return fmt.Errorf("layout: receipt layout: line %d: unknown field %q (%s)", i+1, ln.Field, strings.Join(fieldNames(), ", "))
		}
		if seen[ln.Field] {
			return fmt.Errorf("layout: receipt layout: field %q twice", ln.Field)
		}
		seen[ln.Field] = true
		if len([]rune(ln.Label)) > 120 {
			return fmt.Errorf("layout: receipt layout: label of %q longer than 120 characters", ln.Field)
		}
	}
	switch l.Documents {
	case "", DocumentsList, DocumentsTable:
	default:
		return fmt.Errorf("layout: receipt layout: documents %q: use %s or %s", l.Documents, DocumentsList, DocumentsTable)
	}
	return nil
}

func fieldNames() []string {
	return []string{FieldApplicant, FieldIDNumber, FieldAddress, FieldPhone, FieldEmail, FieldProcedure, FieldDocuments,
		FieldSets, FieldProcessingTime, FieldReceivedAt, FieldDueAt, FieldReturnPlace, FieldFee}
}

// Kinds of a document handed in (Document.Kind).
const (
	KindOriginal = "original" // Bản chính
	KindCopy     = "copy"     // Bản sao
)

// Document is one row of the documents handed in.
type Document struct {
	Name string `json:"name"`
	// Kind is KindOriginal, KindCopy or "" (not said).
	Kind string `json:"kind,omitempty"`
	// Count is how many; 0 means 1.
	Count int `json:"count,omitempty"`
}

// KindLabel is how a receipt prints a document's kind.
func KindLabel(kind string) string {
	switch kind {
	case KindOriginal:
		return "Bản chính"
	case KindCopy:
		return "Bản sao"
	}
	return ""
}

// documentRows are the job's documents: DocumentRows, else Documents
// (names only).
func (j ReceiptJob) documentRows() []Document {
	if len(j.DocumentRows) > 0 {
		return j.DocumentRows
	}
	rows := make([]Document, len(j.Documents))
	for i, d := range j.Documents {
		rows[i] = Document{Name: d}
	}
	return rows
}
