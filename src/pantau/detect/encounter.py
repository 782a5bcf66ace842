"""`encounter`: two vessels side by side, nearly stopped, far from any port.

Alongside at sea and slow for hours is how transshipment, bunkering and crew or catch
transfers look from AIS (Global Fishing Watch's encounter events). Pair samples from the
pair stage (``batch.shared["pairs"]``) are turned into runs per pair with
:func:`pantau.detect.pair_runs.pair_runs`, so an encounter open at the end of a batch is
continued by the next one. ``mmsi`` is the lower MMSI of the two.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from pantau.detect.base import Batch, Context, State
from pantau.detect.events import Event, iso_us
from pantau.detect.pair_runs import pair_runs, pairs_of
from pantau.detect.runs import RunRules


@dataclass(frozen=True)
class Params:
    #: "two vessels within 500 m, both under 2 kn, for at least 2 h, at least 10 km from
    #: an anchorage or port" (Global Fishing Watch encounters), DESIGN.md
    max_distance_m: float = 500.0
    max_sog_kn: float = 2.0
    min_duration_s: float = 2 * 3600.0
    min_port_m: float = 10_000.0
    #: samples apart, or faster, tolerated inside an encounter (ours: position noise and
    #: a short drift apart while moored alongside)
    max_break_s: float = 600.0


class Encounter:
    name = "encounter"
    kinds: tuple[str, ...] = ("encounter",)

    def __init__(self, params: Params | None = None) -> None:
        self.params = params or Params()

    def run(self, batch: Batch, ctx: Context, state: State) -> tuple[list[Event], State]:
        p = self.params
        pairs = pairs_of(batch, self.name, p.max_distance_m, unwatched=True)
        # NaN speed or port distance is unknown, never slow or far: it cannot count
        cond = ((pairs.distance_m <= p.max_distance_m) & (pairs.sog_a_kn < p.max_sog_kn)
                & (pairs.sog_b_kn < p.max_sog_kn) & (pairs.port_a_m >= p.min_port_m)
                & (pairs.port_b_m >= p.min_port_m))
        step_s = pairs.params.step_s
        rules = RunRules(step_s, p.max_break_s, p.min_duration_s)
        found, new_state = pair_runs(pairs, np.ones(pairs.n, np.bool_), cond, rules, state,
                                     batch.final)
        params = asdict(p)
        grid = {"step_s": step_s, "max_interp_s": pairs.params.max_interp_s}
        s = found.samples
        n = found.sizes().tolist()
        sog_a, sog_b = found.median(s.sog_a_kn).tolist(), found.median(s.sog_b_kn).tolist()
        port_a = found.reduce(np.minimum, s.port_a_m).tolist()
        port_b = found.reduce(np.minimum, s.port_b_m).tolist()
        events = []
        for r, run in enumerate(found.rows()):
            events.append(Event(
                "encounter", run["key1"], run["start_us"], run["end_us"], run["lat0"],
                run["lon0"], other_mmsi=run["key2"], details={
                    "samples": n[r], "min_distance_m": run["min_v"],
                    "min_distance_at": iso_us(run["t_min_us"]),
                    "mean_distance_m": run["sum_v"] / max(n[r], 1),
                    "median_sog_kn": sog_a[r], "other_median_sog_kn": sog_b[r],
                    "min_port_distance_m": port_a[r], "other_min_port_distance_m": port_b[r],
                    "end_lat": run["lat1"], "end_lon": run["lon1"],
                    "params": params, "pair_grid": grid}))
        return events, new_state
