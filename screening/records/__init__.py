"""The records workbench: every record of a review, searchable and filterable, with its
history, labels and discussion (issue #16)."""
