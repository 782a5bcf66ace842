"""Who the simulated vessels are: identities (MMSI, name, call sign, IMO, ship type,
dimensions), drawn per kind of vessel with realistic sizes and flags.

Names are made up from common words, so no simulated vessel is mistaken for a real one;
MMSIs use real MIDs of the flags common in the Straits (checked against pantau's MID
table in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from pantau.simulate.motion import Track

#: (MID, weight): open registries and the region's flags, roughly as they appear in the
#: Straits of Malacca
MERCHANT_MIDS: tuple[tuple[int, float], ...] = (
    (351, 4), (352, 4), (353, 4), (354, 3), (355, 3), (356, 3), (357, 3), (370, 3),
    (371, 3), (372, 3), (373, 3), (636, 10), (538, 8), (563, 5), (564, 4), (565, 3),
    (566, 3), (477, 6), (215, 2), (229, 2), (248, 2), (249, 2), (256, 2), (308, 1),
    (309, 1), (311, 2), (412, 2), (413, 3), (414, 1), (240, 1), (241, 1), (431, 1),
    (440, 1), (533, 4), (525, 3), (419, 2), (209, 1), (210, 1), (212, 1), (219, 1),
    (257, 1), (567, 1), (574, 1), (548, 1),
)
MY_MID = 533

_CALL_PREFIX = {351: "3E", 352: "3F", 353: "3E", 354: "3F", 355: "3E", 356: "3F", 357: "3E",
                370: "3E", 371: "3F", 372: "3E", 373: "3F", 636: "5L", 538: "V7", 563: "9V",
                564: "9V", 565: "9V", 566: "9V", 477: "VR", 412: "BO", 413: "BP", 414: "BQ",
                533: "9M", 525: "PK", 419: "AV"}

_WORD1 = ("OCEAN", "PACIFIC", "GOLDEN", "SILVER", "ASIAN", "EASTERN", "ORIENT", "GLOBAL",
          "SEA", "BLUE", "GREAT", "ROYAL", "UNITED", "NORTHERN", "SOUTHERN", "STAR", "CORAL",
          "JADE", "PEARL", "MONSOON", "HARBOUR", "CAPE", "BRIGHT", "NEW", "GRAND", "LUCKY",
          "SPRING", "SUMMIT", "TRIUMPH", "HORIZON")
_WORD2 = ("TRADER", "PIONEER", "HARMONY", "SPIRIT", "VOYAGER", "GLORY", "FORTUNE", "BREEZE",
          "EXPRESS", "CROWN", "LOTUS", "DAWN", "VENTURE", "PRIDE", "WAVE", "JOURNEY", "BRIDGE",
          "UNITY", "LEGEND", "HOPE", "ORCHID", "DRAGON", "PHOENIX", "ARROW", "EAGLE", "MERIDIAN",
          "NAVIGATOR", "GRACE", "SUN", "TIDE")
DESTINATIONS = ("SGSIN", "MYPKG", "MYTPP", "MYPEN", "CNSHA", "CNNGB", "HKHKG", "KRPUS",
                "JPTYO", "INMAA", "INNSA", "LKCMB", "AEJEA", "NLRTM", "SAJED", "THLCH",
                "VNSGN", "IDJKT", "TWKHH", "EGSUZ")


@dataclass(frozen=True)
class KindSpec:
    """What a kind of vessel looks like: AIS ship type, length and beam ranges (m),
    cruising speed range (kn), AIS class."""

    ship_types: tuple[int, ...]
    length_m: tuple[float, float]
    beam_ratio: tuple[float, float]
    speed_kn: tuple[float, float]
    ais_class: str = "A"
    draught_m: tuple[float, float] = (8.0, 14.0)


KINDS: dict[str, KindSpec] = {
    "container": KindSpec((70, 71), (190, 366), (0.14, 0.16), (15.5, 20.5), draught_m=(10, 15)),
    "tanker": KindSpec((80, 81, 82, 84), (160, 333), (0.17, 0.19), (11.0, 14.0),
                       draught_m=(9, 20)),
    "bulk": KindSpec((70,), (170, 292), (0.15, 0.17), (10.5, 13.5), draught_m=(9, 17)),
    "cargo": KindSpec((70, 79), (88, 160), (0.15, 0.17), (9.0, 12.5), draught_m=(5, 9)),
    "car_carrier": KindSpec((70,), (180, 200), (0.16, 0.17), (16.0, 18.5),
                            draught_m=(8, 10)),
    "fishing": KindSpec((30,), (14, 32), (0.22, 0.28), (2.5, 5.0), "B", (2, 4)),
    "supply": KindSpec((90,), (60, 85), (0.20, 0.23), (10.0, 12.0), draught_m=(4, 6)),
    "coast_guard": KindSpec((55,), (100, 130), (0.12, 0.14), (12.0, 18.0), draught_m=(4, 6)),
    "survey": KindSpec((90,), (85, 105), (0.16, 0.18), (5.0, 12.0), draught_m=(5, 6)),
}


@dataclass(frozen=True)
class Identity:
    """What a vessel's static reports say about it."""

    mmsi: int
    name: str
    callsign: str
    imo: int | None
    ship_type: int
    to_bow: int
    to_stern: int
    to_port: int
    to_starboard: int
    draught_m: float
    destination: str
    eta: tuple[int, int, int, int]  # month, day, hour, minute (UTC)

    @property
    def length_m(self) -> int:
        return self.to_bow + self.to_stern


