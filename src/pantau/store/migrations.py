"""Versioned schema migrations for the operational store.

Each migration is frozen SQL text that both DuckDB and PostgreSQL accept: once released,
a migration never changes; a schema change is a new migration at the end of the list.
A conformance test checks that the migrated tables match pantau.schema.STORE_TABLES.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: the operational tables
    (
        """CREATE TABLE "vessels" ("mmsi" BIGINT, "shipname" TEXT, "callsign" TEXT,
        "imo" BIGINT, "ship_type" INTEGER, "length_m" INTEGER,
        "beam_m" INTEGER, "flag" TEXT, "mmsi_kind" TEXT, "first_seen" TIMESTAMPTZ,
        "last_seen" TIMESTAMPTZ, "n_static_reports" BIGINT, "category" TEXT,
        "category_basis" TEXT, PRIMARY KEY ("mmsi"))""",
        """CREATE TABLE "vessel_history" ("mmsi" BIGINT, "field" TEXT, "old_value" TEXT,
        "new_value" TEXT, "changed_at" TIMESTAMPTZ,
        PRIMARY KEY ("mmsi", "field", "changed_at", "new_value"))""",
        """CREATE TABLE "events" ("event_id" TEXT, "kind" TEXT, "mmsi" BIGINT,
        "other_mmsi" BIGINT, "start" TIMESTAMPTZ, "end" TIMESTAMPTZ, "lat" DOUBLE PRECISION,
        "lon" DOUBLE PRECISION, "zone" TEXT, "duration_s" DOUBLE PRECISION, "details" TEXT,
        PRIMARY KEY ("event_id"))""",
        """CREATE TABLE "incidents" ("incident_id" TEXT, "title" TEXT, "status" TEXT,
        "severity" TEXT, "assignee" TEXT, "created_at" TIMESTAMPTZ, "updated_at" TIMESTAMPTZ,
        "details" TEXT, PRIMARY KEY ("incident_id"))""",
        """CREATE TABLE "partners" ("code" TEXT, "name" TEXT, PRIMARY KEY ("code"))""",
        """CREATE TABLE "agreements" ("agreement_id" TEXT, "version" BIGINT, "status" TEXT,
        "effective_at" TIMESTAMPTZ, "terms" TEXT, PRIMARY KEY ("agreement_id", "version"))""",
        """CREATE TABLE "audit" ("seq" BIGINT, "at" TIMESTAMPTZ, "actor" TEXT, "action" TEXT,
        "agreement_id" TEXT, "entry" TEXT, "prev_hash" TEXT, "hash" TEXT,
        PRIMARY KEY ("seq"))""",
        """CREATE TABLE "users" ("name" TEXT, "role" TEXT, "password_hash" TEXT,
        "created_at" TIMESTAMPTZ, PRIMARY KEY ("name"))""",
        """CREATE TABLE "configs" ("kind" TEXT, "name" TEXT, "version" BIGINT,
        "created_at" TIMESTAMPTZ, "sha256" TEXT, "content" TEXT,
        PRIMARY KEY ("kind", "name", "version"))""",
    ),
    # 2: ingest bookkeeping, so that re-ingesting an input is a no-op and a killed run is
    # redone
    (
        """CREATE TABLE "ingests" ("run_id" TEXT, "input" TEXT, "fingerprint" TEXT,
        "started_at" TIMESTAMPTZ, "finished_at" TIMESTAMPTZ, "status" TEXT, "counts" TEXT,
        PRIMARY KEY ("run_id"))""",
        """CREATE INDEX "ingests_fingerprint" ON "ingests" ("fingerprint")""",
    ),
    # 3: API tokens (users.password_hash stays for web sessions); only digests are kept
    (
        """CREATE TABLE "tokens" ("token_id" TEXT, "user_name" TEXT, "digest" TEXT,
        "created_at" TIMESTAMPTZ, "revoked_at" TIMESTAMPTZ, PRIMARY KEY ("token_id"))""",
    ),
    # 4: alerts as kept (acknowledgement, incident) and the append-only log of every change
    # to an incident
    (
        """CREATE TABLE "alerts" ("alert_id" TEXT, "rule" TEXT, "severity" TEXT,
        "event_id" TEXT, "kind" TEXT, "mmsi" BIGINT, "other_mmsi" BIGINT,
        "start" TIMESTAMPTZ, "lat" DOUBLE PRECISION, "lon" DOUBLE PRECISION, "zone" TEXT,
        "title" TEXT, "raised_at" TIMESTAMPTZ, "acknowledged_by" TEXT,
        "acknowledged_at" TIMESTAMPTZ, "incident_id" TEXT, PRIMARY KEY ("alert_id"))""",
        """CREATE INDEX "alerts_start" ON "alerts" ("start")""",
        """CREATE TABLE "incident_log" ("incident_id" TEXT, "seq" BIGINT, "at" TIMESTAMPTZ,
        "actor" TEXT, "action" TEXT, "detail" TEXT, PRIMARY KEY ("incident_id", "seq"))""",
    ),
    # 5: web sessions (the operations picture signs in with a password); only a digest of
    # the session id is kept, as for tokens
    (
        """CREATE TABLE "sessions" ("digest" TEXT, "user_name" TEXT, "created_at" TIMESTAMPTZ,
        "last_seen_at" TIMESTAMPTZ, PRIMARY KEY ("digest"))""",
    ),
    # 6: partner API keys, each scoped to one agreement; only digests are kept
    (
        """CREATE TABLE "partner_keys" ("key_id" TEXT, "agreement_id" TEXT, "label" TEXT,
        "digest" TEXT, "created_at" TIMESTAMPTZ, "created_by" TEXT, "revoked_at" TIMESTAMPTZ,
        PRIMARY KEY ("key_id"))""",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)
