"""CSV: every released row in one file, one line per row, UTF-8, ``\\n`` line ends.

Columns, in this order (:data:`CSV_COLUMNS`):

- ``record_type``: ``vessel``, ``track``, ``event``, ``alert`` or ``incident``;
- vessel: ``mmsi, shipname, callsign, imo, ship_type, length_m, flag, category,
  affiliation``. On vessel rows they are the row; on track, event and alert rows the vessel
  fields are filled in from the vessels table by ``mmsi`` so that each line reads alone;
- every labelled record: ``tlp, record_hash`` (vessel rows carry no label of their own);
- tracks: ``t, lat, lon, sog_kn, cog_deg, heading_deg`` (events, alerts and incidents use
  ``lat, lon`` too);
- events: ``event_id, kind, other_mmsi, start, end, zone, duration_s, details`` (alerts use
  ``event_id, kind, other_mmsi, start, zone`` too);
- alerts: ``alert_id, rule, severity, title`` (incidents use ``severity, title`` too);
- incidents: ``incident_id, status, created_at, updated_at, event_ids, mmsis, summary``.

Rows come vessels first, then tracks, events, alerts and incidents, each in the stable order
of :mod:`pantau.share.formats._common`. Times are ISO 8601 UTC with a Z; a null is an empty
cell; lists (``event_ids``, ``mmsis``) are JSON arrays; floats are written in full. A cell
holding a comma, a double quote, CR or LF is quoted as RFC 4180 says (quotes doubled).
"""

from __future__ import annotations

import json

from pantau.share.formats._common import RECORD_TYPES, Row, plain, records
from pantau.share.release import Release

_VESSEL = ("mmsi", "shipname", "callsign", "imo", "ship_type", "length_m", "flag", "category",
           "affiliation")
CSV_COLUMNS: tuple[str, ...] = (
    "record_type", *_VESSEL, "tlp", "record_hash",
    "t", "lat", "lon", "sog_kn", "cog_deg", "heading_deg",
    "event_id", "kind", "other_mmsi", "start", "end", "zone", "duration_s", "details",
    "alert_id", "rule", "severity", "title",
    "incident_id", "status", "created_at", "updated_at", "event_ids", "mmsis", "summary",
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def csv_rows(release: Release) -> list[Row]:
    """Every row as a dict over :data:`CSV_COLUMNS`, in file order."""
    recs = records(release)
    out: list[Row] = []
    for name in ("vessels", "tracks", "events", "alerts", "incidents"):
        for row in recs.table(name):
            line: Row = dict.fromkeys(CSV_COLUMNS)
            if name in ("tracks", "events", "alerts"):
                vessel = recs.vessel(row["mmsi"])
                if vessel is not None:
                    line.update(vessel)
            line.update(plain(name, row))
            line["record_type"] = RECORD_TYPES[name]
            out.append(line)
    return out


def _quoted(text: str) -> str:
    # RFC 4180 quoting, written out: the csv module with a "\n" line end leaves a lone "\r"
    # unquoted, and readers then split the row there
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _line(cells: list[str]) -> str:
    return ",".join(_quoted(c) for c in cells) + "\n"


def render_csv(release: Release) -> bytes:
    out = [_line(list(CSV_COLUMNS))]
    out.extend(_line([_cell(line[c]) for c in CSV_COLUMNS]) for line in csv_rows(release))
    return "".join(out).encode()
