"""Reads a review archive into a new review, all or nothing (docs/archive.md).

Everything is checked before anything is written (the zip, the manifest, every checksum,
every model and field name); then one transaction inserts the rows model by model with
bulk_create, mapping archive ids to new ids. Stored files written before a failure are
removed again.
"""
import hashlib
import json
import posixpath
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, connection, models, transaction

from reviews.audit.services import audit_record
from reviews.files import delete_on_rollback
from reviews.models import Membership, Review, Role
from screening.models import options_key

from . import FORMAT, MANIFEST, VERSION, ArchiveError, instance_key
from .registry import REVIEW, USER, plans

BATCH = 1000
OTHER_INSTANCE_HINT = ("To import it anyway, pass --allow-other-instance (on the import page: "
                       "tick \u201cAccept an archive from another installation\u201d).")


@dataclass
class ImportResult:
    review: Review
    created_users: list = field(default_factory=list)      # placeholders made for authors
    skipped_memberships: list = field(default_factory=list)  # usernames not on this instance


def _open(source):
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ArchiveError(f"not a readable zip archive (damaged or truncated): {exc}") from exc


def _read(zf, name):
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ArchiveError(f"member {name} cannot be read (damaged archive): {exc}") from exc


def _manifest(zf, allow_other_instance):
    if MANIFEST not in zf.namelist():
        raise ArchiveError(f"no {MANIFEST}: not a Prismflow review archive")
    try:
        manifest = json.loads(_read(zf, MANIFEST))
    except ValueError as exc:
        raise ArchiveError(f"{MANIFEST} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"{MANIFEST} does not name the format {FORMAT!r}")
    version = manifest.get("version")
    if not isinstance(version, int) or version < 1:
        raise ArchiveError(f"{MANIFEST} has no valid format version")
    if version > VERSION:
        raise ArchiveError(f"the archive has format version {version}, newer than this "
                           f"Prismflow reads (up to {VERSION}); upgrade Prismflow to import it")
    unknown = set(manifest) - {"format", "version", "instance", "created_at", "exported_by",
                               "review", "counts", "members"}
    if unknown:
        raise ArchiveError(f"{MANIFEST} has unknown fields: {', '.join(sorted(unknown))}")
    here = instance_key()
    if manifest.get("instance") != here and not allow_other_instance:
        raise ArchiveError(
            f"the archive comes from another Prismflow installation (instance "
            f"{manifest.get('instance')}; this one is {here}): its usernames may name other "
            f"people here. {OTHER_INSTANCE_HINT}")
    for key in ("counts", "members"):
        if not isinstance(manifest.get(key), dict):
            raise ArchiveError(f"{MANIFEST} has no {key!r} object")
    return manifest


def _checked_members(zf, manifest):
    """Every member is listed in the manifest with its sha256, and matches it."""
    unpacked = sum(info.file_size for info in zf.infolist())
    if unpacked > settings.ARCHIVE_MAX_BYTES:
        raise ArchiveError(f"the archive unpacks to {unpacked} bytes, more than this server "
                           f"accepts ({settings.ARCHIVE_MAX_BYTES}, PRISMFLOW_ARCHIVE_MAX_BYTES)")
    listed = manifest["members"]
    present = {n for n in zf.namelist() if not n.endswith("/")} - {MANIFEST}
    if present - set(listed):
        raise ArchiveError(f"members not listed in {MANIFEST}: "
                           f"{', '.join(sorted(present - set(listed))[:5])}")
    if set(listed) - present:
        raise ArchiveError(f"members listed in {MANIFEST} but absent: "
                           f"{', '.join(sorted(set(listed) - present)[:5])}")
    for name, expected in listed.items():
        digest = hashlib.sha256()
        try:
            with zf.open(name) as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ArchiveError(f"member {name} cannot be read (damaged archive): {exc}") from exc
        if digest.hexdigest() != expected:
            raise ArchiveError(f"member {name} does not match its sha256 checksum in "
                               f"{MANIFEST}: the archive was altered or damaged")


def _data(zf, manifest, the_plans):
    known = {p.entry.name for p in the_plans}
    names = {n[len("data/"):-len(".json")] for n in manifest["members"]
             if n.startswith("data/") and n.endswith(".json")}
    unknown = (names | set(manifest["counts"])) - known
    if unknown:
        raise ArchiveError(f"unknown models: {', '.join(sorted(unknown))}")
    tables = {}
    for plan in the_plans:
        name = plan.entry.name
        member = f"data/{name}.json"
        try:
            rows = json.loads(_read(zf, member)) if name in names else []
        except ValueError as exc:
            raise ArchiveError(f"{member} is not valid JSON: {exc}") from exc
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ArchiveError(f"{member} is not a list of objects")
        if manifest["counts"].get(name, 0) != len(rows):
            raise ArchiveError(f"{member} has {len(rows)} rows; {MANIFEST} counts "
                               f"{manifest['counts'].get(name, 0)}")
        _check_fields(plan, member, rows)
        tables[name] = rows
    if len(tables[REVIEW]) != 1:
        raise ArchiveError(f"data/{REVIEW}.json must hold exactly one review")
    return tables


def _check_fields(plan, member, rows):
    allowed = set(plan.fields) | {"id"}
    seen = set()
    for number, row in enumerate(rows, 1):
        unknown = set(row) - allowed
        if unknown:
            raise ArchiveError(f"{member}, row {number}: unknown fields "
                               f"{', '.join(sorted(unknown))}")
        if not isinstance(row.get("id"), int) or row["id"] in seen:
            raise ArchiveError(f"{member}, row {number}: missing or repeated id")
        seen.add(row["id"])
        for name, f in plan.fields.items():
            if name not in row and not f.has_default() and not f.null:
                raise ArchiveError(f"{member}, row {number}: missing field {name}")


class _Restorer:
    def __init__(self, zf, tables, actor, the_plans):
        self.zf, self.tables, self.actor, self.plans = zf, tables, actor, the_plans
        self.maps = {}
        self.names = set(zf.namelist())
        self.result = None

    # ------------------------------------------------------------------ users

    def users(self):
        """Usernames -> users. Authors missing here get an inactive placeholder account of
        the same username (no password, no membership) so votes and extractions keep their
        author; memberships of users missing here are skipped and reported."""
        authors = set()
        for plan in self.plans[1:]:
            for name, target in plan.refs.items():
                if target == USER and (plan.entry.name, name) != ("reviews.membership", "user"):
                    authors |= {r.get(name) for r in self.tables[plan.entry.name]}
        members = {r.get("user") for r in self.tables["reviews.membership"]}
        wanted = {u for u in authors | members if isinstance(u, str)}
        User = get_user_model()
        found = dict(User._default_manager.filter(username__in=wanted)
                     .values_list("username", "pk"))
        self.members_here = set(found)
        created = sorted(u for u in authors if isinstance(u, str) and u not in found)
        for username in created:
            try:
                User._meta.get_field(User.USERNAME_FIELD).clean(username, None)
            except ValidationError as exc:
                raise ArchiveError(f"the author {username!r} is not a valid username here: "
                                   f"{' '.join(exc.messages)}") from exc
            user = User(username=username, is_active=False)
            user.set_unusable_password()
            user.save()
            found[username] = user.pk
        self.userids = found
        self.result.created_users = created

    # ------------------------------------------------------------------ rows

    def run(self):
        review_plan = self.plans[0]
        row = self.tables[REVIEW][0]
        if review_plan.entry.name != REVIEW:
            raise LookupError("the registry must start with reviews.Review")
        review = self._build(review_plan, row, {"created_by_id": self.actor.pk}, {"created_by"})
        review.created_by = self.actor
        review.save()
        self._restamp(review_plan, [review], [row])
        self.review = review
        self.result = ImportResult(review=review)
        self.maps[REVIEW] = {row["id"]: review.pk}
        self.users()
        for plan in self.plans[1:]:
            self._insert(plan)
        self._owner_membership()
        return self.result

    def _insert(self, plan):
        name = plan.entry.name
        rows = self.tables[name]
        if name == "reviews.membership":
            skipped = [r.get("user") for r in rows if r.get("user") not in self.members_here]
            self.result.skipped_memberships = sorted(map(str, skipped))
            rows = [r for r in rows if r.get("user") in self.members_here]
        objs, deferred = [], []
        review_values = {f + "_id": self.review.pk for f in plan.review_fields}
        for number, row in enumerate(rows, 1):
            row = dict(row)
            try:
                self._refs(plan, row, deferred, len(objs))
                if plan.entry.on_import is not None:
                    row = plan.entry.on_import(row, self.maps)
            except ValueError as exc:
                raise ArchiveError(f"data/{name}.json, row {number}: {exc}") from exc
            objs.append(self._build(plan, row, review_values, {"id"}))
        model = plan.entry.model_class
        try:
            # No savepoint: a failure here ends the whole import, whose transaction rolls back.
            model._default_manager.bulk_create(objs, batch_size=BATCH)
        except (DatabaseError, ValidationError, ValueError, TypeError) as exc:
            raise ArchiveError(f"data/{name}.json cannot be stored: {exc}") from exc
        self.maps[name] = {row["id"]: obj.pk for row, obj in zip(rows, objs, strict=True)}
        self._restamp(plan, objs, rows)
        self._resolve_deferred(plan, objs, deferred)

    def _refs(self, plan, row, deferred, index):
        """Archive ids and usernames -> ids here, in place."""
        for name, target in plan.refs.items():
            value = row.get(name)
            if value is None:
                continue
            if target == USER:
                if value not in self.userids:
                    raise ValueError(f"{name} names a user the archive does not account for")
                row[name] = self.userids[value]
            elif target == plan.entry.name:
                deferred.append((index, name, value))
                row[name] = None
            else:
                new = self.maps[target].get(value) if isinstance(value, int) else None
                if new is None:
                    raise ValueError(f"{name} points at {target} {value!r}, absent from the "
                                     f"archive")
                row[name] = new

    def _build(self, plan, row, fixed, ignore):
        model = plan.entry.model_class
        values = dict(fixed)
        for name, f in plan.fields.items():
            if name in ignore or name not in row:
                continue
            value = row[name]
            try:
                if f.is_relation:
                    values[f.attname] = value
                elif name in plan.files:
                    values[f.attname] = self._file(plan, f, value)
                elif isinstance(f, models.JSONField):
                    values[f.attname] = value
                else:
                    values[f.attname] = None if value is None else f.to_python(value)
            except ValidationError as exc:
                raise ArchiveError(f"data/{plan.entry.name}.json, id {row.get('id')}: "
                                   f"{name}: {' '.join(exc.messages)}") from exc
        return model(**values)

    def _file(self, plan, f, path):
        if not path:
            return ""
        if not isinstance(path, str) or not path.startswith("files/") or \
                path not in self.names:
            raise ArchiveError(f"data/{plan.entry.name}.json names a file {path!r} that the "
                               f"archive lacks")
        base = posixpath.basename(path)
        name = f.generate_filename(None, base)
        try:
            with self.zf.open(path) as member:
                saved = f.storage.save(name, File(member, name=base))
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ArchiveError(f"member {path} cannot be read (damaged archive): {exc}") from exc
        # Removed again if the import rolls back (reviews.files).
        delete_on_rollback(f.storage, saved)
        return saved

    def _restamp(self, plan, objs, rows):
        """bulk_create stamps auto_now(_add) fields with the time of the import; put back the
        archive's times, one executemany per field. Plain SQL: the audit log's manager
        refuses updates, rightly, but these rows were inserted a moment ago in this same
        transaction."""
        if not plan.restamp or not objs:
            return
        model = plan.entry.model_class
        qn = connection.ops.quote_name
        for name in plan.restamp:
            f = plan.fields[name]
            params = [(f.get_db_prep_value(f.to_python(row[name]), connection), obj.pk)
                      for obj, row in zip(objs, rows, strict=True) if row.get(name) is not None]
            # Table and column names come from the models, never from the archive.
            table, column, pk = (qn(model._meta.db_table), qn(f.column),
                                 qn(model._meta.pk.column))
            sql = f"UPDATE {table} SET {column} = %s WHERE {pk} = %s"  # noqa: S608
            with connection.cursor() as cursor:
                cursor.executemany(sql, params)

    def _resolve_deferred(self, plan, objs, deferred):
        if not deferred:
            return
        mapping = self.maps[plan.entry.name]
        changed = []
        for index, name, old in deferred:
            new = mapping.get(old) if isinstance(old, int) else None
            if new is None:
                raise ArchiveError(f"data/{plan.entry.name}.json: {name} points at "
                                   f"{old!r}, absent from the archive")
            setattr(objs[index], plan.fields[name].attname, new)
            changed.append(objs[index])
        fields = sorted({name for _i, name, _o in deferred})
        plan.entry.model_class._default_manager.bulk_update(changed, fields, batch_size=BATCH)

    def _owner_membership(self):
        """The importer owns the new review, whatever role the archive gave them."""
        mine = Membership.objects.filter(review=self.review, user=self.actor).first()
        if mine is None:
            Membership.objects.create(review=self.review, user=self.actor, role=Role.OWNER)
        elif mine.role != Role.OWNER:
            Membership.objects.filter(pk=mine.pk).update(role=Role.OWNER)


def review_import(*, actor, source, allow_other_instance=False):
    """A new review owned by `actor` from the archive `source` (a path or binary file).
    Raises ArchiveError, leaving no row and no stored file behind."""
    the_plans = plans()
    with _open(source) as zf:
        manifest = _manifest(zf, allow_other_instance)
        _checked_members(zf, manifest)
        tables = _data(zf, manifest, the_plans)
        restorer = _Restorer(zf, tables, actor, the_plans)
        try:
            with transaction.atomic():
                result = restorer.run()
                audit_record(review=result.review, actor=actor, verb="review.import",
                             obj=result.review, after={
                                 "instance": manifest.get("instance"),
                                 "exported_at": manifest.get("created_at"),
                                 "exported_by": manifest.get("exported_by"),
                                 "version": manifest["version"],
                                 "created_users": result.created_users,
                                 "skipped_memberships": result.skipped_memberships})
                # Screening options are cached per review id: never serve a stale entry.
                review_id = result.review.pk
                transaction.on_commit(lambda: cache.delete(options_key(review_id)))
        except DatabaseError as exc:
            raise ArchiveError(f"the archive's data cannot be stored: {exc}") from exc
    return result
