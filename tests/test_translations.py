"""Chinese translation: the catalogue holds every marked string of the code and templates, each
one translated (none fuzzy), and the compiled .mo says what the .po says."""
import ast
import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# How the catalogue is made: no source locations (they churn on every file move), no obsolete
# entries (a string gone from the code leaves the catalogue).
MAKEMESSAGES = ["makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete",
                "--ignore=.venv", "--ignore=node_modules"]
# Not source: copying them would only slow the regeneration below.
NOT_SOURCE = (".git", ".venv*", "node_modules", "var", "media", "staticfiles", "static",
              "__pycache__", "*.mo", ".ruff_cache", ".hypothesis")


def _entries(path):
    """(flags, msgid, msgid_plural, [msgstr, ...]) for each entry of a .po file, header included;
    a small reader so the test needs no PO library. A msgctxt prefixes its msgid as the
    compiled catalogue keys it ("context\x04msgid"), so the same words in two contexts are two
    entries."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        flags, fields, key = set(), {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += ast.literal_eval(line)
            elif line.strip():
                key, _, text = line.partition(" ")
                fields[key] = ast.literal_eval(text)
        if "msgid" in fields:
            strs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            msgid = fields["msgid"]
            if "msgctxt" in fields:
                msgid = f"{fields['msgctxt']}\x04{msgid}"
            entries.append((flags, msgid, fields.get("msgid_plural"), strs))
    return entries


def _messages(entries):
    return [e for e in entries if e[1]]


def test_every_message_has_a_chinese_translation():
    untranslated = [msgid for flags, msgid, _, strs in _messages(_entries(PO))
                    if "fuzzy" in flags or not all(strs)]
    assert not untranslated, f"translate these in {PO.relative_to(ROOT)}: {untranslated}"


def test_the_reader_sees_an_untranslated_and_a_fuzzy_entry(tmp_path):
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr "Language: zh_Hans\\n"\n\nmsgid "Done"\nmsgstr "完成"\n\n'
                  '#, fuzzy, python-format\nmsgid "%(n)s left"\nmsgstr "剩余"\n\n'
                  'msgid "Long "\n"text"\nmsgstr ""\n\n'
                  'msgctxt "forest plot"\nmsgid "Done"\nmsgstr "已完成"\n', encoding="utf-8")
    found = {msgid: (flags, strs) for flags, msgid, _, strs in _messages(_entries(po))}
    assert found == {"Done": (set(), ["完成"]), "%(n)s left": ({"fuzzy", "python-format"},
                                                           ["剩余"]), "Long text": (set(), [""]),
                     "forest plot\x04Done": (set(), ["已完成"])}


def test_compiled_translations_match_the_catalogue():
    with PO.with_suffix(".mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    expected = {"": catalog.get("")}
    for _, msgid, plural, strs in _messages(_entries(PO)):
        if plural is None:
            expected[msgid] = strs[0]
        else:
            expected.update({(msgid, i): s for i, s in enumerate(strs)})
    assert catalog == expected, "run make messages"


@pytest.mark.skipif(not (shutil.which("xgettext") and shutil.which("msgmerge")),
                    reason="needs the gettext tools (xgettext, msgmerge)")
def test_the_catalogue_holds_every_marked_string(tmp_path):
    """makemessages run on a copy of the sources finds exactly the catalogue's strings: a new
    page's strings are missing until they are extracted (and then must be translated)."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run([sys.executable, "manage.py", *MAKEMESSAGES], cwd=copy, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    made = {(e[1], e[2]) for e in _messages(_entries(copy / PO.relative_to(ROOT)))}
    kept = {(e[1], e[2]) for e in _messages(_entries(PO))}
    assert (sorted(made - kept), sorted(kept - made)) == ([], []), (
        f"run: python manage.py {' '.join(MAKEMESSAGES)}, then translate the new strings")
