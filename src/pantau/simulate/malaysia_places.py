"""Where things are in the Malaysia scenario: lanes, anchorages, berths, fishing grounds,
routes and receivers.

Coordinates were placed against the shipped land (Natural Earth 10m), EEZ and zones, and
are checked by the tests: every track stays off land, inside receiver coverage, and the
Straits lanes stay clear of Exercise Area Alpha (100.85-101.05E, 2.5-2.7N), which lies
about 20 km south-west of the south-east-bound lane, outside EEZ-MYS. Stations,
anchorage layouts and the offshore receivers are illustrative, like the platforms.
"""

from __future__ import annotations

from dataclasses import dataclass

from pantau.simulate.paths import Point
from pantau.simulate.scenario import Receiver

NM = 1852.0

#: centreline of the Straits of Malacca traffic separation scheme, north-west to south-east
#: (the separation zone); lanes lie either side of it, traffic keeping to starboard
STRAIT_CENTRE: tuple[Point, ...] = (
    (99.55, 6.25), (99.80, 5.75), (100.02, 5.05), (100.30, 4.40), (100.62, 3.62),
    (100.92, 3.12), (101.21, 2.80), (101.46, 2.60), (101.72, 2.40), (101.99, 2.20),
    (102.27, 2.00), (102.56, 1.78), (102.88, 1.55), (103.15, 1.36), (103.40, 1.205),
    (103.52, 1.18), (103.70, 1.185), (103.95, 1.21),
)
LANE_OFFSET_M = 1500.0  # lane centre from the separation line
LANE_SPREAD_M = 450.0  # vessels spread across their lane (sd)
LANE_TURN_M = 2500.0  # turning radius of deep-sea ships at lane bends


@dataclass(frozen=True)
class Port:
    """A port's approaches. Berths and anchorage slots lie at least 450 m from any zone
    border, so that ships creeping in and out do not cross one at walking pace (where
    position noise alone would flip them in and out)."""

    name: str
    #: lane point where port traffic leaves or joins the scheme
    junction: Point
    #: from the junction to the anchorage (last point: its centre)
    to_anchorage: tuple[Point, ...]
    #: from the anchorage to the inner approach, then each berth is reached from there
    to_berths: tuple[Point, ...]
    berths: tuple[Point, ...]
    anchorage_rows: int
    anchorage_cols: int
    anchorage_spacing_m: float = 1200.0
    anchorage_axis_deg: float = 0.0  # direction of the rows


PORTS: tuple[Port, ...] = (
    Port("Port Klang", junction=(101.14, 2.88), to_anchorage=((101.225, 2.865),),
         to_berths=((101.265, 2.895), (101.27, 2.93), (101.285, 2.955), (101.305, 2.970)),
         berths=((101.318, 2.978), (101.336, 2.991), (101.349, 3.005), (101.347, 3.019)),
         anchorage_rows=3, anchorage_cols=4, anchorage_axis_deg=140.0),
    Port("Port of Tanjung Pelepas", junction=(103.47, 1.215), to_anchorage=((103.535, 1.252),),
         to_berths=((103.555, 1.285), (103.562, 1.318)),
         berths=((103.570, 1.336), (103.585, 1.3365), (103.600, 1.337)),
         anchorage_rows=2, anchorage_cols=4, anchorage_axis_deg=75.0),
    Port("Penang", junction=(99.93, 5.40), to_anchorage=((100.20, 5.51), (100.295, 5.525)),
         to_berths=((100.335, 5.487), (100.352, 5.455)),
         berths=((100.357, 5.440), (100.360, 5.424), (100.357, 5.407)),
         anchorage_rows=2, anchorage_cols=3),
)

# ---- South China Sea side ----------------------------------------------------------
#: fishing grounds: (lon0, lat0, lon1, lat1) boxes searched for cells far enough from
#: shore, lanes and each other
EAST_COAST_GROUNDS = (102.75, 4.55, 103.95, 6.25)
SARAWAK_GROUNDS = (111.95, 2.95, 112.85, 3.70)
FISHING_CELL_M = 7000.0  # cells this far apart ...
FISHING_RADIUS_M = 2200.0  # ... each boat trawling within this of its cell centre
FISHING_SHORE_M = (9000.0, 40000.0)  # distance to shore of a cell centre

