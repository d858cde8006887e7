"""Exports of a whole review for publication and reuse (records with their decisions,
included studies, pooled results): ``selectors.py`` reads the rows, ``formats.py`` writes
them as CSV, XLSX, RIS or BibTeX, ``views.py`` and ``urls.py`` serve the page and downloads."""
