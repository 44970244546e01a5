"""Charts drawn on the server as inline SVG: a document's timeline and an agency's partners.

Inline SVG needs no script and no outside resource; its text takes the page's CJK font
stack from the stylesheet, and its shapes are links to the pages of what they show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

_ROW = 22
_LABEL_WIDTH = 250
_WIDTH = 960
_AXIS = 34


@dataclass(frozen=True)
class TimeRow:
    """One time bound on the timeline: where it leads, what it says, when it runs."""

    label: str  # e.g. （一）措施4
    href: str
    expression: str
    kind: str  # the bound type's notation: deadline | period | recurring …
    start: date | None
    end: date | None


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return _LABEL_WIDTH + (day - first).days / span * (_WIDTH - _LABEL_WIDTH - 20)


def _year_ticks(first: date, last: date) -> list[date]:
    return [
        date(year, 1, 1)
        for year in range(first.year, last.year + 2)
        if first <= date(year, 1, 1) <= last
    ]


def timeline_svg(rows: list[TimeRow], marker: tuple[str, date] | None = None) -> Markup:
    """A timeline: a bar per period, a diamond per deadline, one row per time bound.

    ``marker`` is a labelled day drawn as a vertical line (the document's date).
    """
    dated = [r for r in rows if r.start or r.end]
    if not dated:
        return Markup("")
    days = [d for r in dated for d in (r.start, r.end) if d] + ([marker[1]] if marker else [])
    first, last = date(min(days).year, 1, 1), date(max(days).year, 12, 31)
    height = _AXIS + _ROW * len(dated) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" role="img" '
        f'viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}">',
        "<title>时间轴 timeline</title>",
    ]
    for tick in _year_ticks(first, last):
        x = _x(tick, first, last)
        out.append(f'<line class="grid" x1="{x:.1f}" y1="{_AXIS - 8}" x2="{x:.1f}" y2="{height}"/>')
        out.append(f'<text class="axis" x="{x + 3:.1f}" y="{_AXIS - 12}">{tick.year}</text>')
    if marker:
        x = _x(marker[1], first, last)
        out.append(
            f'<line class="marker" x1="{x:.1f}" y1="{_AXIS - 8}" x2="{x:.1f}" y2="{height}"/>'
        )
        out.append(
            f'<text class="marker-label" x="{x + 3:.1f}" y="{_AXIS - 24}">'
            f"{escape(marker[0])} {marker[1].isoformat()}</text>"
        )
    for index, row in enumerate(dated):
        y = _AXIS + index * _ROW
        tip = escape(
            f"{row.label} {row.expression} "
            f"{row.start.isoformat() if row.start else '…'} – "
            f"{row.end.isoformat() if row.end else '…'}"
        )
        out.append(f'<a href="{escape(row.href)}"><title>{tip}</title>')
        out.append(
            f'<text class="row-label" x="4" y="{y + 15}">{escape(row.label)} '
            f"{escape(_shorten(row.expression, 14))}</text>"
        )
        if row.start and row.end:
            x1, x2 = _x(row.start, first, last), _x(row.end, first, last)
            out.append(
                f'<rect class="bar bar-{escape(row.kind)}" x="{x1:.1f}" y="{y + 4}" '
                f'width="{max(x2 - x1, 3):.1f}" height="{_ROW - 8}" rx="3"/>'
            )
        else:
            day = row.end or row.start
            assert day is not None
            x, cy = _x(day, first, last), y + _ROW / 2
            out.append(
                f'<path class="point point-{escape(row.kind)}" '
                f'd="M{x:.1f} {cy - 7:.1f} L{x + 7:.1f} {cy:.1f} L{x:.1f} {cy + 7:.1f} '
                f'L{x - 7:.1f} {cy:.1f} Z"/>'
            )
        out.append("</a>")
    out.append("</svg>")
    return Markup("".join(out))


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@dataclass(frozen=True)
class Partner:
    """An agency that shares measures with the one the chart is about."""

    label: str
    href: str
    shared: int  # measures shared with the centre


def partners_svg(centre: str, partners: list[Partner], edges: list[tuple[int, int, int]]) -> Markup:
    """A star of the agencies sharing measures with the centre, edges weighted by count.

    ``edges`` are (i, j, n): partners i and j share n of the centre's measures.
    """
    if not partners:
        return Markup("")
    width, height = 900, 620
    cx, cy, radius = width / 2, height / 2, 225
    most = max(p.shared for p in partners)
    places = [
        (
            cx + radius * math.cos(2 * math.pi * k / len(partners) - math.pi / 2),
            cy + radius * math.sin(2 * math.pi * k / len(partners) - math.pi / 2),
        )
        for k in range(len(partners))
    ]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart partners" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(centre)} 的合作机构 partners</title>",
    ]
    for i, j, count in edges:
        (x1, y1), (x2, y2) = places[i], places[j]
        out.append(
            f'<line class="edge-partners" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
            f'y2="{y2:.1f}" stroke-width="{0.5 + 2.5 * count / most:.2f}"/>'
        )
    for partner, (x, y) in zip(partners, places, strict=True):
        out.append(
            f'<line class="edge" x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
            f'stroke-width="{1 + 7 * partner.shared / most:.2f}"/>'
        )
    out.append(f'<circle class="node node-centre" cx="{cx:.1f}" cy="{cy:.1f}" r="14"/>')
    out.append(
        f'<text class="node-label centre" x="{cx:.1f}" y="{cy + 32:.1f}" '
        f'text-anchor="middle">{escape(centre)}</text>'
    )
    for partner, (x, y) in zip(partners, places, strict=True):
        r = 5 + 9 * partner.shared / most
        anchor = "start" if x > cx + 1 else "end" if x < cx - 1 else "middle"
        dx = r + 4 if anchor == "start" else -(r + 4) if anchor == "end" else 0
        dy = 4 if anchor != "middle" else (-(r + 6) if y < cy else r + 16)
        out.append(
            f'<a href="{escape(partner.href)}"><title>{escape(partner.label)}: '
            f"{partner.shared}</title>"
        )
        out.append(f'<circle class="node" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>')
        out.append(
            f'<text class="node-label" x="{x + dx:.1f}" y="{y + dy:.1f}" '
            f'text-anchor="{anchor}">{escape(partner.label)} ({partner.shared})</text>'
        )
        out.append("</a>")
    out.append("</svg>")
    return Markup("".join(out))