BINTULU_BASE: Point = (113.045, 3.276)  # supply base off Tanjung Kidurong
BINTULU_BASE_2: Point = (113.035, 3.292)
MIRI_BASE: Point = (113.945, 4.415)
PLATFORM_SK_A: Point = (112.6, 4.3)
PLATFORM_SK_B: Point = (113.1, 4.6)
#: where supply vessels keep station while working a platform (outside its 500 m zone)
SK_A_STATION: Point = (112.606, 4.294)
SK_B_STATION: Point = (113.107, 4.597)
SK_B_STATION_2: Point = (113.101, 4.592)

#: coast-guard patrol sectors at Luconia Shoals: (centre, radius m)
LUCONIA_SECTORS: dict[str, tuple[Point, float]] = {
    "north_east": ((112.75, 5.60), 9000.0),
    "south_west": ((112.30, 5.30), 9000.0),
    "south_east": ((112.85, 5.12), 7000.0),
    "west": ((112.06, 5.70), 7000.0),
}
#: survey box inside EEZ-MYS, north-west of Platform SK-A: lines run north-south
SURVEY_BOX = (112.10, 4.40, 112.32, 4.63)

#: the tanker and fishing vessel meet here, ~80 km off Terengganu
ENCOUNTER_POINT: Point = (104.05, 5.20)
ENCOUNTER_TANKER_IN: tuple[Point, ...] = ((104.45, 4.25), (104.15, 4.95))
ENCOUNTER_TANKER_OUT: tuple[Point, ...] = ((104.55, 5.75), (105.10, 6.25))

#: the fishing boat of the encounter trawls here before and after it
ENCOUNTER_FISHER_CELL: Point = (103.78, 5.22)
#: transmitted by one east-coast fishing boat: ship format, MID 222 is not allocated
INVALID_MMSI = 222014567

#: Sabah: the coaster that shares an MMSI with a Straits tanker works this route
SABAH_ROUTE: tuple[Point, ...] = ((115.97, 6.06), (115.78, 5.88), (115.55, 5.66),
                                  (115.31, 5.46))
#: the Straits stray: leaves the south-east-bound lane for Dumai through Exercise Area Alpha
STRAY_ROUTE: tuple[Point, ...] = ((101.02, 2.80), (100.96, 2.65), (100.94, 2.52),
                                  (100.88, 2.38), (100.84, 2.30))


def _rx(name: str, lon: float, lat: float, nm: float = 40.0, offshore: bool = False) -> Receiver:
    return Receiver(name, lon, lat, nm * NM, offshore=offshore)


#: coastal stations (on headlands and hills) and platform-mounted ones offshore
RECEIVERS: tuple[Receiver, ...] = (
    _rx("MY-LANGKAWI", 99.85, 6.33), _rx("MY-PENANG", 100.27, 5.42, 45.0),
    _rx("MY-LUMUT", 100.62, 4.22), _rx("MY-SABAK", 101.00, 3.72),
    _rx("MY-KLANG", 101.30, 2.99), _rx("MY-PDICKSON", 101.86, 2.42),
    _rx("MY-MELAKA", 102.25, 2.20), _rx("MY-BPAHAT", 102.93, 1.82),
    _rx("MY-PIAI", 103.51, 1.27),
    _rx("MY-KBHARU", 102.28, 6.15), _rx("MY-KTERENGGANU", 103.14, 5.33),
    _rx("MY-KERTEH", 103.45, 4.55),
    _rx("MY-PLT-TRA", 104.80, 5.60, offshore=True), _rx("MY-PLT-TRB", 104.15, 5.05,
                                                        offshore=True),
    _rx("MY-MUKAH", 112.08, 2.90), _rx("MY-BINTULU", 113.05, 3.22),
    _rx("MY-MIRI", 113.98, 4.39),
    _rx("MY-PLT-SKA", 112.60, 4.30, offshore=True),
    _rx("MY-PLT-SKB", 113.10, 4.60, offshore=True),
    _rx("MY-PLT-LUC", 112.50, 5.40, offshore=True),
    _rx("MY-LABUAN", 115.24, 5.28), _rx("MY-KKINABALU", 116.05, 5.98),
    _rx("MY-PLT-SBA", 115.50, 6.60, offshore=True),
)
#: the receiver that goes down for a while, and when (hours from the start)
OUTAGE_RECEIVER = "MY-KTERENGGANU"
OUTAGE_H = (30.0, 33.0)
