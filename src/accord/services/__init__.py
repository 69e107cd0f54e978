"""Writes and use cases. Each public function is one transaction; side effects run after commit."""
