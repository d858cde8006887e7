"""Archives that must be refused, each with a clear reason and nothing left behind; the
commands' exit codes; users missing on import."""
import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, load_command_class

from reviews.models import Membership, Review
from screening.fulltexts.services import fulltext_attach
from synthesis.archive import ArchiveError
from synthesis.archive.restore import review_import
from tests.synthesis.archive.helpers import footprint
from tests.synthesis.prisma_review import import_exports

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def archive(team, tmp_path):
    """A small review with searches, records and a full text, exported."""
    owner = team.users["owner"]
    import_exports(team.review, owner)
    record = team.review.records.order_by("id").first()
    fulltext_attach(actor=owner, record_id=record.id, upload=SimpleUploadedFile(
        "report.pdf", b"%PDF-1.4\nreport\n%%EOF\n", content_type="application/pdf"))
    path = tmp_path / "review.zip"
    call_command("export_review", str(team.review.id), "--out", str(path))
    return path


def rewrite(src, dst, *, data=None, manifest=None, extra=None, resign=True):
    """A copy of the archive with members changed (`data`: member -> function of its parsed
    JSON) and the manifest changed; checksums recomputed unless `resign` is false."""
    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    man = json.loads(members.pop("manifest.json"))
    for name, change in (data or {}).items():
        members[name] = json.dumps(change(json.loads(members[name]))).encode()
    members.update(extra or {})
    if resign:
        man["members"] = {n: hashlib.sha256(b).hexdigest() for n, b in members.items()}
    if manifest:
        manifest(man)
    with zipfile.ZipFile(dst, "w") as zf:
        for name, body in members.items():
            zf.writestr(name, body)
        zf.writestr("manifest.json", json.dumps(man))
    return dst


def refused(team, path, reason, **options):
    before = footprint()
    with pytest.raises(ArchiveError) as error:
        with open(path, "rb") as fh:
            review_import(actor=team.users["viewer"], source=fh, **options)
    assert reason in str(error.value)
    assert footprint() == before
    return str(error.value)


def test_a_truncated_zip_is_refused(team, archive, tmp_path):
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    refused(team, damaged, "not a readable zip archive")


def test_a_member_whose_bytes_changed_is_refused_by_its_checksum(team, archive, tmp_path):
    def retitle(rows):
        rows[0]["title"] = "Another title"
        return rows

    altered = rewrite(archive, tmp_path / "altered.zip",
                      data={"data/reviews.review.json": retitle}, resign=False)
    refused(team, altered, "data/reviews.review.json does not match its sha256 checksum")


def test_a_member_the_manifest_does_not_list_is_refused(team, archive, tmp_path):
    smuggled = rewrite(archive, tmp_path / "extra.zip", resign=False,
                       extra={"files/reviews.search/1/file/x.ris": b"TY  - JOUR\n"})
    refused(team, smuggled, "members not listed in manifest.json")


def test_an_unknown_field_is_refused(team, archive, tmp_path):
    def add_field(rows):
        rows[0]["colour"] = "blue"
        return rows

    altered = rewrite(archive, tmp_path / "field.zip",
                      data={"data/reviews.record.json": add_field})
    refused(team, altered, "data/reviews.record.json, row 1: unknown fields colour")


def test_an_unknown_model_is_refused(team, archive, tmp_path):
    def count(man):
        man["counts"]["reviews.horoscope"] = 0

    altered = rewrite(archive, tmp_path / "model.zip", manifest=count,
                      extra={"data/reviews.horoscope.json": b"[]"})
    refused(team, altered, "unknown models: reviews.horoscope")


def test_a_newer_format_version_is_refused(team, archive, tmp_path):
    def newer(man):
        man["version"] = 2

    altered = rewrite(archive, tmp_path / "newer.zip", manifest=newer)
    refused(team, altered, "format version 2, newer than this Prismflow reads")


def test_an_archive_from_another_installation_is_refused_unless_accepted(team, archive,
                                                                         tmp_path):
    def elsewhere(man):
        man["instance"] = "00000000-0000-4000-8000-000000000000"

    foreign = rewrite(archive, tmp_path / "foreign.zip", manifest=elsewhere)
    message = refused(team, foreign, "another Prismflow installation")
    assert "--allow-other-instance" in message
    with open(foreign, "rb") as fh:
        result = review_import(actor=team.users["viewer"], source=fh, allow_other_instance=True)
    assert result.review.title == team.review.title


