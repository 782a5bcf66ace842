"""`pantau demo`: the main job, end to end, with what exists so far.

Today that is the decoder and the ingest pipeline (archive, tracks, zones, registry) on a
real recording shipped with the package (Danish Maritime Authority, 2010). The Malaysia
reference scenario, detection, sharing and the served operations picture join this
command as they are built; the demo says so rather than pretending.
"""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import pyarrow.compute as pc
import typer
from rich.table import Table

from pantau.cli._console import console, user_errors
from pantau.cli.decode import print_summary
from pantau.decode import Decoder, decode_inputs
from pantau.pipeline import config
from pantau.pipeline.ingest import Ingestor
from pantau.store.decoded import DecodedWriter, read_table
from pantau.store.embedded import EmbeddedStore

SAMPLE = "dma_stream_example.nmea"


def sample_path() -> Path:
    return Path(str(resources.files("pantau.data").joinpath("samples", SAMPLE)))


def demo(
    data_dir: Annotated[Path, typer.Option(help="Where the demo keeps its data.")]
    = Path("pantau-data"),
    port: Annotated[int, typer.Option(help="Port for the operations picture.")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Exit after the summary.")]
    = False,
) -> None:
    """Run the reference job end to end and print what it found."""
    out = data_dir / "demo" / "decoded"
    with user_errors():
        console.rule("[bold]pantau demo")
        console.print(f"1. decoding a real AIS recording: {SAMPLE} "
                      "(Danish Maritime Authority, 2010-06-11, Apache-2.0)")
        decoder = Decoder()
        started = time.perf_counter()
        with DecodedWriter(out, overwrite=True) as writer:
            for batch in decode_inputs([str(sample_path())], decoder=decoder):
                writer.write(batch)
        print_summary(decoder.counts, time.perf_counter() - started, out)
        _print_vessels(out)
        console.print(f"\n3. ingesting it into {data_dir} (tracks, zones, vessel registry; "
                      "an input already ingested is skipped)")
        _ingest(data_dir)
    console.print(
        "\nNot built yet, and so not shown: the Malaysia reference scenario (simulator), "
        "behaviour detection, incidents, partner sharing and the web operations picture. "
        "Each lands in this command as it is built.")
    if not no_serve:
        console.print(f"(The operations picture is not built yet: nothing to serve on port "
                      f"{port}.)")


def _ingest(data_dir: Path) -> None:
    with EmbeddedStore(data_dir) as store:
        config.use_zones(store, None)
        zones = config.load_zoneset(store)
    ingestor = Ingestor(data_dir, config.geography(zones, data_dir / "cache"))
    try:
        report = ingestor.ingest(str(sample_path()))
    finally:
        ingestor.close()
    with EmbeddedStore(data_dir, read_only=True) as store:
        vessels = store.select("vessels")
        n_history = store.count("vessel_history")
    flags = pc.value_counts(vessels["flag"].drop_null()).to_pylist()
    top = sorted(flags, key=lambda f: -f["counts"])[:5]
    state = "already ingested: nothing to do" if report.skipped else (
        f"{report.positions:,} positions archived, segmented and labelled with "
        f"{len(zones)} reference zones in {report.seconds:.1f} s")
    console.print(f"   {state}")
    console.print(f"   registry: {vessels.num_rows:,} vessels, {n_history} identity changes; "
                  "flags " + ", ".join(f"{f['values']} {f['counts']}" for f in top))
    console.print(f"   try: pantau stats --data-dir {data_dir}; pantau vessels --data-dir "
                  f"{data_dir}; pantau track 219000352 --data-dir {data_dir}")


def _print_vessels(out: Path) -> None:
    positions = read_table(out, "positions")
    statics = read_table(out, "statics")
    if positions.num_rows == 0:
        return
    counts = positions.group_by("mmsi").aggregate([("mmsi", "count")])
    counts = counts.sort_by([("mmsi_count", "descending")]).slice(0, 10)
    named = statics.filter(pc.is_valid(statics["shipname"]))
    names = named.group_by("mmsi", use_threads=False).aggregate(
        [("shipname", "last"), ("ship_type", "last")])
    joined = counts.join(names, "mmsi", join_type="left outer").sort_by(
        [("mmsi_count", "descending")])
    table = Table("mmsi", "name", "ship type", "positions",
                  title=f"2. busiest of {pa.compute.count_distinct(positions['mmsi']).as_py()} "
                        "vessels", title_justify="left")
    for row in joined.to_pylist():
        table.add_row(str(row["mmsi"]), row["shipname_last"] or "-",
                      str(row["ship_type_last"] or "-"), f"{row['mmsi_count']:,}")
    console.print(table)
