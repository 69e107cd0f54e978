"""File → canonical rows + row errors. No database access."""
