"""The evidence pack's map (matplotlib, Agg: no display) and its PDF form.

The map shows each linked vessel's track over its window, the linked events as numbered
markers (E1, E2 ... as in the pack's events table) and the shipped Natural Earth land for
context. The PDF (matplotlib's PdfPages) is the map on an A4 landscape page followed by
the pack's text on A4 portrait pages, for those who must file paper.
"""

from __future__ import annotations

import io
import math
import os
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely

from pantau import __version__
from pantau.errors import OutputError
from pantau.incidents.evidence import (
    EvidenceData,
    event_rows,
    timeline_rows,
    vessel_rows,
    when,
)
from pantau.zones.defaults import land_geometry

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: points drawn per track at most; longer tracks are thinned evenly (all are counted)
MAX_TRACK_POINTS = 20_000
A4_PORTRAIT = (8.27, 11.69)
A4_LANDSCAPE = (11.69, 8.27)
_LINES_PER_PAGE = 88
_WRAP = 118


def _bbox(d: EvidenceData) -> tuple[float, float, float, float] | None:
    lons = [*d.tracks["lon"].to_pylist(),
            *(e["lon"] for e in d.events if e["lon"] is not None and e["lat"] is not None)]
    lats = [*d.tracks["lat"].to_pylist(),
            *(e["lat"] for e in d.events if e["lon"] is not None and e["lat"] is not None)]
    if not lons:
        return None
    x0, x1, y0, y1 = min(lons), max(lons), min(lats), max(lats)
    pad_x = max((x1 - x0) * 0.1, 0.02)
    pad_y = max((y1 - y0) * 0.1, 0.02)
    return (max(x0 - pad_x, -180.0), max(y0 - pad_y, -90.0), min(x1 + pad_x, 180.0),
            min(y1 + pad_y, 90.0))


