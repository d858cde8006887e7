"""Searches and imports: an export file uploaded, previewed, imported all-or-nothing or
discarded. The parsers are pure, in `importers`."""
