package sqlite

import (
	"database/sql"

	"motcua/internal/database"
)

// Open is database.Open, kept for callers not yet moved to it.
//
// Deprecated: use motcua/internal/database.Open.
func Open(path string) (*sql.DB, error) { return database.Open(path) }
