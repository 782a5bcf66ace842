"""Producing AIS traffic: payload encoding and NMEA framing (the inverse of
pantau.decode), and the reference-scenario simulator with its truth.

>>> from pantau.simulate import simulate
>>> sim = simulate("malaysia", hours=1)          # doctest: +SKIP
>>> sim.write_feed("feed.nmea")                   # doctest: +SKIP
"""

from pantau.simulate.encode import STANDARD_BITS, encode_payload, sentences, tagged
from pantau.simulate.scenario import Scenario, ScenarioError, scenario_names
from pantau.simulate.simulation import (
    DEFAULT_HOURS,
    DEFAULT_SCENARIO,
    DEFAULT_SEED,
    Simulation,
    Stats,
    WatchlistRow,
    simulate,
    simulate_to_files,
    watchlist_csv,
)
from pantau.simulate.truth import dumps_truth, write_truth

__all__ = [
    "DEFAULT_HOURS",
    "DEFAULT_SCENARIO",
    "DEFAULT_SEED",
    "STANDARD_BITS",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "Stats",
    "WatchlistRow",
    "dumps_truth",
    "encode_payload",
    "scenario_names",
    "sentences",
    "simulate",
    "simulate_to_files",
    "tagged",
    "watchlist_csv",
    "write_truth",
]
