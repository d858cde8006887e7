"""Figures drawn with matplotlib from plain data; no Django import."""
