"""Cursor-on-Target 2.0 events (TAK protocol version 0: plain XML), one per vessel and alert.

A vessel with released positions becomes one event at its latest released position:

- ``uid`` ``pantau-mmsi-<mmsi>``; ``type`` from the vessel's affiliation in the operator's
  registry (never from the flag): friend ``a-f-S-X``, neutral ``a-n-S-X``, hostile
  ``a-h-S-X``, unknown or not set ``a-u-S-X`` (S: sea surface, X: non-military);
- ``how`` ``m-g`` (AIS positions come from the vessel's GNSS), ``time`` the release time,
  ``start`` the position's time, ``stale`` :data:`STALE_S` after the later of the two;
- ``point``: ``hae`` and ``le`` 9999999.0 (unknown, the CoT convention), ``ce`` the
  agreement's position precision in metres when it coarsens positions, else 9999999.0;
- ``detail``: ``contact callsign`` (name, else call sign, else MMSI), ``track course speed``
  with speed in metres per second (knots x 1852/3600; left out when course or speed is
  unknown), ``remarks`` (a line for people, with the TLP label) and ``pantau`` (below).

An alert becomes an event ``pantau-alert-<alert_id>`` of type ``b-m-p-s-m`` (a plain map
spot: TAK shows it without raising an emergency, which ``b-a-*`` would), at the alert's
position, else its vessel's latest released position; an alert with neither is left out
(see :func:`cot_left_out`). Its ``remarks`` carry the title, rule and severity.

Releasability, two ways, both documented in the CoT 2.0 event schema's spirit:

- the event attribute ``access`` (MITRE Event.xsd: "who has access to this event", free
  text) reads ``REL TO`` and the partner codes, as releasability caveats are written;
- the detail element ``<pantau>`` carries ``releasableto`` (partner codes, space
  separated), ``tlp``, ``agreement``, ``policy_version``, ``record_hash`` and the record's
  own keys. TAK servers pass unknown detail elements through untouched.

The ``<marti><dest callsign>`` block is not used: it routes to callsigns of connected TAK
users, which pantau does not know; a partner's TAK server routes by the group its
connection's certificate maps to.

Each event is a standalone XML document (with its declaration, as TAK clients send them);
:func:`render_cot` concatenates them, which is what a TAK stream is. No events: no bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pantau.share.formats._common import (
    Records,
    Row,
    identity,
    iso,
    located,
    meta,
    records,
    to_us,
    xml_safe,
)
from pantau.share.release import Release

#: metres per second in one knot (the knot is 1852 m per hour)
MS_PER_KNOT = 1852.0 / 3600.0
#: CoT's value for an unknown height or error
UNKNOWN = 9999999.0
#: how long after its time (or the release, if later) an event stays current
STALE_S = 15 * 60
ALERT_TYPE = "b-m-p-s-m"
_TYPES = {"friend": "a-f-S-X", "neutral": "a-n-S-X", "hostile": "a-h-S-X",
          "unknown": "a-u-S-X"}
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def cot_type(affiliation: str | None) -> str:
    """The CoT type for a surface vessel of this affiliation (None: unknown)."""
    return _TYPES[affiliation or "unknown"]


def _num(value: float) -> str:
    return repr(float(value))


def _attrs(element: ET.Element, values: dict[str, object]) -> None:
    for key, value in values.items():
        if value is not None:
            element.set(key, xml_safe(str(value)))


class _Builder:
    def __init__(self, release: Release, recs: Records) -> None:
        self.head = meta(release)
        self.released_us = to_us(release.released_at, "released_at")
        precision = release.agreement.share.precision_m
        self.ce = _num(precision) if precision > 0 else _num(UNKNOWN)
        codes = list(release.releasable_to)
        self.access = f"REL TO {', '.join(codes)}" if codes else None
        self.recs = recs
        self.latest: dict[int, Row] = {}
        for mmsi, rows in recs.tracks_by_vessel():
            placed = [r for r in rows if located(r)]
            if placed:
                self.latest[mmsi] = placed[-1]

    def event(self, uid: str, cot: str, start_us: int, where: Row) -> ET.Element:
        stale_us = max(start_us, self.released_us) + STALE_S * 1_000_000
        element = ET.Element("event")
        _attrs(element, {"version": "2.0", "uid": uid, "type": cot, "how": "m-g",
                         "time": iso(self.released_us), "start": iso(start_us),
                         "stale": iso(stale_us), "access": self.access})
        point = ET.SubElement(element, "point")
        _attrs(point, {"lat": _num(where["lat"]), "lon": _num(where["lon"]),
                       "hae": _num(UNKNOWN), "ce": self.ce, "le": _num(UNKNOWN)})
        return element

    def pantau(self, detail: ET.Element, tlp: str, own: dict[str, object]) -> None:
        _attrs(ET.SubElement(detail, "pantau"), {
            "releasableto": " ".join(self.head["releasable_to"]), "tlp": tlp,
            "agreement": self.head["agreement_id"],
            "policy_version": self.head["policy_version"], **own})

    def vessel(self, mmsi: int, pos: Row) -> ET.Element:
        vessel = self.recs.vessel(mmsi)
        affiliation = vessel.get("affiliation") if vessel else None
        category = vessel.get("category") if vessel else None
        element = self.event(f"pantau-mmsi-{mmsi}", cot_type(affiliation), pos["t"], pos)
        detail = ET.SubElement(element, "detail")
        name = identity(mmsi, vessel)
        _attrs(ET.SubElement(detail, "contact"), {"callsign": name})
        if pos["sog_kn"] is not None and pos["cog_deg"] is not None:
            _attrs(ET.SubElement(detail, "track"), {
                "course": _num(pos["cog_deg"]),
                "speed": _num(round(pos["sog_kn"] * MS_PER_KNOT, 6))})
        parts = [f"{name} (MMSI {mmsi})", f"category {category or 'not set'}",
                 f"affiliation {affiliation or 'unknown'}"]
        if pos["sog_kn"] is not None:
            parts.append(f"SOG {pos['sog_kn']:g} kn")
        parts.append(f"TLP:{pos['tlp'].upper()}")
        ET.SubElement(detail, "remarks").text = xml_safe("; ".join(parts))
        self.pantau(detail, pos["tlp"], {"mmsi": mmsi, "record_hash": pos["record_hash"],
                                         "category": category,
                                         "affiliation": affiliation or "unknown"})
        return element

    def alert(self, row: Row) -> ET.Element | None:
        where = row if located(row) else self.latest.get(row["mmsi"])
        if where is None:
            return None
        start = row["start"] if row["start"] is not None else self.released_us
        element = self.event(f"pantau-alert-{row['alert_id']}", ALERT_TYPE, start, where)
        detail = ET.SubElement(element, "detail")
        name = identity(row["mmsi"], self.recs.vessel(row["mmsi"]))
        title = row["title"] or f"{row['rule'] or 'alert'}: {name}"
        _attrs(ET.SubElement(detail, "contact"), {"callsign": title})
        parts = [title, *(f"{key} {row[key]}" for key in ("rule", "severity")
                          if row[key] is not None), f"vessel {name}", f"TLP:{row['tlp'].upper()}"]
        if not located(row):
            parts.append("plotted at the vessel's latest released position")
        ET.SubElement(detail, "remarks").text = xml_safe("; ".join(parts))
        self.pantau(detail, row["tlp"], {
            "alert_id": row["alert_id"], "rule": row["rule"], "severity": row["severity"],
            "event_id": row["event_id"], "kind": row["kind"], "mmsi": row["mmsi"],
            "other_mmsi": row["other_mmsi"], "zone": row["zone"],
            "record_hash": row["record_hash"]})
        return element


def _document(element: ET.Element) -> bytes:
    return (_DECLARATION + ET.tostring(element, encoding="unicode") + "\n").encode()


def cot_events(release: Release) -> list[bytes]:
    """One CoT XML document per vessel (latest released position) and per alert, vessels
    by MMSI first, then alerts in release order."""
    recs = records(release)
    builder = _Builder(release, recs)
    out = [_document(builder.vessel(mmsi, pos)) for mmsi, pos in builder.latest.items()]
    for row in recs.alerts:
        element = builder.alert(row)
        if element is not None:
            out.append(_document(element))
    return out


def cot_left_out(release: Release) -> list[str]:
    """The uids of records with no position to plot, hence no CoT event: vessels whose
    released positions all lack coordinates, and alerts with no position of their own nor
    of their vessel."""
    recs = records(release)
    builder = _Builder(release, recs)
    out = [f"pantau-mmsi-{mmsi}" for mmsi, _ in recs.tracks_by_vessel()
           if mmsi not in builder.latest]
    out.extend(f"pantau-alert-{row['alert_id']}" for row in recs.alerts
               if builder.alert(row) is None)
    return out


def render_cot(release: Release) -> bytes:
    return b"".join(cot_events(release))
