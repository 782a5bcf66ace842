"""The demo's sharing step: the illustrative sample agreements, one release under each, and
the audit chain that records them (imported by `pantau demo`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.compute as pc
from rich.table import Table

from pantau.cli._console import console
from pantau.cli.agreements import sample_text
from pantau.pipeline.config import load_zoneset
from pantau.share import audit, registry
from pantau.share.agreements_file import parse_agreements
from pantau.share.export import ShareRefused, release_to, write_release
from pantau.share.formats import render
from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore

ACTOR = "demo"
#: each partner gets the last hours of the scenario, as a routine periodic feed would
WINDOW = timedelta(hours=6)


def share_step(data_dir: Path) -> None:
    out = data_dir / "releases"
    out.mkdir(exist_ok=True)
    archive = PositionArchive(data_dir)
    days = archive.days()
    now = datetime.now(UTC)
    table = Table(title="releases under the sample agreements (terms illustrative)",
                  title_justify="left")
    for name in ("agreement", "partner", "status now", "released", "withheld (main reason)"):
        table.add_column(name)
    with EmbeddedStore(data_dir) as store:
        zones = load_zoneset(store)
        if not registry.load_all(store):
            parsed = parse_agreements(sample_text(), zones.names,
                                      source="sample:malaysia.yaml")
            registry.import_file(store, parsed, ACTOR, now)
        end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), UTC) \
            if days else now
        last = archive.query(since=end - timedelta(days=1), columns=["received_at"],
                             order=False) if days else None
        if last is not None and last.num_rows:
            end = pc.max(last.column("received_at")).as_py() + timedelta(seconds=1)
        since = end - WINDOW
        for a in registry.load_all(store):
            status = a.status_at(now)
            try:
                outcome = release_to(store, archive, a.agreement_id, "geojson", render, ACTOR,
                                     since, end, now=now, zones=zones)
            except ShareRefused:
                table.add_row(a.agreement_id, ",".join(a.partners), f"[red]{status}[/]",
                              "nothing (refused, audited)", "-")
                continue
            write_release(outcome, out / f"{a.agreement_id}.geojson")
            counts = outcome.release.counts()
            released = ", ".join(f"{n:,} {k}" for k, n in counts.items() if n) or "nothing"
            reasons: dict[str, int] = {}
            for per in outcome.release.denied.values():
                for reason, n in per.items():
                    reasons[reason] = reasons.get(reason, 0) + n
            main = max(reasons.items(), key=lambda kv: kv[1]) if reasons else None
            withheld = (f"{sum(reasons.values()):,} ({main[0]})" if main else "0")
            table.add_row(a.agreement_id, ",".join(a.partners), f"[green]{status}[/]",
                          released, withheld)
        head = audit.head(store)
        chain = audit.verify_store(store)
    console.print(table)
    console.print(f"   releases of {since:%Y-%m-%d %H:%M}-{end:%H:%M} UTC in {out}, each with "
                  f"a manifest; audit chain: {chain.describe()}", soft_wrap=True)
    console.print(f"   hand the head hash {head.hash[:16]}... to the oversight body; "
                  f"`pantau audit verify --data-dir {data_dir}` checks the chain",
                  soft_wrap=True, highlight=False)
