"""Figures drawn with matplotlib (Agg): pure functions returning SVG, PNG or PDF bytes."""
