"""The GRADE summary of findings table of a review: one row per pooled analysis, with its
certainty, and its exports as DOCX (python-docx) and XLSX (openpyxl)."""
import io

from ..models import GradeJudgement
from .grade import DOMAINS, GradeInputError, grade_outcome, sof_row
from .selectors import analyses_with_runs

COLUMNS = {
    "en": ["Outcome", "Participants (studies)", "Certainty of the evidence (GRADE)",
           "Effect (95% CI)", "P"],
    "zh": ["结局", "受试者（研究数）", "证据确定性（GRADE）", "效应量（95% CI）", "P"],
}
TITLE = {"en": "Summary of findings", "zh": "结果总结表"}
ILLUSTRATIVE = {"en": "Illustrative data: the outcome values of this review were invented for "
                      "the demo.",
                "zh": "示例数据：本综述的结局数值为演示而虚构。"}


def sof_entries(*, review, lang="en"):
    """[(analysis, grade, row)] for every analysis with a pooled result; an analysis GRADE
    cannot grade (a meta-regression) is listed with its reason instead."""
    snapshot, pairs = analyses_with_runs(review=review)
    judgements = {g.analysis_id: g for g in GradeJudgement.objects.filter(
        analysis__review=review)}
    out = []
    for analysis, run in pairs:
        output = (run.output or {}) if run else {}
        if not output.get("result"):
            continue
        judgement = judgements.get(analysis.id)
        try:
            grade = grade_outcome(output, mid=judgement.mid if judgement else None,
                                  overrides=judgement.overrides if judgement else None,
                                  lang=lang)
        except GradeInputError as exc:
            out.append((analysis, None, {"error": str(exc)}))
            continue
        out.append((analysis, grade, sof_row(output, grade, lang=lang)))
    return snapshot, out


def _p(value):
    if value is None:
        return ""
    return "< 0.00001" if value < 0.00001 else f"{value:.3g}"


def table_rows(entries):
    return [[row["outcome"] + (f" ({row['timepoint']})" if row.get("timepoint") else ""),
             row["participants_studies"], row["certainty_text"], row["effect"], _p(row["pval"])]
            for _a, grade, row in entries if grade]


def footnote_lines(entries):
    lines = []
    for _a, grade, row in entries:
        if grade:
            lines += [f"{f['letter']}. {f['text']}" for f in row["footnotes"]]
    return list(dict.fromkeys(lines))


def sof_docx(*, review, entries, lang="en", illustrative=False):
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.add_heading(f"{TITLE[lang]}: {review.title}", level=1)
    if illustrative:
        doc.add_paragraph(ILLUSTRATIVE[lang]).runs[0].italic = True
    rows = table_rows(entries)
    table = doc.add_table(rows=1, cols=len(COLUMNS[lang]))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, COLUMNS[lang], strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = str(text)
    for line in footnote_lines(entries):
        doc.add_paragraph(line).runs[0].font.size = Pt(9)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def sof_xlsx(*, review, entries, lang="en", illustrative=False):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "SoF"
    sheet.append([f"{TITLE[lang]}: {review.title}"])
    if illustrative:
        sheet.append([ILLUSTRATIVE[lang]])
    sheet.append(COLUMNS[lang])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for values in table_rows(entries):
        sheet.append([str(v) for v in values])
    sheet.append([])
    for line in footnote_lines(entries):
        sheet.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def overrides_from_post(post):
    """{domain: {"levels", "footnote"}} from the GRADE form, for the domains a reviewer set."""
    out = {}
    for domain in DOMAINS:
        levels = post.get(f"{domain}_levels", "")
        if levels == "":
            continue
        out[domain] = {"levels": int(levels), "footnote": post.get(f"{domain}_footnote", "")}
    return out
