"""Reading our own SVG output in tests: its text elements and their positions."""

import re
import xml.etree.ElementTree as ET

SVG_NS = "{http://www.w3.org/2000/svg}"
_TRANSLATE = re.compile(r"translate\(([-\d.e]+) ([-\d.e]+)\)")


def parse(svg):
    return ET.fromstring(svg)  # noqa: S314 - our own figure, not untrusted input


def texts(svg):
    """(text, x, y) of every text element, x and y in points from the top left."""
    out = []
    for el in parse(svg).iter(f"{SVG_NS}text"):
        moved = _TRANSLATE.search(el.get("transform") or "")
        x, y = map(float, moved.groups()) if moved else (float(el.get("x")), float(el.get("y")))
        out.append(("".join(el.itertext()), x, y))
    return out


def styles(svg):
    """{text: style attribute} of the text elements (the fonts named for each text)."""
    return {
        "".join(el.itertext()): el.get("style") or "" for el in parse(svg).iter(f"{SVG_NS}text")
    }
