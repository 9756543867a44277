"""Jinja2 templates of the core and the domain (a package so they ship in the wheel)."""
