"""STIX 2.1 bundles for partners' threat-intelligence platforms, marked with TLP 2.0.

What a bundle holds:

- ``identity`` objects: the producer (the operator releasing, ``identity_class``
  organization) and pantau itself (``system``), which authors the extension definitions;
- ``marking-definition`` objects for the TLP 2.0 labels in use, exactly as OASIS publishes
  them (cti-stix-common-objects, extension ``extension-definition--60a3c5c5-...``): the
  ids are the official ones, so partners' platforms recognise them;
- ``incident`` objects for incidents (name: title, description: summary, created and
  modified: the incident's own times) and for alerts (created: the alert's start). Both
  carry the property extension ``pantau-record`` (:data:`RECORD_EXTENSION`) with the
  record's type (``incident`` or ``alert``), id and fields (status, severity, rule, event
  ids, position, record hash ...); a sighting would have suited an alert too, but needs a
  sighted object for every alert and says who sighted rather than where the vessel was;
- ``pantau-vessel`` objects, a new SDO defined by the extension definition
  :data:`VESSEL_EXTENSION` (carried in the bundle; extension type ``new-sdo``), for every
  vessel an alert or incident names: ``name`` (name, else call sign, else MMSI), ``mmsi``
  and, when known, ``shipname, callsign, imo, ship_type, length_m, flag, category,
  affiliation``. The type has no ``x-`` prefix: that prefix marks the custom objects STIX
  2.1 deprecates, not extension-defined ones;
- ``relationship`` objects ``related-to`` from each incident or alert to its vessels, and
  from an incident to the alerts raised by one of its events.

Ids are UUIDv5 under :data:`NAMESPACE` from the record's own id (vessels: the MMSI), so the
same release exports byte for byte the same bundle and a partner's platform updates, never
duplicates. Every object except the marking definitions carries ``object_marking_refs``
with one TLP label: a record's own; a vessel's or a relationship's the strictest of the
records it touches; the identities' and definitions' TLP:CLEAR. Vessels and relationships
count their ``created`` from :data:`DEFINED` and are ``modified`` at the release, so a later
release is a newer version of the same object. Tracks and events are not in the bundle:
STIX is for incidents; the other formats carry them.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from pantau.detect.events import iso_us
from pantau.share.formats._common import FormatError, Records, Row, identity, records, to_us
from pantau.share.release import Release
from pantau.share.tlp import TLP_LEVELS, strictest

#: UUIDv5 namespace of every pantau STIX id
NAMESPACE = uuid.UUID("4a199e71-b2f6-4e40-b275-a1bae3300eeb")
#: the OASIS TLP 2.0 marking extension and its five marking definitions
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_MARKINGS: dict[str, str] = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
_TLP_BY_MARKING = {marking: tlp for tlp, marking in TLP2_MARKINGS.items()}
_TLP2_CREATED = "2022-10-01T00:00:00.000Z"
VESSEL_TYPE = "pantau-vessel"
VESSEL_EXTENSION = "extension-definition--5bc9779b-08a1-4094-8768-68993e1c1bfb"
RECORD_EXTENSION = "extension-definition--a3347ebe-192f-4f1c-bbfe-3e4b78c9edf1"
#: when pantau's STIX definitions (version 1.0.0) begin; ``created`` of fixed objects
DEFINED = "2025-01-01T00:00:00.000Z"
_DEFINED_US = to_us(datetime(2025, 1, 1, tzinfo=UTC), "DEFINED")
DEFAULT_PRODUCER = "pantau operator"

VESSEL_PROPERTIES: tuple[str, ...] = ("name", "mmsi", "shipname", "callsign", "imo",
                                      "ship_type", "length_m", "flag", "category",
                                      "affiliation")
RECORD_PROPERTIES: tuple[str, ...] = (
    "record_type", "record_id", "status", "severity", "rule", "kind", "event_id",
    "event_ids", "mmsi", "other_mmsi", "mmsis", "zone", "start", "lat", "lon", "record_hash")

_VESSEL_SCHEMA = (
    "pantau-vessel: a vessel as a maritime domain awareness system knows it. Required: "
    "name (string: the vessel's name, else its call sign, else 'MMSI <mmsi>'), mmsi "
    "(integer, Maritime Mobile Service Identity). Optional: shipname, callsign, flag (ISO "
    "3166 alpha-2 from the MMSI's country digits), category (coast_guard, maritime_militia, "
    "navy, law_enforcement, survey, fishing, own_asset, other), affiliation (friend, "
    "neutral, hostile, unknown: from the operator's registry, never from the flag) as "
    "strings; imo, ship_type (AIS ship and cargo type), length_m (metres) as integers.")
_RECORD_SCHEMA = (
    "pantau-record: what an incident object stands for in pantau. record_type (string, "
    "required): 'incident' or 'alert'; record_id (string, required): the pantau id. "
    "Optional: status (new, triaged, responding, closed), severity (low, medium, high), "
    "rule (the alert rule), kind (the event kind), event_id, zone, record_hash (SHA-256 hex "
    "of the released row) as strings; event_ids (list of strings); mmsi, other_mmsi "
    "(integers), mmsis (list of integers); start (timestamp); lat, lon (degrees, floats).")


def _id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}|{key}')}"


def stix_time(t_us: int) -> str:
    """STIX timestamps: UTC, a Z, at least milliseconds."""
    text = iso_us(t_us)
    return text if "." in text else text[:-1] + ".000Z"


def _marks(tlp: str) -> list[str]:
    return [TLP2_MARKINGS[tlp]]


def _tlp_of(obj: dict[str, Any]) -> str:
    return _TLP_BY_MARKING[obj["object_marking_refs"][0]]


def _compact(obj: dict[str, Any]) -> dict[str, Any]:
    # STIX forbids null properties and empty lists
    return {k: v for k, v in obj.items() if v is not None and v != []}


def _marking(tlp: str) -> dict[str, Any]:
    return {"type": "marking-definition", "spec_version": "2.1", "id": TLP2_MARKINGS[tlp],
            "created": _TLP2_CREATED, "name": f"TLP:{tlp.upper()}",
            "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension",
                                            "tlp_2_0": tlp}}}


def _extension(fields: dict[str, Any]) -> dict[str, Any]:
    return {RECORD_EXTENSION: _compact({"extension_type": "property-extension", **fields})}


class _Bundle:
    def __init__(self, release: Release, recs: Records, producer: str) -> None:
        self.recs = recs
        self.released = to_us(release.released_at, "released_at")
        self.pantau = _id("identity", "pantau")
        self.producer = _id("identity", f"producer|{producer}")
        self.producer_name = producer
        self.bundle_id = _id("bundle", f"{release.agreement.agreement_id}|"
                                       f"{release.policy_version}|{self.released}")
        self.tlps: set[str] = {"clear"}
        self.vessel_tlps: dict[int, list[str]] = {}
        self.relationships: dict[str, dict[str, Any]] = {}

    def common(self, kind: str, key: str, tlp: str, created_us: int, modified_us: int
               ) -> dict[str, Any]:
        self.tlps.add(tlp)
        return {"type": kind, "spec_version": "2.1", "id": _id(kind, key),
                "created_by_ref": self.producer, "created": stix_time(created_us),
                "modified": stix_time(max(created_us, modified_us)),
                "object_marking_refs": _marks(tlp)}

    def names(self, mmsi: int | None, tlp: str) -> str | None:
        if mmsi is None:
            return None
        self.vessel_tlps.setdefault(mmsi, []).append(tlp)
        return _id(VESSEL_TYPE, str(mmsi))

    def relate(self, source: dict[str, Any], target: str, tlp: str, why: str) -> None:
        key = f"{source['id']}|related-to|{target}"
        rel = self.common("relationship", key, tlp, _DEFINED_US, self.released)
        rel.update(relationship_type="related-to", source_ref=source["id"],
                   target_ref=target, description=why)
        # an alert naming one vessel twice (mmsi == other_mmsi) relates it once
        self.relationships.setdefault(rel["id"], rel)

    def incident(self, row: Row) -> dict[str, Any]:
        created = row["created_at"] if row["created_at"] is not None else self.released
        modified = row["updated_at"] if row["updated_at"] is not None else created
        obj = self.common("incident", f"incident|{row['incident_id']}", row["tlp"], created,
                          modified)
        obj.update(
            name=row["title"] or f"incident {row['incident_id']}",
            description=row["summary"] or None,
            external_references=[{"source_name": "pantau", "external_id": row["incident_id"]}],
            extensions=_extension({
                "record_type": "incident", "record_id": row["incident_id"],
                "status": row["status"], "severity": row["severity"],
                "event_ids": row["event_ids"], "mmsis": row["mmsis"], "lat": row["lat"],
                "lon": row["lon"], "record_hash": row["record_hash"]}))
        for mmsi in row["mmsis"] or []:
            target = self.names(mmsi, row["tlp"])
            if target is not None:
                self.relate(obj, target, row["tlp"], "a vessel the incident involves")
        return _compact(obj)

    def alert(self, row: Row) -> dict[str, Any]:
        created = row["start"] if row["start"] is not None else self.released
        obj = self.common("incident", f"alert|{row['alert_id']}", row["tlp"], created, created)
        who = identity(row["mmsi"], self.recs.vessel(row["mmsi"]))
        obj.update(
            name=row["title"] or f"{row['rule'] or 'alert'}: {who}",
            external_references=[{"source_name": "pantau", "external_id": row["alert_id"]}],
            extensions=_extension({
                "record_type": "alert", "record_id": row["alert_id"],
                "severity": row["severity"], "rule": row["rule"], "kind": row["kind"],
                "event_id": row["event_id"], "mmsi": row["mmsi"],
                "other_mmsi": row["other_mmsi"], "zone": row["zone"],
                "start": stix_time(row["start"]) if row["start"] is not None else None,
                "lat": row["lat"], "lon": row["lon"], "record_hash": row["record_hash"]}))
        for mmsi, why in ((row["mmsi"], "the vessel the alert is about"),
                          (row["other_mmsi"], "the other vessel of the pair")):
            target = self.names(mmsi, row["tlp"])
            if target is not None:
                self.relate(obj, target, row["tlp"], why)
        return _compact(obj)

    def vessel(self, mmsi: int, tlps: list[str]) -> dict[str, Any]:
        row = self.recs.vessel(mmsi)
        obj = self.common(VESSEL_TYPE, str(mmsi), strictest(tlps), _DEFINED_US,
                          self.released)
        if row is not None:
            obj.update({key: row.get(key) for key in VESSEL_PROPERTIES})
        obj.update(name=identity(mmsi, row), mmsi=mmsi,
                   extensions={VESSEL_EXTENSION: {"extension_type": "new-sdo"}})
        return _compact(obj)

    def identities(self) -> list[dict[str, Any]]:
        base = {"type": "identity", "spec_version": "2.1", "created": DEFINED,
                "modified": DEFINED, "object_marking_refs": _marks("clear")}
        return [
            {**base, "id": self.producer, "name": self.producer_name,
             "identity_class": "organization"},
            {**base, "id": self.pantau, "name": "pantau", "identity_class": "system",
             "description": "open maritime domain awareness and partner sharing; author "
                            "of the pantau STIX extension definitions"},
        ]

    def definition(self, ext_id: str, name: str, kinds: list[str], schema: str
                   ) -> dict[str, Any]:
        return {"type": "extension-definition", "spec_version": "2.1", "id": ext_id,
                "created_by_ref": self.pantau, "created": DEFINED, "modified": DEFINED,
                "name": name, "schema": schema, "version": "1.0.0",
                "extension_types": kinds, "object_marking_refs": _marks("clear")}

    def build(self) -> dict[str, Any]:
        incidents = [self.incident(row) for row in self.recs.incidents]
        alerts = [self.alert(row) for row in self.recs.alerts]
        by_event: dict[str, list[dict[str, Any]]] = {}
        for row, alert in zip(self.recs.alerts, alerts, strict=True):
            if row["event_id"] is not None:
                by_event.setdefault(row["event_id"], []).append(alert)
        for row, incident in zip(self.recs.incidents, incidents, strict=True):
            for event_id in row["event_ids"] or []:
                for alert in by_event.get(event_id, []):
                    self.relate(incident, alert["id"], strictest([row["tlp"], _tlp_of(alert)]),
                                "an alert raised by one of the incident's events")
        vessels = [self.vessel(mmsi, tlps) for mmsi, tlps in sorted(self.vessel_tlps.items())]
        objects = self.identities()
        if incidents or alerts:
            objects.append(self.definition(RECORD_EXTENSION, "pantau-record",
                                           ["property-extension"], _RECORD_SCHEMA))
        if vessels:
            objects.append(self.definition(VESSEL_EXTENSION, VESSEL_TYPE, ["new-sdo"],
                                           _VESSEL_SCHEMA))
        objects += [_marking(tlp) for tlp in TLP_LEVELS if tlp in self.tlps]
        objects += vessels + incidents + alerts + list(self.relationships.values())
        return {"type": "bundle", "id": self.bundle_id, "objects": objects}


def stix_bundle(release: Release, producer: str = DEFAULT_PRODUCER) -> dict[str, Any]:
    """The release's alerts and incidents as a STIX 2.1 bundle (a JSON-ready dict)."""
    if not producer.strip():
        raise FormatError("the STIX producer needs a name")
    return _Bundle(release, records(release), producer).build()


def render_stix(release: Release) -> bytes:
    text = json.dumps(stix_bundle(release), sort_keys=True, ensure_ascii=False,
                      allow_nan=False, indent=1)
    return (text + "\n").encode()