def _land(ax: Axes, bbox: tuple[float, float, float, float]) -> int:
    """Land inside bbox as filled patches (holes kept); returns how many polygons."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    clipped = shapely.clip_by_rect(land_geometry(), *bbox)
    n = 0
    for poly in shapely.get_parts(clipped):
        if not isinstance(poly, shapely.Polygon) or poly.is_empty:
            continue
        rings = [poly.exterior, *poly.interiors]
        vertices = np.concatenate([np.asarray(r.coords) for r in rings])
        codes = np.concatenate([[MplPath.MOVETO, *[MplPath.LINETO] * (len(r.coords) - 2),
                                 MplPath.CLOSEPOLY] for r in rings])
        ax.add_patch(PathPatch(MplPath(vertices, codes), facecolor="#e6e1d3",
                               edgecolor="#9c9480", linewidth=0.5, zorder=0))
        n += 1
    return n


def _label(text: str) -> str:
    # a ship name with two $ would otherwise be typeset as mathematics
    return text.replace("$", r"\$")


def map_figure(d: EvidenceData, figsize: tuple[float, float] = (9.0, 7.0)) -> Figure | None:
    """The map, or None when there is neither a position nor an event location."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    bbox = _bbox(d)
    if bbox is None:
        return None
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_facecolor("#f4f8fb")
    land = _land(ax, bbox)
    names = {v["mmsi"]: v.get("shipname") for v in d.vessels}
    mmsi = np.asarray(d.tracks["mmsi"].to_numpy(zero_copy_only=False))
    lon = np.asarray(d.tracks["lon"].to_numpy(zero_copy_only=False))
    lat = np.asarray(d.tracks["lat"].to_numpy(zero_copy_only=False))
    for k, m in enumerate(dict.fromkeys(mmsi.tolist())):
        sel = np.flatnonzero(mmsi == m)
        step = max(1, -(-len(sel) // MAX_TRACK_POINTS))
        shown = np.concatenate([sel[::step], sel[-1:]])
        colour = f"C{k % 10}"
        name = names.get(m)
        ax.plot(lon[shown], lat[shown], "-", color=colour, linewidth=1.2, zorder=2,
                label=_label(f"{m} {name}" if name else str(m)))
        ax.plot(lon[sel[0]], lat[sel[0]], "o", color=colour, markersize=4, zorder=3)
        ax.plot(lon[sel[-1]], lat[sel[-1]], "s", color=colour, markersize=4, zorder=3)
    located = [(r[0], e["lon"], e["lat"]) for r, e in zip(event_rows(d.events), d.events,
                                                           strict=True)
               if e["lon"] is not None and e["lat"] is not None]
    if located:
        ax.scatter([x for _, x, _ in located], [y for _, _, y in located], marker="*",
                   s=140, color="#cf222e", edgecolor="black", linewidth=0.5, zorder=4,
                   label="events")
        for tag, x, y in located:
            ax.annotate(tag, (x, y), xytext=(5, 5), textcoords="offset points",
                        fontsize=8, zorder=5)
    ax.set_xlim(bbox[0], bbox[2])
    ax.set_ylim(bbox[1], bbox[3])
    ax.set_aspect(1.0 / max(math.cos(math.radians((bbox[1] + bbox[3]) / 2)), 0.1))
    ax.set_xlabel("longitude, degrees east")
    ax.set_ylabel("latitude, degrees north")
    ax.grid(True, linewidth=0.3, color="#b0b8c0")
    if d.tracks.num_rows or located:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_title(f"{d.incident.title}\n{d.tracks.num_rows} positions, "
                 f"{len(located)} events located; tracks: o start, ■ end",
                 fontsize=10, parse_math=False)
    fig.text(0.01, 0.005, "Land: Natural Earth (public domain)" if land else
             "No shipped land in view (Natural Earth is shipped for lon 95..125, lat -5..15)",
             fontsize=7, color="#57606a", parse_math=False)
    return fig


def map_png(d: EvidenceData) -> bytes | None:
    fig = map_figure(d)
    if fig is None:
        return None
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()


# -- PDF ----------------------------------------------------------------------------------

def pack_lines(d: EvidenceData, html_sha256: str | None = None) -> list[str]:
    """The pack's text, as lines for the PDF's text pages."""
    i = d.incident
    out = [f"Evidence pack: {i.title}", "",
           f"incident {i.incident_id}", f"status {i.status}, severity {i.severity}, "
           f"assignee {i.assignee or 'unassigned'}",
           f"created {when(i.created_at)} by {i.created_by}; last change {when(i.updated_at)}",
           f"alerts {', '.join(i.alerts) or 'none'}",
           f"generated {when(d.generated_at)} by pantau {__version__}; all times UTC", "",
           "TIMELINE"]
    out += [f"#{seq} {at} {who} {action}: {detail}"
            for seq, at, who, action, detail in timeline_rows(d.log)] or ["(no log)"]
    out += ["", "LINKED EVENTS"]
    for tag, event_id, kind, vessels, start, end, hours, zone, where, details in event_rows(
            d.events):
        out += [f"{tag} {kind} {event_id}", f"   vessel(s) {vessels}; {start} to {end} "
                f"({hours}); zone {zone or '-'}; at {where or '-'}", f"   details {details}"]
    out += [f"event {e} is linked but not in the store" for e in d.missing_events]
    if not d.events and not d.missing_events:
        out.append("(none)")
    out += ["", "LINKED VESSELS"]
    for mmsi, name, callsign, imo, ship_type, flag, category, length, n in vessel_rows(
            d.vessels, d.tracks):
        out.append(f"{mmsi} {name}; call sign {callsign or '-'}; IMO {imo or '-'}; ship type "
                   f"{ship_type or '-'}; flag {flag or '-'}; category {category or '-'}; "
                   f"length {length or '-'}; {n} positions in this pack")
    if not d.vessels:
        out.append("(none)")
    out += ["", "MAP WINDOWS"]
    out += [f"{w.basis}: {when(w.since)} to {when(w.until)}, vessels "
            f"{', '.join(map(str, w.mmsis))}" for w in d.windows] or ["(none)"]
    out += ["", "AUDIT", f"audit chain head {d.audit_head.hash} ({d.audit_head.count} "
            "entries) when this pack was made"]
    if html_sha256 is not None:
        out.append(f"the HTML pack made with this PDF states SHA-256 {html_sha256}")
    return out


def _wrapped(lines: list[str]) -> Iterator[str]:
    for line in lines:
        yield from textwrap.wrap(line, _WRAP, subsequent_indent="      ",
                                 break_long_words=True) or [""]


def write_pdf(d: EvidenceData, path: Path, html_sha256: str | None = None) -> int:
    """The map page and the text pages; returns the number of pages."""
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    lines = list(_wrapped(pack_lines(d, html_sha256)))
    pages = 0
    try:
        with PdfPages(tmp, metadata={"Title": f"Evidence pack: {d.incident.title}",
                                     "Creator": f"pantau {__version__}",
                                     "CreationDate": None}) as pdf:
            fig = map_figure(d, A4_LANDSCAPE)
            if fig is not None:
                pdf.savefig(fig)
                pages += 1
            for start in range(0, len(lines), _LINES_PER_PAGE):
                page = Figure(figsize=A4_PORTRAIT)
                page.text(0.06, 0.96, "\n".join(lines[start:start + _LINES_PER_PAGE]),
                          va="top", ha="left", family="monospace", fontsize=6.5,
                          parse_math=False)
                page.text(0.94, 0.02, f"{d.incident.incident_id}, page {pages + 1}",
                          ha="right", fontsize=6.5, color="#57606a", parse_math=False)
                pdf.savefig(page)
                pages += 1
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({e.strerror or e})") from None
    return pages
