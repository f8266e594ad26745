// Package dossier is the shared vocabulary of dossier lookups: the dossier
// code shapes every parser of a code uses (Codes: national, ministry and
// configured shapes), the Dossier a
// kiosk shows (the JSON of GET /api/v1/dossiers/{code}), the national status
// codes 1–10 with their Vietnamese labels, the "trễ hạn" (overdue) rule, the
// masking of the applicant's name, and the Source interface every place a
// dossier can come from implements (the local registry in package registry,
// the main one-stop system in package upstream).
//
// Concurrency: the types here are plain values; Source implementations
// document their own rules and must be safe for concurrent use.
package dossier
