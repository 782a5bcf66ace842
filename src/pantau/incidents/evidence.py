"""The evidence pack of one incident: one self-contained HTML file (and optionally a PDF)
that can be handed over, read offline and checked later.

It holds the incident as recorded (header, every log entry with who and when), its linked
events and vessels with their identity from the registry, a map of the vessels' tracks
over the incident's evidence windows (or its events' time span) with the events marked,
and two hashes: the audit chain's head when the pack was made, and the SHA-256 of the
pack itself without the line that states it, so that anyone can check the file was not
edited (``grep -v 'id="pack-sha256"' pack.html | sha256sum``).

:func:`gather` reads the store and the positions archive; :func:`evidence_html` is pure
(gathered values and a PNG in, text out); the figures and the PDF are in
:mod:`pantau.incidents.evidence_figures`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pantau import __version__
from pantau.incidents import store as kept
from pantau.incidents.lifecycle import Incident, LogEntry
from pantau.share import audit
from pantau.store.archive import PositionArchive
from pantau.store.base import Store

#: how far either side of the linked events' span a vessel's track is shown
EVENT_PAD = timedelta(hours=1)
DIGEST_ID = 'id="pack-sha256"'
_DIGEST_LINE = re.compile(r'^.*id="pack-sha256".*\n', re.MULTILINE)
_HEX = re.compile(r"[0-9a-f]{64}")
TRACK_COLUMNS = ["mmsi", "received_at", "lon", "lat"]


@dataclass(frozen=True)
class Window:
    """Positions of ``mmsis`` over [since, until), and why that span was taken."""

    since: datetime
    until: datetime
    mmsis: tuple[int, ...]
    basis: str  # "evidence window n" or "linked events' span"


@dataclass(frozen=True)
class EvidenceData:
    incident: Incident
    log: list[LogEntry]
    #: linked events as stored, in the order they were linked
    events: list[dict[str, Any]]
    #: linked event ids the store does not hold (deleted, or never ingested here)
    missing_events: list[str]
    #: linked vessels: the registry row, or only the mmsi when the registry has none
    vessels: list[dict[str, Any]]
    windows: list[Window]
    #: mmsi, received_at, lon, lat of every position in the windows
    tracks: pa.Table
    audit_head: audit.Head
    generated_at: datetime


# -- gathering (the adapter) --------------------------------------------------------------

def windows_for(incident: Incident, events: Sequence[dict[str, Any]]) -> list[Window]:
    """The evidence windows as attached; vessels they do not cover get the linked
    events' span, padded by EVENT_PAD (no events: no track for them)."""
    out = [Window(e.since, e.until, e.mmsis, f"evidence window {i}")
           for i, e in enumerate(incident.evidence, 1)]
    covered = {m for w in out for m in w.mmsis}
    rest = tuple(m for m in incident.vessels if m not in covered)
    times = [t for e in events for t in (e["start"], e["end"]) if t is not None]
    if rest and times:
        out.append(Window(min(times) - EVENT_PAD, max(times) + EVENT_PAD, rest,
                          "linked events' span"))
    return out


def _empty_tracks() -> pa.Table:
    return pa.table({"mmsi": pa.array([], pa.int64()),
                     "received_at": pa.array([], pa.timestamp("us", tz="UTC")),
                     "lon": pa.array([], pa.float64()), "lat": pa.array([], pa.float64())})


def _tracks(archive: PositionArchive, windows: Iterable[Window]) -> pa.Table:
    parts = [_empty_tracks()]
    if archive.files():
        for w in windows:
            for m in w.mmsis:
                t = archive.query(mmsi=m, since=w.since, until=w.until, columns=TRACK_COLUMNS)
                if t.num_rows:
                    parts.append(t.select(TRACK_COLUMNS).cast(parts[0].schema))
    table = pa.concat_tables(parts)
    table = table.filter(pc.and_(pc.is_valid(table["lon"]), pc.is_valid(table["lat"])))
    # windows may overlap: a position is evidence once
    distinct = table.group_by(TRACK_COLUMNS, use_threads=False).aggregate([])
    return distinct.select(TRACK_COLUMNS).sort_by([("mmsi", "ascending"),
                                                   ("received_at", "ascending")])


