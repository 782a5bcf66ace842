"""`escort`: a survey ship working with a coast-guard, militia or navy vessel alongside.

Foreign survey ships in the Malaysian EEZ have worked under coast-guard escort (DESIGN.md,
the Sarawak and Sabah EEZ): the pair sails the same survey lines together, near each other,
at the same speed and course. Runs per pair of the pair stage's samples
(:func:`pantau.detect.pair_runs.pair_runs`); ``mmsi`` is the survey ship, ``other_mmsi`` the
escort. Survey ships come from the watchlist (AIS has no ship type for them).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from pantau.detect.base import Batch, Context, State, category_codes
from pantau.detect.events import Event, iso_us
from pantau.detect.pair_runs import course_diff_deg, pair_runs, pairs_of
from pantau.detect.runs import RunRules


@dataclass(frozen=True)
class Params:
    #: the escorted ship's category and its escorts' (DESIGN.md: survey ships "work under
    #: coast-guard escort"; militia and navy vessels have done the same)
    survey_categories: tuple[str, ...] = ("survey",)
    escort_categories: tuple[str, ...] = ("coast_guard", "maritime_militia", "navy")
    #: together: within 2 km, both under way (at least 1 kn), course within 30 degrees and
    #: speed within 3 kn of each other, for at least 2 h (ours: an escort keeps station a
    #: mile or so off; 2 h as for encounters, GFW)
    max_distance_m: float = 2000.0
    min_sog_kn: float = 1.0
    max_cog_diff_deg: float = 30.0
    max_sog_diff_kn: float = 3.0
    min_duration_s: float = 2 * 3600.0
    #: turns at the ends of survey lines break formation for a while (ours)
    max_break_s: float = 1200.0


class Escort:
    name = "escort"
    kinds: tuple[str, ...] = ("escort",)

    def __init__(self, params: Params | None = None) -> None:
        self.params = params or Params()

    def run(self, batch: Batch, ctx: Context, state: State) -> tuple[list[Event], State]:
        p = self.params
        pairs = pairs_of(batch, self.name, p.max_distance_m)
        survey = category_codes(p.survey_categories)
        escort = category_codes(p.escort_categories)
        a_survey = np.isin(pairs.cat_a, survey)
        b_survey = np.isin(pairs.cat_b, survey)
        keep = (a_survey & np.isin(pairs.cat_b, escort)) | (b_survey & np.isin(pairs.cat_a, escort))
        cog_diff = course_diff_deg(pairs.cog_a_deg, pairs.cog_b_deg)
        sog_diff = np.abs(pairs.sog_a_kn - pairs.sog_b_kn)
        # NaN speed or course is unknown: it cannot show two ships moving together
        cond = ((pairs.distance_m <= p.max_distance_m) & (pairs.sog_a_kn >= p.min_sog_kn)
                & (pairs.sog_b_kn >= p.min_sog_kn) & (cog_diff <= p.max_cog_diff_deg)
                & (sog_diff <= p.max_sog_diff_kn))
        step_s = pairs.params.step_s
        rules = RunRules(step_s, p.max_break_s, p.min_duration_s)
        found, new_state = pair_runs(pairs, keep, cond, rules, state, batch.final)
        params = asdict(p)
        grid = {"step_s": step_s, "max_interp_s": pairs.params.max_interp_s}
        s = found.samples
        n = found.sizes().tolist()
        # the survey ship's side: a unless b is the survey ship
        flip = np.isin(found.first(s.cat_b), survey).tolist()
        sog_a, sog_b = found.median(s.sog_a_kn).tolist(), found.median(s.sog_b_kn).tolist()
        cog_diff = found.median(course_diff_deg(s.cog_a_deg, s.cog_b_deg)).tolist()
        sog_diff = found.reduce(np.maximum, np.abs(s.sog_a_kn - s.sog_b_kn)).tolist()
        events = []
        for r, run in enumerate(found.rows()):
            a, b = run["key1"], run["key2"]
            events.append(Event(
                "escort", b if flip[r] else a, run["start_us"], run["end_us"], run["lat0"],
                run["lon0"], other_mmsi=a if flip[r] else b, details={
                    "samples": n[r], "min_distance_m": run["min_v"],
                    "min_distance_at": iso_us(run["t_min_us"]),
                    "mean_distance_m": run["sum_v"] / max(n[r], 1),
                    "median_sog_kn": sog_b[r] if flip[r] else sog_a[r],
                    "escort_median_sog_kn": sog_a[r] if flip[r] else sog_b[r],
                    "median_cog_diff_deg": cog_diff[r], "max_sog_diff_kn": sog_diff[r],
                    "end_lat": run["lat1"], "end_lon": run["lon1"],
                    "params": params, "pair_grid": grid}))
        return events, new_state
