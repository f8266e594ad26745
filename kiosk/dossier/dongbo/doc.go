// Package dongbo reads the dossiers a province's dossier system pushes to
// a center in the shape of the national portal's DongBoHoSoMC records:
// MaHoSo, MaTTHC, TenTTHC, ChuHoSo, NgayTiepNhan and NgayHenTra as
// yyyyMMddHHmmss (Vietnam time), TrangThaiHoSo 1–10, DonViXuLy and the
// documents handed in (TaiLieuNop: name, original or copy, count), with the
// fields a receipt needs besides (docs/dossier-push.md). The codes are
// checked with the center's dossier.Codes, the same definition every other
// parser uses.
//
// Decode reads all of a push or nothing: any refused record gives an
// *Error listing every refused record with the reason in Vietnamese.
//
// Concurrency: a Decoder is immutable and safe for concurrent use.
package dongbo
