"""Database helpers shared by the apps."""

from django.db import connection, transaction

# Fewer rows than this change the planner's picture too little to be worth an ANALYZE.
BULK_ROWS = 500


def analyze_after_commit(*models, rows=BULK_ROWS):
    """Refresh PostgreSQL's planner statistics for these tables once the transaction commits.

    A bulk write (an import, a sync of 50,000 screening items) leaves a table the planner
    still believes empty until autovacuum analyzes it, and autovacuum may be slow or off.
    Meanwhile it chose nested loops that made a screening vote's progress query 13 ms
    instead of 1. Skipped for small writes and on other databases.
    """
    if connection.vendor != "postgresql" or rows < BULK_ROWS:
        return
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
    transaction.on_commit(lambda: _analyze(tables))


def _analyze(tables):
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 (names come from the models)
