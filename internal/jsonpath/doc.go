// Package jsonpath reads values out of JSON decoded into any (with
// json.Decoder.UseNumber): a dot-separated path of object keys and array
// indexes ("data.items.0.code"), and the text of a scalar. The dossier
// adapters and the SMS gateway map their providers' answers with it.
// Its functions are pure and safe for concurrent use.
package jsonpath
