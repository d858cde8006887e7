from django.db import migrations

# The records list finds a search's matches through the GIN index and keeps the review's
# rows with `review_id + 0 = %s` (screening.records.selectors._Plus0), a test the review's
# btree index cannot answer, so the planner never trades the GIN index for it. Without
# statistics on that expression the planner guessed it keeps one row in 200 and, expecting
# 200 matches where there were 40,000, joined the filters by one lookup per match.
# PostgreSQL only (14 and later); elsewhere there is no index to keep to.
STATISTICS = "screening_recordindex_review_plus0"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} "
                              "ON (review_id + 0) FROM screening_recordindex")
        schema_editor.execute("ANALYZE screening_recordindex")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):

    dependencies = [
        ("screening", "0005_records_workbench"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
