package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"motcua/internal/identity"
	"motcua/internal/msg"
	"motcua/queue"
)

// errIDRequired: the field requires the citizen's ID card and the kiosk
// sent none.
var errIDRequired = errors.New("server: the field requires an ID card")

// person is who takes a number in service, from what the kiosk sent: the
// scanned QR code of a CCCD or its typed number. It is "" for nobody when
// the field does not ask (anything sent is dropped unread) or when it is
// optional and nothing was sent. raw is neither kept nor logged: only its
// keyed hash leaves this function.
func (s *Server) person(service, raw string) (string, error) {
	mode := s.identityMode(service)
	if !mode.Asks() {
		return "", nil
	}
	if strings.TrimSpace(raw) == "" {
		if mode == identity.Required {
			return "", errIDRequired
		}
		return "", nil
	}
	p, err := s.identity.Read(raw)
	if err != nil {
		return "", err
	}
	return string(p), nil
}

// identityRules answer what person and the caps of one person refuse.
func (s *Server) identityRules() []rule {
	return []rule{
		{kind: errIDRequired, answer: answer{status: http.StatusUnprocessableEntity, id: msg.IDRequired}},
		{kind: identity.ErrNotID, answer: answer{status: http.StatusBadRequest, id: msg.InvalidID}},
		{match: s.personCap},
	}
}

// personCap answers a person over their caps with the numbers they hold
// and where those are served: at this center's counters, or at the
// province's other centers the hub named.
func (s *Server) personCap(err error) (answer, bool) {
	var ce *queue.CapError
	if !errors.As(err, &ce) {
		return answer{}, false
	}
	numbers := make([]string, len(ce.Held))
	for i, t := range ce.Held {
		numbers[i] = t.Number
	}
	extra := func(_ *gin.Context, _ error, body gin.H) {
		body["cap"], body["numbers"] = string(ce.Kind), numbers
		if len(ce.Elsewhere) > 0 {
			body["elsewhere"] = elsewhereJSON(ce.Elsewhere, s.loc)
		}
	}
	max := strconv.Itoa(ce.Limit)
	if len(ce.Elsewhere) > 0 {
		list := heldWhere(ce, s.loc)
		if ce.Kind == queue.CapDay {
			return answer{status: http.StatusConflict, id: msg.PersonCapDayElsewhere, vars: []string{"numbers", list, "max", max}, extra: extra}, true
		}
		return answer{status: http.StatusConflict, id: msg.PersonCapFieldElsewhere, extra: extra,
			vars: []string{"numbers", list, "field", s.fieldName(ce.Elsewhere[0].Field), "max", max}}, true
	}
	list := strings.Join(numbers, ", ")
	if ce.Kind == queue.CapDay || len(ce.Held) == 0 {
		return answer{status: http.StatusConflict, id: msg.PersonCapDay, vars: []string{"numbers", list, "max", max}, extra: extra}, true
	}
	return answer{status: http.StatusConflict, id: msg.PersonCapField, extra: extra,
		vars: []string{"numbers", list, "field", s.fieldName(ce.Held[0].Origin), "max", max, "counters", s.countersOf(ce.Held[0].Service)}}, true
}

// fieldName is field's name at this center, or its code.
func (s *Server) fieldName(field string) string {
	for _, f := range s.cfg.Fields {
		if f.Code == field {
			return f.Name
		}
	}
	return field
}

// countersOf names the counters serving field, as a citizen reads them:
// "Quầy 1, Quầy 2".
func (s *Server) countersOf(field string) string {
	var names []string
	for _, ct := range s.cfg.Counters {
		for _, f := range ct.Services {
			if f == field {
				name := ct.Name
				if name == "" {
					name = "Quầy " + ct.ID
				}
				names = append(names, name)
				break
			}
		}
	}
	if len(names) == 0 {
		return "quầy hướng dẫn"
	}
	return strings.Join(names, ", ")
}

// identityMode is the mode the kiosk follows for field: off whenever the
// service has no identity secret.
func (s *Server) identityMode(field string) identity.Mode {
	if s.identity == nil {
		return identity.Off
	}
	return s.cfg.IdentityMode(field)
}
