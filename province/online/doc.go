// Package online is the hub's booking of online numbers (issue 14): the
// public phone page and its API, where a citizen chooses a center, a field,
// a day and a time window, identifies with their ID number and a phone
// number confirmed by a code, and gets a signed booking (province/booking)
// to show as a QR code at the center.
//
// The caps of one person hold across every center of the hub, counting
// their bookings and the walk-in tickets the hub holds, and each field has a
// daily quota of online numbers at each center; both are checked in one
// PostgreSQL transaction under the person's lock (pgstore.DB.Book). What a
// center offers (its fields, their hours, the quota, how many days ahead)
// comes from its published configuration, through Opts.Offers.
//
// The ID number is read and hashed (internal/identity) as the request
// comes and never kept, logged or shown; the phone number is kept only as
// a keyed hash and given to the Sender, unless the booker consents to
// messages (Opts.Messages, BookRequest.Notify): then the phone the code
// confirmed is kept with the booking until its window's end plus
// Messages.Keep, and a reminder is stored in the hub's outbox with the
// booking, due Messages.Before its window (issue 15). A Service is safe
// for concurrent use; it holds no state of its own beyond its options.
package online
