"""The ``malaysia`` reference scenario: the Straits of Malacca, the east coast of the
Peninsula, Sarawak with Luconia Shoals, and Sabah.

Background traffic (:mod:`~pantau.simulate.malaysia_traffic`) and scripted behaviours
(:mod:`~pantau.simulate.malaysia_scripts`) are laid out on the places of
:mod:`~pantau.simulate.malaysia_places`. The default start, 2025-09-15T00:00:00Z, opens
the second active window of the illustrative Exercise Area Alpha.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from pantau.simulate import malaysia_places as P
from pantau.simulate import malaysia_scripts as S
from pantau.simulate.fleet import Registry
from pantau.simulate.malaysia_traffic import (
    EAST_COAST_BOATS,
    SARAWAK_BOATS,
    H,
    World,
    build_lanes,
    fishing_fleet,
    port_traffic,
    through_traffic,
)
from pantau.simulate.scenario import Scenario, register
from pantau.zones import DistanceGrid

DEFAULT_START = datetime(2025, 9, 15, tzinfo=UTC)


@register("malaysia")
def build(start: datetime, hours: float, seed: int, grid: DistanceGrid) -> Scenario:
    rng = np.random.default_rng(seed)
    duration = hours * H
    a, b = P.OUTAGE_H
    receivers = [replace(r, outages=((a * H, b * H),)) if r.id == P.OUTAGE_RECEIVER else r
                 for r in P.RECEIVERS]
    reg = Registry(np.random.default_rng(int(rng.integers(0, 2**63))),
                   (start.month, start.day))
    world = World(start, duration, rng, reg, receivers, grid)
    build_lanes(world)

    S.luconia_patrols(world)
    S.survey_with_escort(world)
    avoid = S.supply_and_close_approach(world)
    S.encounter(world, P.ENCOUNTER_FISHER_CELL)
    S.dark_vessel(world)
    S.shared_mmsi(world)
    S.identity_change(world)
    S.stray(world)

    through_traffic(world)
    port_traffic(world, skip_slots={"Port Klang": {S.KLANG_SLOT_SHARED}})
    east = fishing_fleet(world, P.EAST_COAST_GROUNDS, EAST_COAST_BOATS, "east",
                         avoid=[P.ENCOUNTER_FISHER_CELL], avoid_m=P.FISHING_CELL_M)
    S.invalid_mmsi(world, east[0])
    fishing_fleet(world, P.SARAWAK_GROUNDS, SARAWAK_BOATS, "sarawak", avoid=avoid,
                  avoid_m=8000.0)
    notes = {
        "spans_h": dict(S.SPANS), "at_h": dict(S.AT),
        "outage": {"receiver": P.OUTAGE_RECEIVER, "start_h": a, "end_h": b},
    }
    return Scenario("malaysia", start, hours, seed, world.vessels, receivers,
                    world.scripted, notes)