def gather(store: Store, archive: PositionArchive, incident_id: str,
           generated_at: datetime | None = None) -> EvidenceData:
    """Everything the pack shows; NotFoundError for an unknown incident."""
    incident = kept.get_incident(store, incident_id)
    log = kept.incident_log(store, incident_id)
    events, missing = [], []
    for event_id in incident.events:
        rows = store.select("events", {"event_id": event_id}, limit=1).to_pylist()
        if rows:
            events.append(rows[0])
        else:
            missing.append(event_id)
    vessels = []
    for m in incident.vessels:
        rows = store.select("vessels", {"mmsi": m}, limit=1).to_pylist()
        vessels.append(rows[0] if rows else {"mmsi": m})
    windows = windows_for(incident, events)
    return EvidenceData(incident, log, events, missing, vessels, windows,
                        _tracks(archive, windows), audit.head(store),
                        generated_at or datetime.now(UTC))


# -- the page (pure) ----------------------------------------------------------------------

def _t(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def when(t: datetime | None) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if t is not None else ""


def _table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = ["<table>"]
    if head:
        out += ["<thead><tr>", *(f"<th>{_t(h)}</th>" for h in head), "</tr></thead>"]
    out.append("<tbody>")
    out += ["<tr>" + "".join(f"<td>{_t(c)}</td>" for c in row) + "</tr>" for row in rows]
    out.append("</tbody></table>")
    return "".join(out)


def detail_text(detail: dict[str, Any]) -> str:
    """A log entry's arguments as ``key: value`` pairs, values as compact JSON."""
    return "; ".join(f"{k}: {v if isinstance(v, str) else json.dumps(v, sort_keys=True)}"
                     for k, v in sorted(detail.items()))


def timeline_rows(log: Sequence[LogEntry]) -> list[tuple[str, ...]]:
    return [(str(e.seq), when(e.at), e.actor, e.action, detail_text(e.detail)) for e in log]


def event_rows(events: Sequence[dict[str, Any]]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for i, e in enumerate(events, 1):
        vessels = str(e["mmsi"]) + (f" + {e['other_mmsi']}" if e["other_mmsi"] else "")
        where = (f"{e['lat']:.5f}, {e['lon']:.5f}" if e["lat"] is not None
                 and e["lon"] is not None else "")
        hours = f"{e['duration_s'] / 3600:.2f} h" if e["duration_s"] is not None else ""
        rows.append((f"E{i}", str(e["event_id"]), str(e["kind"]), vessels, when(e["start"]),
                     when(e["end"]), hours, str(e["zone"] or ""), where,
                     str(e["details"] or "")))
    return rows


def vessel_rows(vessels: Sequence[dict[str, Any]], tracks: pa.Table
                ) -> list[tuple[str, ...]]:
    counts: dict[int, int] = {}
    for m in tracks["mmsi"].to_pylist():
        counts[m] = counts.get(m, 0) + 1
    rows: list[tuple[str, ...]] = []
    for v in vessels:
        if "shipname" not in v:  # only the mmsi: the registry has no row
            rows.append((str(v["mmsi"]), "not in the registry", "", "", "", "", "", "",
                         str(counts.get(v["mmsi"], 0))))
            continue
        category = v.get("category") or ""
        if category and v.get("category_basis"):
            category += f" ({v['category_basis']})"
        rows.append((str(v["mmsi"]), v.get("shipname") or "", v.get("callsign") or "",
                     str(v.get("imo") or ""), str(v.get("ship_type") or ""),
                     v.get("flag") or "", category,
                     f"{v['length_m']} m" if v.get("length_m") else "",
                     str(counts.get(v["mmsi"], 0))))
    return rows


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1f24;
max-width:72rem;margin:2rem auto;padding:0 1rem}h1{font-size:1.5rem;margin-bottom:.2rem}
h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d0d7de;
padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
td:last-child{overflow-wrap:anywhere}.muted{color:#57606a}img{max-width:100%;height:auto;
border:1px solid #d0d7de}code{font-size:.85em;word-break:break-all}
@media print{body{margin:0}h2{break-after:avoid}}
"""


def _body(d: EvidenceData, map_png: bytes | None) -> list[str]:
    i = d.incident
    header = _table((), [
        ("incident", i.incident_id), ("status", i.status), ("severity", i.severity),
        ("assignee", i.assignee or "unassigned"),
        ("created", f"{when(i.created_at)} by {i.created_by}"),
        ("last change", when(i.updated_at)),
        ("alerts", ", ".join(i.alerts) or "none")])
    missing = "".join(f"<p>Linked event {_t(e)} is not in the store.</p>"
                      for e in d.missing_events)
    windows = _table(("basis", "since", "until", "vessels"), [
        (w.basis, when(w.since), when(w.until), ", ".join(map(str, w.mmsis)))
        for w in d.windows]) if d.windows else (
        "<p>No evidence window and no linked event with times: no track is shown.</p>")
    if map_png is not None:
        figure = ('<img alt="map of the linked vessels\' tracks and the events" '
                  'src="data:image/png;base64,' + base64.b64encode(map_png).decode() + '">')
    else:
        figure = "<p>No map: no position and no event location to show.</p>"
    head = d.audit_head
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Evidence pack: {_t(i.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Evidence pack: {_t(i.title)}</h1>",
        f'<p class="muted">Incident {_t(i.incident_id)}. Generated '
        f"{_t(when(d.generated_at))} by pantau {_t(__version__)}. All times UTC.</p>",
        header,
        '<h2 id="timeline">Timeline</h2>',
        _table(("#", "at", "who", "action", "detail"), timeline_rows(d.log))
        if d.log else "<p>The incident has no log.</p>",
        '<h2 id="events">Linked events</h2>',
        _table(("", "event", "kind", "vessel(s)", "start", "end", "duration", "zone",
                "lat, lon", "details"), event_rows(d.events))
        if d.events else "<p>No linked event.</p>",
        missing,
        '<h2 id="vessels">Linked vessels</h2>',
        _table(("MMSI", "name", "call sign", "IMO", "ship type", "flag", "category",
                "length", "positions in this pack"), vessel_rows(d.vessels, d.tracks))
        if d.vessels else "<p>No linked vessel.</p>",
        '<h2 id="map">Map</h2>', windows, figure,
        '<p class="muted">Land: Natural Earth 10m (public domain), shipped for lon 95..125, '
        "lat -5..15.</p>",
        '<h2 id="audit">Audit</h2>',
        f"<p>Audit chain head when this pack was made: <code>{_t(head.hash)}</code> "
        f"({head.count} entries).</p>",
    ]


def _digest_line(digest: str) -> str:
    # the whole statement sits on one line, so that removing that line (grep -v) leaves
    # exactly the bytes that were hashed; every other text is escaped, so no other line
    # can contain the marker
    return (f"<p {DIGEST_ID}>SHA-256 of this file without this line: <code>{digest}</code> "
            "(check: <code>grep -v 'id=&quot;pack-sha256&quot;' FILE | sha256sum</code>)</p>")


def evidence_html(d: EvidenceData, map_png: bytes | None) -> str:
    """The pack, with its own digest line (see :func:`check_pack`)."""
    lines = [*_body(d, map_png), "</body></html>"]
    unsigned = "\n".join(lines) + "\n"
    digest = hashlib.sha256(unsigned.encode("utf-8")).hexdigest()
    return "\n".join([*lines[:-1], _digest_line(digest), lines[-1]]) + "\n"


def check_pack(text: str) -> tuple[str | None, str]:
    """(the digest the pack states, the digest of the pack without that line); they are
    equal for a pack as written. None when the pack states no digest."""
    found = _DIGEST_LINE.findall(text)
    claimed = None
    if len(found) == 1:
        hexes = _HEX.findall(found[0])
        claimed = hexes[0] if hexes else None
    rest = _DIGEST_LINE.sub("", text)
    return claimed, hashlib.sha256(rest.encode("utf-8")).hexdigest()
