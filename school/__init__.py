"""Serving a whole school: app processes behind nginx (school/serve.py)."""
