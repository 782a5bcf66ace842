"""Running every detector over batches, with their state kept between batches.

`pantau detect` gives the runner one final batch; `pantau ingest` one batch per input,
with the state saved beside the store. Batches must come in time order: positions
received at or before the last batch's newest one are counted as late and left out of
detection (they are still archived), since an episode already closed cannot be reopened
without re-running from the start.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.ipc
import pyarrow.parquet as pq

from pantau.detect.ais_gap import AisGap
from pantau.detect.base import Batch, Context, Detector, State
from pantau.detect.errors import DetectError
from pantau.detect.events import Event, sort_events
from pantau.detect.frame import Frame
from pantau.detect.identity_anomaly import IdentityAnomaly
from pantau.detect.loitering import Loitering
from pantau.detect.zone_crossing import ZoneCrossing
from pantau.registry.schema import IDENTITY_HISTORY


class Stage(Protocol):
    """A product several detectors share, computed once per batch (e.g. nearby pairs)."""

    name: str

    def run(self, batch: Batch, ctx: Context, state: State) -> tuple[Any, State]:
        ...


#: bump when a detector's state tables change shape: older state is then refused
STATE_VERSION = 1


def default_detectors() -> list[Detector]:
    from pantau.detect.close_approach import CloseApproach
    from pantau.detect.encounter import Encounter
    from pantau.detect.escort import Escort

    return [ZoneCrossing(), Loitering(), Encounter(), Escort(), CloseApproach(), AisGap(),
            IdentityAnomaly()]


def default_stages() -> list[Stage]:
    from pantau.detect.pairs import PairStage

    return [PairStage()]


@dataclass
class StepReport:
    events: list[Event]
    positions: int = 0
    late: int = 0  # positions at or before the previous watermark, not detected on
    by_kind: dict[str, int] = field(default_factory=dict)


class Runner:
    """Detectors plus their state; :meth:`step` once per batch, ``final`` on the last."""

    def __init__(self, ctx: Context, detectors: Sequence[Detector] | None = None,
                 stages: Sequence[Stage] | None = None) -> None:
        self.ctx = ctx
        self.detectors = list(detectors) if detectors is not None else default_detectors()
        self.stages = list(stages) if stages is not None else default_stages()
        names = [d.name for d in self.detectors] + [s.name for s in self.stages]
        if len(set(names)) != len(names):
            raise DetectError(f"detector names must be unique, got {names}")
        self.state: dict[str, State] = {}
        self.watermark_us: int | None = None
        self.generation = 0

    def step(self, frame: Frame, history: pa.Table | None = None, final: bool = False
             ) -> StepReport:
        late = 0
        if self.watermark_us is not None and frame.n:
            fresh = frame.t_us > self.watermark_us
            late = int(frame.n - fresh.sum())
            if late:
                frame = frame.take(np.flatnonzero(fresh))
        if frame.n:
            newest = int(frame.t_us.max())
            self.watermark_us = newest if self.watermark_us is None \
                else max(self.watermark_us, newest)
        watermark = self.watermark_us if self.watermark_us is not None else 0
        shared: dict[str, object] = {}
        batch = Batch(frame, watermark, final,
                      history if history is not None else IDENTITY_HISTORY.empty_table(),
                      shared)
        for stage in self.stages:
            out, self.state[stage.name] = stage.run(batch, self.ctx,
                                                    self.state.get(stage.name, {}))
            shared[stage.name] = out
        events: dict[str, Event] = {}
        for det in self.detectors:
            found, self.state[det.name] = det.run(batch, self.ctx, self.state.get(det.name, {}))
            for e in found:
                events[e.event_id] = e
        ordered = sort_events(events.values())
        by_kind: dict[str, int] = {}
        for e in ordered:
            by_kind[e.kind] = by_kind.get(e.kind, 0) + 1
        return StepReport(ordered, frame.n, late, by_kind)

    # -- state on disk (ingest) -----------------------------------------------------------
    def save(self, directory: str | Path) -> None:
        """Write a new generation of state files, then the index naming them (one atomic
        rename), then remove the older generation: a crash leaves the old state whole."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        self.generation += 1
        files: dict[str, dict[str, str]] = {}
        for name, tables in self.state.items():
            files[name] = {}
            for key, table in tables.items():
                # Arrow IPC, uncompressed: the live service saves state every half second
                # and Parquet's encoding cost a third of each batch
                fname = f"{name}.{key}.{self.generation}.arrow"
                with pa.OSFile(str(d / fname), "wb") as sink, \
                        pa.ipc.new_file(sink, table.schema) as writer:
                    writer.write_table(table)
                files[name][key] = fname
        index = {"version": STATE_VERSION, "watermark_us": self.watermark_us,
                 "generation": self.generation, "files": files}
        tmp = d / "index.json.partial"
        tmp.write_text(json.dumps(index, sort_keys=True))
        os.replace(tmp, d / "index.json")
        keep = {f for tables in files.values() for f in tables.values()}
        for old in [*d.glob("*.parquet"), *d.glob("*.arrow")]:
            if old.name not in keep:
                old.unlink(missing_ok=True)

    def load(self, directory: str | Path) -> None:
        d = Path(directory)
        path = d / "index.json"
        if not path.exists():
            return
        try:
            index = json.loads(path.read_text())
        except (OSError, ValueError) as e:
            raise DetectError(f"{path}: detector state unreadable ({e})") from None
        if index.get("version") != STATE_VERSION:
            raise DetectError(f"{path}: detector state version {index.get('version')}, "
                              f"this pantau writes {STATE_VERSION}")
        self.watermark_us = index["watermark_us"]
        self.generation = int(index.get("generation", 0))
        self.state = {name: {key: _read_state(d / fname) for key, fname in tables.items()}
                      for name, tables in index["files"].items()}


def _read_state(path: Path) -> pa.Table:
    # state saved before the switch to Arrow IPC is Parquet; both load
    if path.suffix == ".parquet":
        return pq.read_table(path)
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all()
