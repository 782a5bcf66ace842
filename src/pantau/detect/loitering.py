"""`loitering`: a vessel slow for long, away from shore and ports.

Slow, offshore and far from ports is how transshipment and waiting for a rendezvous look
from AIS when the other vessel is dark. Runs of such positions are found per segment with
:func:`pantau.detect.runs.find_runs`, so a run open at the end of a batch is continued by
the next one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from pantau.detect.base import Batch, Context, State
from pantau.detect.events import Event, iso_us
from pantau.detect.runs import RunRules, Runs, find_runs

NM_M = 1852.0


@dataclass(frozen=True)
class Params:
    #: "under 2 kn for at least 4 h, at least 20 nm from shore" (Global Fishing Watch
    #: loitering events; Starboard uses the same 2 kn), DESIGN.md
    max_sog_kn: float = 2.0
    min_duration_s: float = 4 * 3600.0
    min_shore_m: float = 20 * NM_M
    #: away from ports as for encounters (GFW: 10 km from an anchorage or port)
    min_port_m: float = 10_000.0
    #: a silence longer than this ends the run: the vessel may have moved on unseen
    #: (ours; three times the 1 h near-receiver gap threshold of MarineTraffic)
    max_silence_s: float = 3 * 3600.0
    #: positions above the speed (noise, a short repositioning) tolerated inside a run
    max_break_s: float = 600.0


class Loitering:
    name = "loitering"
    kinds: tuple[str, ...] = ("loitering",)

    def __init__(self, params: Params | None = None) -> None:
        self.params = params or Params()

    def run(self, batch: Batch, ctx: Context, state: State) -> tuple[list[Event], State]:
        p = self.params
        f = batch.frame
        # NaN speed or distance is unknown, never slow or far: it cannot count
        cond = (f.sog_kn < p.max_sog_kn) & (f.shore_m >= p.min_shore_m) \
            & (f.port_m >= p.min_port_m)
        order = f.by_segment
        rules = RunRules(p.max_silence_s, p.max_break_s, p.min_duration_s)
        closed, still_open = find_runs(
            f.mmsi[order], f.segment[order], f.t_us[order], np.zeros(f.n, np.int64),
            cond[order], f.sog_kn[order], f.lat[order], f.lon[order],
            Runs.from_table(state.get("open")), rules, batch.watermark_us, batch.final)
        params = asdict(p)
        events = []
        for r in range(len(closed)):
            ints = dict(zip(("mmsi", "segment", "start", "end", "n"),
                            (int(closed.ints[r, k]) for k in (0, 1, 2, 3, 6)), strict=True))
            lat0, lon0, lat1, lon1 = (float(closed.col(c)[r])
                                      for c in ("lat0", "lon0", "lat1", "lon1"))
            events.append(Event("loitering", ints["mmsi"], ints["start"], ints["end"],
                                lat0, lon0, details={
                "segment_id": ints["segment"], "positions": ints["n"],
                "mean_sog_kn": float(closed.col("sum_v")[r]) / max(ints["n"], 1),
                "min_sog_kn": float(closed.col("min_v")[r]),
                "end_lat": lat1, "end_lon": lon1,
                "lowest_speed_at": iso_us(int(closed.col("t_min_us")[r])),
                "params": params}))
        return events, {"open": still_open.to_table()}
