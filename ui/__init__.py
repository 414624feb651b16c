"""Streamlit glue shared by app.py and the pages (actlib stays streamlit-free)."""
