"""What a scenario is: vessels with their true tracks, receivers, and the scripted
behaviours whose truth is written out; and the registry of scenarios by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pantau.errors import PantauError
from pantau.simulate.fleet import Vessel
from pantau.zones import DistanceGrid

#: AIS VHF range of a coastal or platform station (~40 nm), metres
DEFAULT_RANGE_M = 40 * 1852.0


class ScenarioError(PantauError):
    """A simulation request that cannot be served (unknown scenario, bad duration...)."""


@dataclass(frozen=True)
class Receiver:
    """An AIS base station: it hears every report within ``range_m``, except while down."""

    id: str
    lon: float
    lat: float
    range_m: float = DEFAULT_RANGE_M
    outages: tuple[tuple[float, float], ...] = ()
    offshore: bool = False  # mounted on a platform


@dataclass(frozen=True)
class Scripted:
    """A scripted behaviour's truth, resolved once the reports are known.

    ``resolve`` says how: ``interval`` (the scripted interval as it is), ``platform``
    (time inside the asset's radius, closest point), ``gap`` (last report before the
    silent interval to the first after), ``first_report``, ``rename`` (first static with
    the new identity), ``shared`` (both vessels transmitting).
    """

    kind: str
    behaviour: str
    resolve: str
    vessel: int
    other: int | None = None
    t0: float = 0.0
    t1: float = 0.0
    zone: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scenario:
    name: str
    start: datetime
    hours: float
    seed: int
    vessels: list[Vessel]
    receivers: list[Receiver]
    scripted: list[Scripted]
    #: facts worth printing or checking (receiver outages, scripted times...)
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        return self.hours * 3600.0


Builder = Callable[[datetime, float, int, DistanceGrid], Scenario]
_SCENARIOS: dict[str, Builder] = {}


def register(name: str) -> Callable[[Builder], Builder]:
    def deco(fn: Builder) -> Builder:
        _SCENARIOS[name] = fn
        return fn
    return deco


def scenario_names() -> tuple[str, ...]:
    _load()
    return tuple(sorted(_SCENARIOS))


def build_scenario(name: str, start: datetime, hours: float, seed: int,
                   grid: DistanceGrid) -> Scenario:
    _load()
    if name not in _SCENARIOS:
        raise ScenarioError(f"unknown scenario {name!r}; known: {', '.join(sorted(_SCENARIOS))}")
    if not hours > 0:
        raise ScenarioError(f"hours must be positive, got {hours}")
    if start.tzinfo is None:
        raise ScenarioError("start must be timezone-aware (UTC)")
    return _SCENARIOS[name](start, hours, seed, grid)


def _load() -> None:
    # the scenario modules register themselves on import
    from pantau.simulate import malaysia  # noqa: F401
