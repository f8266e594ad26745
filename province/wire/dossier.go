package wire

import "encoding/json"

// DossierSubject is where center asks the hub for a dossier: the hub looks
// it up in the province's dossier system through its one integration, for
// all its centers.
func DossierSubject(center string) string { return "motcua.hub." + center + ".dossier" }

// DossierRequest is a center's question: the normalised dossier code.
type DossierRequest struct {
	Code string `json:"code"`
}

// DossierReply is the hub's answer: the dossier (the JSON of a center's
// GET /api/v1/dossiers/{code}, applicant unmasked: masking is the
// center's), or NotFound, or Error when the hub could not tell (no
// source configured, the province's system down or slow).
type DossierReply struct {
	Dossier  json.RawMessage `json:"dossier,omitempty"`
	NotFound bool            `json:"not_found,omitempty"`
	Error    string          `json:"error,omitempty"`
}
