"""Reads: get_x (raises NotFound), find_x (X | None), list_x, count_x, access_x_by_id(actor, id)."""