def test_a_dangling_reference_fails_midway_and_removes_the_files_already_stored(
        team, archive, tmp_path, monkeypatch):
    from synthesis.archive import restore

    stored = []
    real = restore.delete_on_rollback

    def recording(storage, name):
        stored.append((storage, name))
        real(storage, name)

    monkeypatch.setattr(restore, "delete_on_rollback", recording)

    def bad_pair(rows):
        rows[0]["record_b"] = 999999
        return rows

    with zipfile.ZipFile(archive) as zf:
        has_pairs = json.loads(zf.read("data/reviews.duplicatepair.json"))
    assert has_pairs, "the fixture's review should have duplicate pairs"
    # Duplicate pairs come after searches (with their files) and full texts' records.
    broken = rewrite(archive, tmp_path / "dangling.zip",
                     data={"data/reviews.duplicatepair.json": bad_pair})
    refused(team, broken, "record_b points at reviews.record 999999, absent from the archive")
    assert len(stored) == 3  # the search files were stored, then removed (footprint above)
    assert not any(storage.exists(name) for storage, name in stored)


def test_a_database_refusal_midway_also_leaves_nothing(team, archive, tmp_path):
    def clash(rows):
        rows[1]["position"] = rows[0]["position"]  # two records at one place in one file
        rows[1]["search"] = rows[0]["search"]
        return rows

    broken = rewrite(archive, tmp_path / "clash.zip", data={"data/reviews.record.json": clash})
    refused(team, broken, "data/reviews.record.json cannot be stored")


def test_the_importer_owns_the_new_review_and_missing_users_are_reported(team, archive,
                                                                         tmp_path):
    def rename(rows):
        for row in rows:
            if row["user"] == "reviewer":
                row["user"] = "someone-elsewhere"
        return rows

    def rename_author(rows):
        for row in rows:
            if row.get("created_by") == "owner":
                row["created_by"] = "gone-owner"
        return rows

    altered = rewrite(archive, tmp_path / "users.zip", data={
        "data/reviews.membership.json": rename, "data/reviews.search.json": rename_author})
    with open(altered, "rb") as fh:
        result = review_import(actor=team.users["viewer"], source=fh)
    roles = dict(Membership.objects.filter(review=result.review)
                 .values_list("user__username", "role"))
    assert roles == {"owner": "owner", "viewer": "owner", "adjudicator": "adjudicator"}
    assert result.skipped_memberships == ["someone-elsewhere"]
    assert result.created_users == ["gone-owner"]
    placeholder = get_user_model().objects.get(username="gone-owner")
    assert not placeholder.is_active and not placeholder.has_usable_password()
    assert result.review.searches.filter(created_by=placeholder).exists()
    assert result.review.created_by == team.users["viewer"]


def _run(*argv, app="import_review"):
    """The command as the command line runs it (CommandError -> stderr and exit code). Its
    closing of connections at the end is skipped: the test's transaction needs them."""
    from unittest import mock

    command = load_command_class("synthesis", app)
    with mock.patch("django.core.management.base.connections.close_all"), \
            pytest.raises(SystemExit) as stopped:
        command.run_from_argv(["manage.py", app, *map(str, argv)])
    return stopped.value.code


def test_the_import_command_exits_1_naming_the_file_and_reason(team, archive, tmp_path,
                                                               capsys):
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(b"PK\x03\x04 not really")
    before = Review.objects.count()
    assert _run(damaged, "--owner", "owner") == 1
    err = capsys.readouterr().err
    assert str(damaged) in err and "not a readable zip archive" in err
    assert Review.objects.count() == before


def test_the_import_command_prints_the_review_id_last(team, archive, capsys):
    call_command("import_review", str(archive), "--owner", "viewer")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    review = Review.objects.get(pk=int(last.removeprefix("review id: ")))
    assert review.records.count() == team.review.records.count()


@pytest.mark.parametrize("args", [["a.zip"], [], ["a.zip", "--owner"]])
def test_import_usage_errors_exit_2(args):
    result = subprocess.run([sys.executable, "manage.py", "import_review", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_export_of_a_missing_review_exits_1(db, tmp_path, capsys):
    assert _run("999", "--out", tmp_path / "x.zip", app="export_review") == 1
    assert "no review with id 999" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def test_an_archive_unpacking_beyond_the_limit_is_refused(team, archive, settings):
    settings.ARCHIVE_MAX_BYTES = 1000
    refused(team, archive, "more than this server accepts")


def test_a_review_the_database_refuses_is_refused_too(team, archive, tmp_path):
    def too_many(rows):
        rows[0]["reviewers_per_record"] = 9  # the check constraint allows 1 to 5
        return rows

    broken = rewrite(archive, tmp_path / "review.zip", data={"data/reviews.review.json": too_many})
    refused(team, broken, "cannot be stored")


def test_an_author_whose_name_is_no_username_is_refused(team, archive, tmp_path):
    def rename(rows):
        rows[0]["created_by"] = "no spaces allowed!"
        return rows

    broken = rewrite(archive, tmp_path / "author.zip",
                     data={"data/reviews.search.json": rename})
    refused(team, broken, "is not a valid username here")
