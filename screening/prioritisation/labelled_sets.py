"""Read labelled screening datasets (CSV, TSV, XLSX in ASReview's layout; CLEF TAR topics)."""

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from .ranking import record_text

TITLE_COLUMNS = ("title", "primary_title", "ti")
ABSTRACT_COLUMNS = ("abstract", "abstract_note", "ab")
KEYWORD_COLUMNS = ("keywords", "keyword", "author_keywords", "kw")
ID_COLUMN = "record_id"


class DatasetError(ValueError):
    """Bad input: names the file, the line where there is one, and the reason."""

    def __init__(self, path, reason: str, line: int | None = None):
        self.path, self.reason, self.line = str(path), reason, line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


@dataclass
class LabelledSet:
    """Records of one review: ids as written (None when the file has none), texts, 0/1 labels."""

    ids: list[str] | None
    texts: list[str]
    labels: list[int]


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise DatasetError(path, "the file is not text (no encoding fits)")
    return str(best)


def _text_rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) for each non-blank row, delimiter from the name or the header."""
    csv.field_size_limit(1 << 30)
    first_line = text.split("\n", 1)[0]
    if path.suffix.lower() in (".tsv", ".tab"):
        delimiter = "\t"
    else:
        # European spreadsheet exports use ";"; pick whichever the header uses most.
        delimiter = max((",", ";", "\t"), key=first_line.count)
    if delimiter == "\t":
        # Tab-delimited exports do not quote their cells: a double quote that opens an abstract
        # is text (as in reviews.searches.importers). A file that does quote CSV-style (a
        # spreadsheet's "save as TSV" of a cell holding a tab or a line break) is read as quoted,
        # when the unquoted reading gives rows of another width than the header.
        rows = _read(path, text, delimiter, csv.QUOTE_NONE)
        if not rows or all(len(cells) == len(rows[0][1]) for _line, cells in rows):
            return rows
    return _read(path, text, delimiter, csv.QUOTE_MINIMAL)


def _read(path, text, delimiter, quoting):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting)
    rows = []
    line = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise DatasetError(path, f"malformed CSV ({exc})", reader.line_num) from exc
    return rows


def _xlsx_rows(path: Path) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a broken workbook
        raise DatasetError(path, f"not a readable XLSX workbook ({exc})") from exc
    try:
        sheet = book.worksheets[0]
        rows = []
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if cell is None else cell for cell in cells]
            if any(str(cell).strip() for cell in cells):
                rows.append((line, cells))
        return rows
    finally:
        book.close()


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _label(value, path: Path, line: int, column: str) -> int:
    if isinstance(value, bool):
        return int(value)
    text = _cell_text(value)
    if text in ("0", "1"):
        return int(text)
    if text in ("0.0", "1.0"):
        return int(float(text))
    shown = repr(text) if text else "empty"
    raise DatasetError(path, f"label column {column!r} holds {shown}, not 0 or 1", line)


def _find_column(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _row_cell(cells: list, index: int | None):
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def read_labelled_set(path, label_column: str = "label_included") -> LabelledSet:
    """Read a CSV, TSV or XLSX dataset with title, abstract and a 0/1 label column.

    Column names are matched without regard to case or surrounding spaces. Raises
    :class:`DatasetError` on anything a simulation cannot use.
    """
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            rows = _xlsx_rows(path)
        else:
            rows = _text_rows(path, _decode(path, path.read_bytes()))
    except OSError as exc:
        raise DatasetError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if not rows:
        raise DatasetError(path, "the file is empty")
    header_line, header_cells = rows[0]
    header = [_cell_text(cell).lower() for cell in header_cells]
    return _records(path, header, header_line, rows[1:], label_column)


def _records(path: Path, header: list[str], header_line: int, rows, label_column: str):
    label_at = _find_column(header, (label_column.strip().lower(),))
    if label_at is None:
        raise DatasetError(path, f"no label column {label_column!r} in the header", header_line)
    title_at = _find_column(header, TITLE_COLUMNS)
    abstract_at = _find_column(header, ABSTRACT_COLUMNS)
    if title_at is None and abstract_at is None:
        raise DatasetError(path, "no title or abstract column in the header", header_line)
    keywords_at = _find_column(header, KEYWORD_COLUMNS)
    id_at = _find_column(header, (ID_COLUMN,))
    if not rows:
        raise DatasetError(path, "the file has a header but no records")
    ids, texts, labels, seen = [], [], [], {}
    for line, cells in rows:
        labels.append(_label(_row_cell(cells, label_at), path, line, label_column))
        keywords = _cell_text(_row_cell(cells, keywords_at))
        texts.append(
            record_text(
                _cell_text(_row_cell(cells, title_at)),
                _cell_text(_row_cell(cells, abstract_at)),
                [keywords] if keywords else None,
            )
        )
        if id_at is not None:
            ids.append(_record_id(_row_cell(cells, id_at), path, line, seen))
    return LabelledSet(ids if id_at is not None else None, texts, labels)


def _record_id(value, path: Path, line: int, seen: dict) -> str:
    record_id = _cell_text(value)
    if not record_id:
        raise DatasetError(path, "empty record_id", line)
    if record_id in seen:
        raise DatasetError(path, f"record_id {record_id!r} repeats line {seen[record_id]}", line)
    seen[record_id] = line
    return record_id


def read_clef_topic(doctexts, qrels) -> LabelledSet:
    """A CLEF eHealth TAR topic: ``doctexts`` JSON lines (id, title, content), TREC ``qrels``."""
    relevance = {}
    for line_no, line in enumerate(Path(qrels).read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4 or parts[3] not in ("0", "1"):
            raise DatasetError(qrels, "expected 'topic 0 docid 0|1'", line_no)
        relevance[parts[2]] = int(parts[3])
    ids, texts, labels = [], [], []
    for line_no, line in enumerate(Path(doctexts).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
            doc_id = doc["id"]
        except (ValueError, KeyError, TypeError) as exc:
            raise DatasetError(doctexts, "not a JSON object with an id", line_no) from exc
        if doc_id not in relevance:
            raise DatasetError(doctexts, f"document {doc_id} has no judgement in {qrels}", line_no)
        title, content = doc.get("title") or "", doc.get("content") or ""
        # The content usually repeats the title first; keep it once.
        abstract = content[len(title) :] if title and content.startswith(title) else content
        ids.append(doc_id)
        texts.append(record_text(title, abstract))
        labels.append(relevance[doc_id])
    return LabelledSet(ids, texts, labels)
