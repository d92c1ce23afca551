"""GraphQL object types; each maps a table's row and declares its relations."""
