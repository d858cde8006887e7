"""Pages of the PRISMA 2020 flow diagram: the page with the figure inline, and its downloads."""
import re
from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from reviews.access import review_view
from reviews.files import attachment

from ..figures.common import figure_language
from ..figures.prisma import FORMATS as FIGURE_FORMATS
from .flow import check_flow
from .selectors import CONTENT_TYPES, previous_from, prisma_file, prisma_flow
from .selectors import FORMATS as PRISMA_FORMATS


def _lang(request):
    """The diagram's language: asked for, else the page's."""
    asked = request.GET.get("lang")
    if asked in ("en", "zh"):
        return asked
    return figure_language(request.LANGUAGE_CODE)


def _inline_svg(flow, lang):
    svg = prisma_file(flow, fmt="svg", lang=lang).decode("utf-8")
    # Inline in the page: the XML declaration and DOCTYPE belong to a standalone file only.
    return mark_safe(svg[svg.index("<svg"):])  # noqa: S308 (matplotlib's own output)


@review_view(GET="read")
def prisma_page(request, review, membership):
    previous = previous_from(request.GET)
    flow = prisma_flow(review=review, previous=previous)
    lang = _lang(request)
    extra = {"previous_studies": previous["studies"],
             "previous_reports": previous["reports"]} if previous else {}
    downloads = [(f"{fmt.upper()} · {name}", urlencode({"format": fmt, "lang": code, **extra}))
                 for fmt in FIGURE_FORMATS for code, name in (("en", "English"), ("zh", "中文"))]
    downloads += [(fmt.upper(), urlencode({"format": fmt, **extra})) for fmt in ("json", "csv")]
    return render(request, "synthesis/prisma.html", {
        "review": review, "membership": membership, "flow": flow, "previous": previous,
        "svg": _inline_svg(flow, lang), "problems": check_flow(flow), "downloads": downloads,
        "columns": [(_("Databases and registers"), flow["databases_and_registers"]),
                    (_("Other methods"), flow["other_methods"])],
    })


@review_view(GET="read")
def prisma_download(request, review, membership):
    fmt = request.GET.get("format", "svg")
    if fmt not in PRISMA_FORMATS:
        return HttpResponseBadRequest(_("Unknown format."))
    lang = _lang(request)
    flow = prisma_flow(review=review, previous=previous_from(request.GET))
    suffix = f"-{lang}.{fmt}" if fmt in FIGURE_FORMATS else f".{fmt}"
    title = re.sub(r'[\x00-\x1f\\/:*?"<>|]+', " ", review.title).strip()[:80]
    response = HttpResponse(prisma_file(flow, fmt=fmt, lang=lang),
                            content_type=CONTENT_TYPES[fmt])
    # The title may be Chinese: an ASCII name first for clients that read only that.
    return attachment(response, f"PRISMA 2020 - {title}{suffix}",
                      fallback=f"review-{review.id}-prisma2020{suffix}")
