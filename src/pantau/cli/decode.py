"""`pantau decode INPUT... --out DIR`: raw AIS to Parquet tables, with a summary."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pantau.cli._console import byte_progress, console, user_errors
from pantau.decode import DecodeCounts, DecodeOptions, Decoder, decode_inputs
from pantau.decode.sources import check_readable, input_size
from pantau.store.decoded import DecodedWriter


def decode(
    inputs: Annotated[list[str], typer.Argument(
        help="NMEA files (plain or gzip), or - for standard input.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the Parquet tables.")],
    strict: Annotated[bool, typer.Option(help="Exit with status 1 if anything was rejected.")]
    = False,
    dedup: Annotated[bool, typer.Option(help="Decode a message heard by several receivers once.")]
    = True,
    dedup_window: Annotated[float, typer.Option(help="Duplicate window, seconds.")] = 10.0,
    strict_tag_checksum: Annotated[bool, typer.Option(
        help="Reject records whose tag block checksum is wrong (default: decode, count).")]
    = False,
    force: Annotated[bool, typer.Option(help="Replace existing tables in --out.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Decode AIS into DIR/positions, statics, stations, aids, other and rejects.parquet."""
    with user_errors():
        options = DecodeOptions(dedup=dedup, dedup_window_s=dedup_window,
                                strict_tag_checksum=strict_tag_checksum)
        for name in inputs:
            check_readable(name)
        decoder = Decoder(options)
        sizes = [input_size(name) for name in inputs]
        total = sum(s for s in sizes if s) if all(sizes) else None
        started = time.perf_counter()
        with DecodedWriter(out, overwrite=force) as writer, \
                byte_progress(total, "decoding") as advance:
            for batch in decode_inputs(inputs, decoder=decoder, on_raw_bytes=advance):
                writer.write(batch)
        elapsed = time.perf_counter() - started
    counts = decoder.counts
    if as_json:
        typer.echo(json.dumps(summary_dict(counts, elapsed, writer.rows), indent=2))
    else:
        print_summary(counts, elapsed, out)
    if strict and counts.n_rejected:
        raise typer.Exit(1)


def summary_dict(counts: DecodeCounts, elapsed: float, rows: dict[str, int]) -> dict[str, object]:
    return {
        "lines": counts.lines, "records": counts.records, "decoded": counts.decoded,
        "fragments": counts.fragments, "skipped": counts.skipped, "rejected": counts.rejected,
        "tag_checksum_warnings": counts.tag_checksum_warnings,
        "messages_by_type": {str(k): v for k, v in sorted(counts.by_type.items())},
        "rows": rows, "seconds": round(elapsed, 3),
        "messages_per_s": round(counts.decoded / elapsed) if elapsed > 0 else None,
    }


def print_summary(counts: DecodeCounts, elapsed: float, out: Path | None) -> None:
    overview = Table(title="decoded", show_header=False, title_justify="left")
    rate = f"{counts.decoded / elapsed:,.0f} messages/s" if elapsed > 0 else "-"
    for label, value in (("lines read", counts.lines), ("records", counts.records),
                         ("messages decoded", counts.decoded),
                         ("fragments joined", counts.fragments),
                         ("skipped", counts.n_skipped), ("rejected", counts.n_rejected)):
        overview.add_row(label, f"{value:,}")
    overview.add_row("time", f"{elapsed:.2f} s ({rate})")
    if counts.tag_checksum_warnings:
        overview.add_row("tag checksum warnings", f"{counts.tag_checksum_warnings:,}")
    console.print(overview)
    by_type = Table("type", "messages", title="messages per type", title_justify="left")
    for t, n in sorted(counts.by_type.items()):
        by_type.add_row(str(t), f"{n:,}")
    console.print(by_type)
    for title, reasons in (("skipped", counts.skipped), ("rejected", counts.rejected)):
        if reasons:
            table = Table("reason", "records", title=f"{title} per reason", title_justify="left")
            for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
                table.add_row(reason, f"{n:,}")
            console.print(table)
    if out is not None:
        console.print(f"tables written to [bold]{out}[/]")
