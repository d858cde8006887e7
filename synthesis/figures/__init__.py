"""Figures drawn with matplotlib (Agg) from plain data, returning SVG, PNG or PDF bytes; no
Django import."""
