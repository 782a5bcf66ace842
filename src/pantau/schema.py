"""The one source of truth for every table pantau reads or writes.

Raw AIS columns keep the field names used by gpsd and pyais (``speed``, ``course``,
``lon`` ...) so that other tools can read our Parquet files without a mapping; their units
are fixed here. Columns we derive carry their unit in the name (``sog_kn``, ``distance_m``).
Every timestamp is UTC and timezone-aware (``timestamp[us, tz=UTC]``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    doc: str


def _schema(columns: tuple[Column, ...]) -> pa.Schema:
    return pa.schema(
        [pa.field(c.name, c.type, metadata={"doc": c.doc}) for c in columns]
    )


_PROVENANCE = (
    Column("received_at", UTC_TS, "receive time (tag block c:, line prefix or suffix, $PGHP)"),
    Column("source", pa.string(), "receiver or station id from the tag block s: field"),
)

POSITION_COLUMNS = (
    Column("msg_type", pa.uint8(), "AIS message type (1, 2, 3, 18, 19, 27)"),
    Column("repeat", pa.uint8(), "repeat indicator"),
    Column("mmsi", pa.int64(), "Maritime Mobile Service Identity"),
    Column("status", pa.uint8(), "navigation status 0-15 (class A and type 27)"),
    Column("turn", pa.float64(),
           "rate of turn, degrees per minute; +/-720 = turning faster than 5 deg/30 s "
           "without a turn indicator; null = not available"),
    Column("speed", pa.float64(), "speed over ground, knots; null = not available"),
    Column("accuracy", pa.bool_(), "position accuracy flag (true: better than 10 m)"),
    Column("lon", pa.float64(), "longitude, degrees east; null = not available (181)"),
    Column("lat", pa.float64(), "latitude, degrees north; null = not available (91)"),
    Column("course", pa.float64(), "course over ground, degrees; null = not available (360)"),
    Column("heading", pa.uint16(), "true heading, degrees; null = not available (511)"),
    Column("second", pa.uint8(), "UTC second of the report (60-63: special values)"),
    Column("maneuver", pa.uint8(), "special manoeuvre indicator (class A)"),
    Column("raim", pa.bool_(), "RAIM flag"),
    Column("radio", pa.uint32(), "radio status bits"),
    Column("cs", pa.bool_(), "class B: carrier-sense unit"),
    Column("display", pa.bool_(), "class B: has a display"),
    Column("dsc", pa.bool_(), "class B: DSC capable"),
    Column("band", pa.bool_(), "class B: whole-band capable"),
    Column("msg22", pa.bool_(), "class B: frequency management via message 22"),
    Column("assigned", pa.bool_(), "assigned-mode flag"),
    Column("gnss", pa.bool_(), "type 27: position latency (false = current GNSS position)"),
    *_PROVENANCE,
)

STATIC_COLUMNS = (
    Column("msg_type", pa.uint8(), "AIS message type (5, 19, 24)"),
    Column("repeat", pa.uint8(), "repeat indicator"),
    Column("mmsi", pa.int64(), "Maritime Mobile Service Identity"),
    Column("partno", pa.uint8(), "type 24 part: 0 = A (name), 1 = B (type, callsign, size)"),
    Column("ais_version", pa.uint8(), "type 5: AIS version indicator"),
    Column("imo", pa.int64(), "IMO number; null when 0 (not available)"),
    Column("callsign", pa.string(), "call sign, trimmed; null when empty"),
    Column("shipname", pa.string(), "vessel name, '@' padding and blanks trimmed"),
    Column("ship_type", pa.uint8(), "ship and cargo type code; null when 0"),
    Column("to_bow", pa.uint16(), "metres from the reference point to the bow"),
    Column("to_stern", pa.uint16(), "metres from the reference point to the stern"),
    Column("to_port", pa.uint8(), "metres from the reference point to port"),
    Column("to_starboard", pa.uint8(), "metres from the reference point to starboard"),
    Column("mothership_mmsi", pa.int64(), "type 24 B, auxiliary craft: parent vessel MMSI"),
    Column("epfd", pa.uint8(), "position fixing device type"),
    Column("month", pa.uint8(), "ETA month (0 = not available)"),
    Column("day", pa.uint8(), "ETA day (0 = not available)"),
    Column("hour", pa.uint8(), "ETA hour (24 = not available)"),
    Column("minute", pa.uint8(), "ETA minute (60 = not available)"),
    Column("draught", pa.float64(), "draught, metres; null when 0"),
    Column("destination", pa.string(), "destination, trimmed; null when empty"),
    Column("dte", pa.bool_(), "data terminal not ready"),
    Column("vendorid", pa.string(), "type 24 B: manufacturer id"),
    Column("model", pa.uint8(), "type 24 B: unit model code"),
    Column("serial", pa.uint32(), "type 24 B: serial number"),
    *_PROVENANCE,
)

STATION_COLUMNS = (
    Column("msg_type", pa.uint8(), "AIS message type (4 base station, 11 UTC response)"),
    Column("repeat", pa.uint8(), "repeat indicator"),
    Column("mmsi", pa.int64(), "station MMSI"),
    Column("year", pa.uint16(), "station UTC year (0 = not available)"),
    Column("month", pa.uint8(), "station UTC month"),
    Column("day", pa.uint8(), "station UTC day"),
    Column("hour", pa.uint8(), "station UTC hour"),
    Column("minute", pa.uint8(), "station UTC minute"),
    Column("second", pa.uint8(), "station UTC second"),
    Column("accuracy", pa.bool_(), "position accuracy flag"),
    Column("lon", pa.float64(), "longitude, degrees; null = not available"),
    Column("lat", pa.float64(), "latitude, degrees; null = not available"),
    Column("epfd", pa.uint8(), "position fixing device type"),
    Column("raim", pa.bool_(), "RAIM flag"),
    Column("radio", pa.uint32(), "radio status bits"),
    *_PROVENANCE,
)

AID_COLUMNS = (
    Column("msg_type", pa.uint8(), "AIS message type (21)"),
    Column("repeat", pa.uint8(), "repeat indicator"),
    Column("mmsi", pa.int64(), "aid-to-navigation MMSI"),
    Column("aid_type", pa.uint8(), "aid type code"),
    Column("name", pa.string(), "name (first 20 characters)"),
    Column("accuracy", pa.bool_(), "position accuracy flag"),
    Column("lon", pa.float64(), "longitude, degrees; null = not available"),
    Column("lat", pa.float64(), "latitude, degrees; null = not available"),
    Column("to_bow", pa.uint16(), "metres to bow"),
    Column("to_stern", pa.uint16(), "metres to stern"),
    Column("to_port", pa.uint8(), "metres to port"),
    Column("to_starboard", pa.uint8(), "metres to starboard"),
    Column("epfd", pa.uint8(), "position fixing device type"),
    Column("second", pa.uint8(), "UTC second"),
    Column("off_position", pa.bool_(), "off-position indicator"),
    Column("regional", pa.uint8(), "regional reserved bits"),
    Column("raim", pa.bool_(), "RAIM flag"),
    Column("virtual_aid", pa.bool_(), "virtual aid flag"),
    Column("assigned", pa.bool_(), "assigned-mode flag"),
    Column("name_ext", pa.string(), "name extension (characters after the 20th)"),
    *_PROVENANCE,
)

OTHER_COLUMNS = (
    Column("msg_type", pa.uint8(), "AIS message type (those not decoded field by field)"),
    Column("repeat", pa.uint8(), "repeat indicator"),
    Column("mmsi", pa.int64(), "source MMSI (null when the payload is too short)"),
    Column("payload", pa.string(), "armoured 6-bit payload, all fragments joined"),
    Column("fill_bits", pa.uint8(), "fill bits of the last fragment"),
    *_PROVENANCE,
)

REJECT_COLUMNS = (
    Column("input", pa.string(), "input the record came from (path, '-' for stdin, stream)"),
    Column("line", pa.int64(), "1-based line number of the record (first fragment's line)"),
    Column("reason", pa.string(), "why it was rejected (see pantau.decode.reasons)"),
    Column("raw", pa.string(), "the raw text (fragments joined by newlines; capped at 1 KiB)"),
)

POSITIONS = _schema(POSITION_COLUMNS)
STATICS = _schema(STATIC_COLUMNS)
STATIONS = _schema(STATION_COLUMNS)
AIDS = _schema(AID_COLUMNS)
OTHER = _schema(OTHER_COLUMNS)
REJECTS = _schema(REJECT_COLUMNS)

#: Decoded table name -> schema, in the order files are written.
DECODE_TABLES: dict[str, pa.Schema] = {
    "positions": POSITIONS,
    "statics": STATICS,
    "stations": STATIONS,
    "aids": AIDS,
    "other": OTHER,
    "rejects": REJECTS,
}


# -- vessel registry ---------------------------------------------------------------------

VESSEL_COLUMNS = (
    Column("mmsi", pa.int64(), "Maritime Mobile Service Identity"),
    Column("shipname", pa.string(), "latest known vessel name"),
    Column("callsign", pa.string(), "latest known call sign"),
    Column("imo", pa.int64(), "latest known IMO number"),
    Column("ship_type", pa.uint8(), "latest known AIS ship and cargo type code"),
    Column("length_m", pa.uint16(), "to_bow + to_stern, metres; null when both are 0 or null"),
    Column("beam_m", pa.uint16(), "to_port + to_starboard, metres; null when both are 0 or null"),
    Column("flag", pa.string(), "ISO 3166 alpha-2 code of the MMSI's MID; null if none"),
    Column("mmsi_kind", pa.string(), "kind of station by MMSI format (ITU-R M.585)"),
    Column("first_seen", UTC_TS, "earliest received_at of a static report; null if none had one"),
    Column("last_seen", UTC_TS, "latest received_at of a static report; null if none had one"),
    Column("n_static_reports", pa.int64(), "static reports merged (type 5, 19, 24 A and B)"),
    Column("category", pa.string(), "vessel category (watchlist categories)"),
    Column("category_basis", pa.string(), "why: watchlist, ship_type or default"),
)

HISTORY_COLUMNS = (
    Column("mmsi", pa.int64(), "Maritime Mobile Service Identity"),
    Column("field", pa.string(), "shipname, callsign, imo or ship_type"),
    Column("old_value", pa.string(), "value before the change, as text"),
    Column("new_value", pa.string(), "value after the change, as text"),
    Column("changed_at", UTC_TS, "received_at of the report that changed it; null if unknown"),
)

WATCHLIST_COLUMNS = (
    Column("mmsi", pa.int64(), "Maritime Mobile Service Identity"),
    Column("category", pa.string(), "one of CATEGORIES"),
    Column("name", pa.string(), "analyst's name for the vessel; null when empty"),
)

WATCHLIST_REJECT_COLUMNS = (
    Column("line", pa.int64(), "1-based line number in the watchlist file"),
    Column("reason", pa.string(), "reject code (see pantau.registry.watchlist.REASONS)"),
    Column("detail", pa.string(), "what exactly was wrong, for the analyst"),
    Column("raw", pa.string(), "the line as written"),
)

REGISTRY_VESSELS = _schema(VESSEL_COLUMNS)
IDENTITY_HISTORY = _schema(HISTORY_COLUMNS)
WATCHLIST = _schema(WATCHLIST_COLUMNS)
WATCHLIST_REJECTS = _schema(WATCHLIST_REJECT_COLUMNS)


# -- tracks ------------------------------------------------------------------------------

REASON = Column("reason", pa.string(), "why the row was dropped (DropReason value)")

#: Columns :func:`pantau.tracks.segment` appends to every position.
LABEL_COLUMNS = (
    Column("segment_id", pa.int64(),
           "63-bit hash of the segment's first point (mmsi, received_at, lon, lat)"),
    Column("dt_s", pa.float64(),
           "seconds since the previous point of the same segment; null for its first point"),
    Column("distance_m", pa.float64(),
           "haversine metres from the previous point of the same segment; null for its first"),
    Column("implied_speed_kn", pa.float64(),
           "distance_m / dt_s in knots; null for a segment's first point and when dt_s is 0"),
)

SEGMENT_STATE_COLUMNS = (
    Column("mmsi", pa.int64(), "Maritime Mobile Service Identity"),
    Column("segment_id", pa.int64(), "id of an open segment of this MMSI"),
    Column("first_at", UTC_TS, "received_at of the segment's first point"),
    Column("last_at", UTC_TS, "received_at of the segment's last point so far"),
    Column("last_lon", pa.float64(), "longitude of that last point, degrees east"),
    Column("last_lat", pa.float64(), "latitude of that last point, degrees north"),
    Column("n_points", pa.int64(), "points in the segment so far, all calls together"),
)

SEGMENT_SUMMARY_COLUMNS = (
    Column("mmsi", pa.int64(), "Maritime Mobile Service Identity"),
    Column("segment_id", pa.int64(), "segment id (see LABEL_COLUMNS)"),
    Column("start", UTC_TS, "received_at of the segment's first point in the table"),
    Column("end", UTC_TS, "received_at of the segment's last point in the table"),
    Column("duration_s", pa.float64(), "end - start, seconds"),
    Column("n_points", pa.int64(), "points of the segment in the table"),
    Column("distance_m", pa.float64(),
           "sum of distance_m over those points (the first point's link to an earlier call "
           "counts, so per-call sums add up)"),
    Column("first_lon", pa.float64(), "longitude of the first point, degrees east"),
    Column("first_lat", pa.float64(), "latitude of the first point, degrees north"),
    Column("last_lon", pa.float64(), "longitude of the last point, degrees east"),
    Column("last_lat", pa.float64(), "latitude of the last point, degrees north"),
)

LABELS = _schema(LABEL_COLUMNS)
SEGMENT_STATE = _schema(SEGMENT_STATE_COLUMNS)
SEGMENT_SUMMARY = _schema(SEGMENT_SUMMARY_COLUMNS)


# -- operational tables (the Store) -------------------------------------------------------
# Each has a primary key; nested values (details, terms, counts) are JSON text so that every
# backend (DuckDB, PostgreSQL) stores them the same way.


@dataclass(frozen=True)
class StoreTable:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # primary key; empty for append-only tables ordered by `seq`

    @property
    def schema(self) -> pa.Schema:
        return _schema(self.columns)


VESSELS = StoreTable("vessels", VESSEL_COLUMNS, key=("mmsi",))

VESSEL_HISTORY = StoreTable("vessel_history", HISTORY_COLUMNS,
                            key=("mmsi", "field", "changed_at", "new_value"))

EVENTS = StoreTable("events", (
    Column("event_id", pa.string(), "stable id: re-processing never duplicates"),
    Column("kind", pa.string(), "zone_entry, loitering, encounter, ..."),
    Column("mmsi", pa.int64(), "vessel"),
    Column("other_mmsi", pa.int64(), "second vessel of a pair event"),
    Column("start", UTC_TS, "start"),
    Column("end", UTC_TS, "end"),
    Column("lat", pa.float64(), "representative latitude, degrees"),
    Column("lon", pa.float64(), "representative longitude, degrees"),
    Column("zone", pa.string(), "zone name"),
    Column("duration_s", pa.float64(), "end - start, seconds"),
    Column("details", pa.string(), "JSON object, thresholds included"),
), key=("event_id",))

INCIDENTS = StoreTable("incidents", (
    Column("incident_id", pa.string(), "id"),
    Column("title", pa.string(), "title"),
    Column("status", pa.string(), "new, triaged, responding, closed"),
    Column("severity", pa.string(), "low, medium, high"),
    Column("assignee", pa.string(), "user name"),
    Column("created_at", UTC_TS, "opened"),
    Column("updated_at", UTC_TS, "last change"),
    Column("details", pa.string(), "JSON: linked events, vessels, notes"),
), key=("incident_id",))

PARTNERS = StoreTable("partners", (
    Column("code", pa.string(), "partner code (e.g. ISO alpha-3)"),
    Column("name", pa.string(), "name"),
), key=("code",))

AGREEMENTS = StoreTable("agreements", (
    Column("agreement_id", pa.string(), "id"),
    Column("version", pa.int64(), "version of this agreement's record"),
    Column("status", pa.string(), "in_force, suspended, exited, expired"),
    Column("effective_at", UTC_TS, "when this version took effect"),
    Column("terms", pa.string(), "JSON: partners, dates, binding, share terms"),
), key=("agreement_id", "version"))

AUDIT = StoreTable("audit", (
    Column("seq", pa.int64(), "position in the chain"),
    Column("at", UTC_TS, "time of the release or denial"),
    Column("actor", pa.string(), "user or partner key"),
    Column("action", pa.string(), "release, deny, status change"),
    Column("agreement_id", pa.string(), "agreement"),
    Column("entry", pa.string(), "JSON body of the entry"),
    Column("prev_hash", pa.string(), "hash of the previous entry"),
    Column("hash", pa.string(), "hash of this entry, chained"),
), key=("seq",))

USERS = StoreTable("users", (
    Column("name", pa.string(), "user name"),
    Column("role", pa.string(), "watch_officer, analyst, sharing_officer, auditor, admin"),
    Column("password_hash", pa.string(), "memory-hard hash"),
    Column("created_at", UTC_TS, "created"),
), key=("name",))

TOKENS = StoreTable("tokens", (
    Column("token_id", pa.string(), "public part of an API token, to find its row"),
    Column("user_name", pa.string(), "the user the token acts for"),
    Column("digest", pa.string(), "SHA-256 hex of the whole token; the token itself is "
           "never stored"),
    Column("created_at", UTC_TS, "issued"),
    Column("revoked_at", UTC_TS, "revoked; null while the token is valid"),
), key=("token_id",))

CONFIGS = StoreTable("configs", (
    Column("kind", pa.string(), "zones or watchlist"),
    Column("name", pa.string(), "name given at ingest"),
    Column("version", pa.int64(), "1, 2, ... a new version per changed content"),
    Column("created_at", UTC_TS, "when stored"),
    Column("sha256", pa.string(), "content hash: the same content is not stored twice"),
    Column("content", pa.string(), "GeoJSON or CSV text"),
), key=("kind", "name", "version"))

INGESTS = StoreTable("ingests", (
    Column("run_id", pa.string(), "id of one ingest of one input"),
    Column("input", pa.string(), "path or '-'"),
    Column("fingerprint", pa.string(), "sha256 of the input's bytes"),
    Column("started_at", UTC_TS, "start"),
    Column("finished_at", UTC_TS, "end (null while running or after a crash)"),
    Column("status", pa.string(), "running, done"),
    Column("counts", pa.string(), "JSON decode and ingest counts"),
), key=("run_id",))

ALERTS = StoreTable("alerts", (
    Column("alert_id", pa.string(), "digest of the event id and rule: stable across re-runs"),
    Column("rule", pa.string(), "name of the alert rule that matched"),
    Column("severity", pa.string(), "low, medium, high"),
    Column("event_id", pa.string(), "the event that raised it"),
    Column("kind", pa.string(), "the event's kind"),
    Column("mmsi", pa.int64(), "vessel"),
    Column("other_mmsi", pa.int64(), "second vessel of a pair event"),
    Column("start", UTC_TS, "the event's start"),
    Column("lat", pa.float64(), "the event's latitude, degrees"),
    Column("lon", pa.float64(), "the event's longitude, degrees"),
    Column("zone", pa.string(), "the event's zone"),
    Column("title", pa.string(), "one line for a watch officer"),
    Column("raised_at", UTC_TS, "when the service first stored it"),
    Column("acknowledged_by", pa.string(), "user who acknowledged it; null until then"),
    Column("acknowledged_at", UTC_TS, "when it was acknowledged"),
    Column("incident_id", pa.string(), "the incident opened from it, if any"),
), key=("alert_id",))

INCIDENT_LOG = StoreTable("incident_log", (
    Column("incident_id", pa.string(), "incident"),
    Column("seq", pa.int64(), "1, 2, ... per incident; 1 is its creation"),
    Column("at", UTC_TS, "when the change was made"),
    Column("actor", pa.string(), "user who made it"),
    Column("action", pa.string(), "create, assign, status, note, link_event, link_vessel, "
           "evidence"),
    Column("detail", pa.string(), "JSON: the action's arguments (replaying them gives the "
           "incident)"),
), key=("incident_id", "seq"))

SESSIONS = StoreTable("sessions", (
    Column("digest", pa.string(), "SHA-256 hex of the session id in the browser's cookie; "
           "the id itself is never stored"),
    Column("user_name", pa.string(), "the user signed in"),
    Column("created_at", UTC_TS, "signed in"),
    Column("last_seen_at", UTC_TS, "last request seen (kept at most a few minutes behind); "
           "idle expiry counts from it"),
), key=("digest",))

PARTNER_KEYS = StoreTable("partner_keys", (
    Column("key_id", pa.string(), "public part of a partner API key, to find its row"),
    Column("agreement_id", pa.string(), "the one agreement whose releases the key may pull"),
    Column("label", pa.string(), "who holds it, for people (e.g. the partner's system)"),
    Column("digest", pa.string(), "SHA-256 hex of the whole key; the key is never stored"),
    Column("created_at", UTC_TS, "issued"),
    Column("created_by", pa.string(), "who issued it"),
    Column("revoked_at", UTC_TS, "revoked; null while the key is valid"),
), key=("key_id",))

STORE_TABLES: dict[str, StoreTable] = {t.name: t for t in (
    VESSELS, VESSEL_HISTORY, EVENTS, INCIDENTS, PARTNERS, AGREEMENTS, AUDIT, USERS, CONFIGS,
    INGESTS, TOKENS, ALERTS, INCIDENT_LOG, SESSIONS, PARTNER_KEYS)}


# -- releases to partners (pantau.share) --------------------------------------------------
# What a partner receives, after the agreement's policy: positions rounded to its precision,
# every row labelled with its TLP and hashed so that the audit log can name it.

_RELEASED = (
    Column("tlp", pa.string(), "TLP 2.0 label: clear, green, amber, amber+strict, red"),
    Column("record_hash", pa.string(), "SHA-256 hex of the released row's canonical JSON"),
)

RELEASE_TRACK_COLUMNS = (
    Column("mmsi", pa.int64(), "vessel"),
    Column("t", UTC_TS, "time of the position (received_at)"),
    Column("lon", pa.float64(), "longitude, degrees, rounded to the agreement's precision"),
    Column("lat", pa.float64(), "latitude, degrees, rounded to the agreement's precision"),
    Column("sog_kn", pa.float64(), "speed over ground, knots"),
    Column("cog_deg", pa.float64(), "course over ground, degrees"),
    Column("heading_deg", pa.float64(), "true heading, degrees"),
    *_RELEASED,
)

RELEASE_VESSEL_COLUMNS = (
    Column("mmsi", pa.int64(), "vessel"),
    Column("shipname", pa.string(), "name"),
    Column("callsign", pa.string(), "call sign"),
    Column("imo", pa.int64(), "IMO number"),
    Column("ship_type", pa.uint8(), "AIS ship and cargo type"),
    Column("length_m", pa.uint16(), "length, metres"),
    Column("flag", pa.string(), "ISO alpha-2 flag from the MMSI"),
    Column("category", pa.string(), "vessel category (watchlist categories)"),
    Column("affiliation", pa.string(), "friend, neutral, hostile, unknown: from the "
           "operator's registry, never from the flag"),
)

RELEASE_EVENT_COLUMNS = (*EVENTS.columns, *_RELEASED)

RELEASE_ALERT_COLUMNS = (
    Column("alert_id", pa.string(), "alert"),
    Column("rule", pa.string(), "rule that raised it"),
    Column("severity", pa.string(), "low, medium, high"),
    Column("event_id", pa.string(), "event that raised it"),
    Column("kind", pa.string(), "event kind"),
    Column("mmsi", pa.int64(), "vessel"),
    Column("other_mmsi", pa.int64(), "second vessel of a pair event"),
    Column("start", UTC_TS, "event start"),
    Column("lat", pa.float64(), "latitude, degrees, rounded to the agreement's precision"),
    Column("lon", pa.float64(), "longitude, degrees, rounded to the agreement's precision"),
    Column("zone", pa.string(), "zone"),
    Column("title", pa.string(), "one line"),
    *_RELEASED,
)

RELEASE_INCIDENT_COLUMNS = (
    Column("incident_id", pa.string(), "incident"),
    Column("title", pa.string(), "title"),
    Column("status", pa.string(), "new, triaged, responding, closed"),
    Column("severity", pa.string(), "low, medium, high"),
    Column("created_at", UTC_TS, "opened"),
    Column("updated_at", UTC_TS, "last change"),
    Column("event_ids", pa.list_(pa.string()), "linked events that are released too"),
    Column("mmsis", pa.list_(pa.int64()), "linked vessels that are not excluded"),
    Column("lat", pa.float64(), "representative latitude (first released event), degrees"),
    Column("lon", pa.float64(), "representative longitude, degrees"),
    Column("summary", pa.string(), "what happened, in one paragraph"),
    *_RELEASED,
)

RELEASE_TABLES: dict[str, pa.Schema] = {
    "tracks": _schema(RELEASE_TRACK_COLUMNS),
    "vessels": _schema(RELEASE_VESSEL_COLUMNS),
    "events": _schema(RELEASE_EVENT_COLUMNS),
    "alerts": _schema(RELEASE_ALERT_COLUMNS),
    "incidents": _schema(RELEASE_INCIDENT_COLUMNS),
}
