package lookup_test

import (
	"errors"
	"fmt"

	"motcua/kiosk/lookup"
)

func ExampleSign() {
	secret := []byte("khóa của trung tâm")
	fmt.Println(lookup.Sign("https://motcua.example.gov.vn/h/", secret, "000.00.14.H56-200203-0118"))
	// Output: https://motcua.example.gov.vn/h/000.00.14.H56-200203-0118?sig=330978330936945970073705776779842290174
}

func ExampleParser_Parse() {
	secret := []byte("khóa của trung tâm")
	p, err := lookup.NewParser(lookup.ParserOpts{PublicBaseURL: "https://motcua.example.gov.vn", Secret: secret,
		ReceiptPrefix: "/h/", TicketPrefix: "/t/"})
	if err != nil {
		panic(err)
	}
	for _, scan := range []string{
		"]C0000.00.14.h56-200203-0118\r\n",
		lookup.Sign("https://motcua.example.gov.vn/h/", secret, "000.00.14.H56-200203-0118"),
		"https://motcua.example.gov.vn/t/A012",
		"8934563138165",
	} {
		got, err := p.Parse(scan)
		if err != nil {
			fmt.Println(errors.Is(err, lookup.ErrNotOurReceipt))
			continue
		}
		switch got.Kind {
		case lookup.KindDossier:
			fmt.Println("dossier", got.Code, "verified:", got.Verified)
		case lookup.KindTicket:
			fmt.Println("ticket", got.Ticket)
		}
	}
	// Output:
	// dossier 000.00.14.H56-200203-0118 verified: false
	// dossier 000.00.14.H56-200203-0118 verified: true
	// ticket A012
	// true
}
