// Package procedures reads the catalogue of administrative procedures (thủ
// tục hành chính) that the kiosk's "Thủ tục" page lets citizens browse: for
// each procedure its field, the documents to bring, fees and processing time.
//
// The center maintains the catalogue as a YAML file; docs/procedures.md
// describes the format and configs/procedures.sample.yaml is an example.
// Load checks the whole file and names the line of the first mistake. A
// Catalogue is immutable once loaded and safe for concurrent use.
package procedures
