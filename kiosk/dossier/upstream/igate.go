package upstream

import "net/http"

// IGate returns the Opts of an iGate v2-style integration: OAuth2 client
// credentials from a Keycloak realm's token endpoint (tokenURL, for
// example https://sso.tinh.gov.vn/auth/realms/digo/protocol/openid-connect/token),
// then GET lookupURL (with "{code}" in it) with the token as Authorization:
// Bearer, answering a JSON page {"content":[{code, procedure.name,
// applicant.data.fullname, acceptedDate, appointmentDate, dossierStatus.id,
// agency.name}]} with times as 2006-01-02T15:04:05.000+0700. The token is
// cached and renewed RenewBefore ahead of its expires_in, and at once when
// the system answers 401. The field names are those of one province's
// deployment: check them (and whether dossierStatus.id is the national 1–10
// or needs status_values) against the province's own documentation.
func IGate(tokenURL, lookupURL, clientID, clientSecret string) Opts {
	return Opts{
		Request: Request{Method: http.MethodGet, URL: lookupURL},
		Auth: Auth{
			Kind:         AuthClientCredentials,
			TokenURL:     tokenURL,
			ClientID:     clientID,
			ClientSecret: clientSecret,
		},
		Mapping: Mapping{
			Records:    "content",
			Code:       "code",
			Status:     "dossierStatus.id",
			Procedure:  "procedure.name",
			Applicant:  "applicant.data.fullname",
			ReceivedAt: "acceptedDate",
			DueAt:      "appointmentDate",
			Unit:       "agency.name",
			TimeLayout: "2006-01-02T15:04:05-0700",
		},
	}
}
