// Package dossiertest holds what the tests of every dossier code parser
// share: the table of codes the default shapes accept and refuse
// (CodeCases), run against the dossier package's Codes, the scan payload
// parser, the registry and its imports, the receipt API and the pushed
// records' decoder, so that no parser drifts from the one definition.
//
// Concurrency: the values are plain and built anew on each call.
package dossiertest
