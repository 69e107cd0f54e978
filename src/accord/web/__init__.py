"""The web shell: views, templates, static assets and the JSON API. Thin: parse, call, render."""
