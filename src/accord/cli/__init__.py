"""The ``accord`` command line. Thin: parse, call one service or query, print."""
