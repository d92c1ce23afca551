"""Storage: SQLAlchemy models, engine and sessions, prefixed IDs, Alembic migrations."""
