"""Full texts: the reports' PDFs, attached one by one or in bulk, and reports not retrieved."""
