"""KML 2.2 (OGC 07-147r2): one Document per release, one Folder per record type.

- Document: name, a one-line description and ExtendedData with the release's own fields
  (agreement, policy version, release time, ``releasable_to``);
- Folder ``tracks``: a Placemark per vessel, named by its identity, with a TimeSpan over its
  positions and a LineString through them (a Point for one position, no geometry when none
  has coordinates); ExtendedData holds the vessel's fields, the strictest TLP label and the
  per-position times, labels and record hashes as JSON lists;
- Folders ``events``, ``alerts``, ``incidents``: a Placemark per record with a Point, a
  TimeSpan (events: start to end) or TimeStamp (alerts: start; incidents: created_at) and
  ExtendedData with every column of the record (list columns as JSON lists).

Null fields are left out of ExtendedData. Text goes through the XML writer, so ``&``, ``<``
and quotes are escaped; the few code points XML 1.0 cannot carry at all (NUL and most C0
controls) become U+FFFD.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from pantau.share.formats._common import (
    RECORD_TYPES,
    Records,
    Row,
    identity,
    iso,
    located,
    meta,
    plain,
    records,
    strictest_tlp,
    xml_safe,
)
from pantau.share.release import Release

KML_NS = "http://www.opengis.net/kml/2.2"


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return xml_safe(str(value))


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = xml_safe(text)
    return element


def _extended(parent: ET.Element, fields: Row) -> None:
    data = _sub(parent, "ExtendedData")
    for key, value in fields.items():
        if value is None:
            continue
        item = _sub(data, "Data")
        item.set("name", key)
        _sub(item, "value", _text(value))


def _when(parent: ET.Element, begin: str | None, end: str | None = None,
          span: bool = False) -> None:
    if span and (begin or end):
        element = _sub(parent, "TimeSpan")
        if begin:
            _sub(element, "begin", begin)
        if end:
            _sub(element, "end", end)
    elif begin:
        _sub(_sub(parent, "TimeStamp"), "when", begin)


def _coordinates(rows: list[Row]) -> str:
    return " ".join(f"{r['lon']!r},{r['lat']!r}" for r in rows)


def _track(folder: ET.Element, mmsi: int, rows: list[Row], recs: Records) -> None:
    vessel = recs.vessel(mmsi)
    name = identity(mmsi, vessel)
    placed = [r for r in rows if located(r)]
    mark = _sub(folder, "Placemark")
    _sub(mark, "name", name)
    _sub(mark, "description", f"MMSI {mmsi}: {len(rows)} released position(s)")
    _when(mark, iso(rows[0]["t"]), iso(rows[-1]["t"]), span=True)
    fields: Row = {"record_type": RECORD_TYPES["tracks"], "mmsi": mmsi, "identity": name}
    if vessel is not None:
        fields.update({k: v for k, v in vessel.items() if k != "mmsi"})
    fields.update({
        "tlp": strictest_tlp(rows),
        "times": [iso(r["t"]) for r in placed],
        "tlps": [r["tlp"] for r in placed],
        "record_hashes": [r["record_hash"] for r in placed],
        "unlocated_times": [iso(r["t"]) for r in rows if not located(r)] or None,
    })
    _extended(mark, fields)
    if len(placed) == 1:
        _sub(_sub(mark, "Point"), "coordinates", _coordinates(placed))
    elif placed:
        _sub(_sub(mark, "LineString"), "coordinates", _coordinates(placed))


def _record(folder: ET.Element, name: str, row: Row, recs: Records) -> None:
    fields = plain(name, row)
    mark = _sub(folder, "Placemark")
    if name == "events":
        who = identity(row["mmsi"], recs.vessel(row["mmsi"]))
        _sub(mark, "name", f"{row['kind'] or 'event'}: {who}")
        _when(mark, fields["start"], fields["end"], span=True)
        fields["identity"] = who
    elif name == "alerts":
        who = identity(row["mmsi"], recs.vessel(row["mmsi"]))
        _sub(mark, "name", row["title"] or f"{row['rule'] or 'alert'}: {who}")
        _when(mark, fields["start"])
        fields["identity"] = who
    else:
        _sub(mark, "name", row["title"] or f"incident {row['incident_id']}")
        if row["summary"]:
            _sub(mark, "description", row["summary"])
        _when(mark, fields["created_at"])
    _extended(mark, {"record_type": RECORD_TYPES[name], **fields})
    if located(row):
        _sub(_sub(mark, "Point"), "coordinates", _coordinates([row]))


def kml_document(release: Release) -> ET.Element:
    recs = records(release)
    head = meta(release)
    root = ET.Element("kml", {"xmlns": KML_NS})
    doc = _sub(root, "Document")
    _sub(doc, "name", f"pantau release {head['agreement_id']} {head['released_at']}")
    _sub(doc, "description",
         f"Released under agreement {head['agreement_id']} to "
         f"{', '.join(head['releasable_to']) or 'no partner'}; "
         f"policy {head['policy_version']}")
    _extended(doc, head)
    tracks = _sub(doc, "Folder")
    _sub(tracks, "name", "tracks")
    for mmsi, rows in recs.tracks_by_vessel():
        _track(tracks, mmsi, rows, recs)
    for name in ("events", "alerts", "incidents"):
        folder = _sub(doc, "Folder")
        _sub(folder, "name", name)
        for row in recs.table(name):
            _record(folder, name, row, recs)
    return root


def render_kml(release: Release) -> bytes:
    root = kml_document(release)
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()
