"""Figures drawn with matplotlib (Agg) from plain data, returning SVG, PNG or PDF bytes; no
Django import, except in `pooled.py`, which labels a pooled analysis's forest and funnel
plots in the user's language as the pages serve them."""
