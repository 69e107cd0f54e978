"""The weekly review pack as data, then rendered."""