@dataclass
class Vessel:
    """A simulated vessel: who it says it is, how it moves, and its scripted quirks."""

    key: str
    kind: str
    identity: Identity
    track: Track
    ais_class: str = "A"
    msg_type: int = 1
    #: (time, identity) the statics switch to from that time on
    renames: list[tuple[float, Identity]] = field(default_factory=list)
    #: intervals in which the transponder is off
    silent: list[tuple[float, float]] = field(default_factory=list)
    #: watchlist (category, name), if listed
    watch: tuple[str, str] | None = None
    #: truth events (kind, zone or None) this vessel is scripted to produce, and the
    #: behaviour they belong to
    labels: dict[tuple[str, str | None], str] = field(default_factory=dict)

    @property
    def mmsi(self) -> int:
        return self.identity.mmsi

    def identity_at(self, t: float) -> Identity:
        ident = self.identity
        for when, new in self.renames:
            if t >= when:
                ident = new
        return ident


def imo_number(rng: np.random.Generator) -> int:
    """A seven-digit IMO number with a valid check digit."""
    digits = [9, *(int(d) for d in rng.integers(0, 10, 5))]
    check = sum(d * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
    return int("".join(map(str, digits)) + str(check))


class Registry:
    """Hands out unique MMSIs and names, deterministically from one generator."""

    def __init__(self, rng: np.random.Generator, eta_base: tuple[int, int]) -> None:
        self.rng = rng
        self.used: set[int] = set()
        self.names: set[str] = set()
        self.eta_base = eta_base  # month, day of the scenario start
        mids, weights = zip(*MERCHANT_MIDS, strict=True)
        self._mids = np.array(mids)
        self._p = np.array(weights, float) / sum(weights)

    def mmsi(self, mid: int | None = None) -> int:
        while True:
            m = int(mid if mid is not None else self.rng.choice(self._mids, p=self._p))
            tail = int(self.rng.integers(0, 1_000_000))
            if self.rng.random() < 0.4:
                tail = tail // 1000 * 1000  # many ship MMSIs end in 000
            value = m * 1_000_000 + tail
            if value not in self.used and tail:
                self.used.add(value)
                return value

    def name(self, kind: str) -> str:
        for _ in range(1000):
            if kind == "fishing":
                port = self.rng.choice(["TRF", "KNF", "SSF", "MRF"])
                text = f"{port} {self.rng.integers(1000, 9999)}"
            else:
                w1 = self.rng.choice(_WORD1)
                w2 = self.rng.choice(_WORD2)
                text = f"{w1} {w2}"
                if self.rng.random() < 0.35:
                    text += f" {self.rng.integers(1, 30)}"
            if text not in self.names:
                self.names.add(text)
                return text
        raise RuntimeError("ran out of vessel names")

    def callsign(self, mmsi: int) -> str:
        prefix = _CALL_PREFIX.get(mmsi // 1_000_000, "")
        letters = "".join(self.rng.choice(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 5 - len(prefix)))
        return (prefix + letters + str(self.rng.integers(0, 10)))[:7]

    def identity(self, kind: str, *, mmsi: int | None = None, mid: int | None = None,
                 name: str | None = None, length_m: float | None = None,
                 ship_type: int | None = None, destination: str | None = None) -> Identity:
        spec = KINDS[kind]
        rng = self.rng
        if mmsi is None:
            mmsi = self.mmsi(MY_MID if kind in ("fishing", "supply") and mid is None else mid)
        length = float(length_m if length_m is not None else rng.uniform(*spec.length_m))
        beam = max(4.0, length * rng.uniform(*spec.beam_ratio))
        to_stern = max(1, round(length * rng.uniform(0.08, 0.2)))
        to_port = max(1, round(beam * rng.uniform(0.4, 0.6)))
        eta_days = int(rng.integers(0, 6))
        month, day = self.eta_base
        day = min(28, day + eta_days)
        return Identity(
            mmsi=mmsi,
            name=name or self.name(kind),
            callsign=self.callsign(mmsi),
            imo=None if spec.ais_class == "B" else imo_number(rng),
            ship_type=int(ship_type if ship_type is not None else rng.choice(spec.ship_types)),
            to_bow=round(length) - to_stern, to_stern=to_stern,
            to_port=to_port, to_starboard=max(1, round(beam) - to_port),
            draught_m=round(float(rng.uniform(*spec.draught_m)), 1),
            destination=(destination if destination is not None
                         else str(rng.choice(DESTINATIONS))),
            eta=(month, day, int(rng.integers(0, 24)), int(rng.integers(0, 12)) * 5),
        )


def renamed(identity: Identity, name: str, ship_type: int, callsign: str | None = None) -> Identity:
    return replace(identity, name=name, ship_type=ship_type,
                   callsign=callsign if callsign is not None else identity.callsign)


def cruise_speed(kind: str, rng: np.random.Generator) -> float:
    lo, hi = KINDS[kind].speed_kn
    return round(float(rng.uniform(lo, hi)), 1)
