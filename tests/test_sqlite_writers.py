"""On the embedded default (SQLite) the web process and the local worker write to one file.
A transaction that read and then wrote after the other process's commit used to fail at
once with "database is locked", without waiting out the busy timeout; with the settings'
transaction mode it waits its turn."""
import copy
import threading

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="the embedded default only")


def _connection(path):
    conf = copy.deepcopy(settings.DATABASES["default"])
    conf.update(NAME=str(path), TEST={})
    return DatabaseWrapper(conf, alias=f"writer-{id(conf)}")


def test_a_transaction_that_read_first_waits_for_the_other_writer(tmp_path,
                                                                  django_db_blocker):
    with django_db_blocker.unblock():
        _read_then_write(tmp_path)


def _read_then_write(tmp_path):
    first = _connection(tmp_path / "db.sqlite3")
    with first.cursor() as c:
        c.execute("PRAGMA journal_mode=WAL")  # as `make run` has it
        c.execute("CREATE TABLE t (n integer)")
    errors = []

    def other_process_writes():
        second = _connection(tmp_path / "db.sqlite3")  # a connection is its thread's own
        try:
            with second.cursor() as c:  # autocommit: one statement, committed at once
                c.execute("INSERT INTO t VALUES (2)")
        except Exception as exc:  # noqa: BLE001 (the main thread asserts there is none)
            errors.append(exc)
        finally:
            second.close()

    first._start_transaction_under_autocommit()  # what atomic() does on SQLite
    with first.cursor() as c:
        c.execute("SELECT count(*) FROM t")  # the transaction reads first
        writer = threading.Thread(target=other_process_writes)
        writer.start()
        writer.join(0.5)  # the other writer commits meanwhile, or waits for us
        c.execute("INSERT INTO t VALUES (1)")  # then writes
        c.execute("COMMIT")
    writer.join(25)
    with first.cursor() as c:
        c.execute("SELECT n FROM t ORDER BY n")
        assert [n for (n,) in c.fetchall()] == [1, 2]
    first.close()
    assert not errors
