package wire

// Permissions are the NATS subjects one center may publish to and subscribe
// to: its own, nothing of another center's, nothing of JetStream's API.
// They are the same whether the hub embeds its NATS server or the
// province runs a cluster (then `motcua hub nats-config` prints them).
type Permissions struct {
	Publish   []string
	Subscribe []string
}

// CenterPermissions are center's permissions.
func CenterPermissions(center string) Permissions {
	return Permissions{
		Publish: []string{EventsSubject(center), StatusSubject(center), SyncSubject(center), DossierSubject(center),
			NotifySubject(center), HeldSubject(center)},
		Subscribe: []string{NoticeSubject(center), InboxPrefix(center) + ".>"},
	}
}
