"""Zones as values: what a zone is, when it is active, and an ordered set of them.

A zone is either polygonal (one or more polygons, each an exterior ring and its holes, as
lon/lat degree arrays) or a point with a radius in metres (an offshore platform, a port).
Exercise areas carry activity windows; every other kind is always active. The bit of a zone
in a label mask is its position in the :class:`ZoneSet`, so the order of a set matters and
is kept as given.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Literal, get_args

import numpy as np

from pantau.zones._arrays import F64, NULL_TIME_US, U64, Mask, as_times_us
from pantau.zones.errors import ZoneError

ZoneKind = Literal["eez", "territorial_sea", "aoi", "asset", "exercise", "port"]
ZONE_KINDS: tuple[str, ...] = get_args(ZoneKind)

#: a polygon: exterior ring first, then its holes; each ring a closed (k, 2) lon/lat array
Polygon = tuple[F64, ...]
Interval = tuple[datetime, datetime]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(t: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact, no float rounding)."""
    if t.tzinfo is None or t.utcoffset() is None:
        raise ZoneError(f"datetime {t.isoformat()} is naive; pantau needs timezone-aware UTC")
    delta = t - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _ring(ring: Any, where: str) -> F64:
    arr = np.array(ring, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ZoneError(f"{where}: a ring must be a (k, 2) array of lon/lat, got {arr.shape}")
    if arr.shape[0] < 4:
        raise ZoneError(f"{where}: a ring needs at least 4 positions, got {arr.shape[0]}")
    if not np.array_equal(arr[0], arr[-1]):
        raise ZoneError(f"{where}: the ring is not closed (first position != last)")
    if not np.isfinite(arr).all():
        raise ZoneError(f"{where}: the ring has a non-finite coordinate")
    if (np.abs(arr[:, 0]) > 180.0).any() or (np.abs(arr[:, 1]) > 90.0).any():
        raise ZoneError(f"{where}: a coordinate is outside lon -180..180 / lat -90..90")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Zone:
    """One named zone. Build polygonal zones with ``polygons`` and point zones with
    ``point`` (lon, lat) plus ``radius_m``; ``active`` (exercise areas only) lists
    half-open ``[start, end)`` UTC windows, ``None`` meaning a standing area."""

    name: str
    kind: ZoneKind
    polygons: tuple[Polygon, ...] = ()
    point: tuple[float, float] | None = None
    radius_m: float | None = None
    active: tuple[Interval, ...] | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)
    version: str = "1"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ZoneError(f"zone name must be a non-empty string, got {self.name!r}")
        where = f"zone {self.name!r}"
        if self.kind not in ZONE_KINDS:
            raise ZoneError(f"{where}: kind {self.kind!r} is not one of {', '.join(ZONE_KINDS)}")
        polygons = tuple(
            tuple(_ring(r, f"{where} polygon {i} ring {j}") for j, r in enumerate(poly))
            for i, poly in enumerate(self.polygons)
        )
        if any(len(p) == 0 for p in polygons):
            raise ZoneError(f"{where}: a polygon has no rings")
        object.__setattr__(self, "polygons", polygons)
        if (self.point is None) == (not polygons):
            raise ZoneError(f"{where}: give either polygons or a point with radius_m")
        if self.point is not None:
            lon, lat = (float(v) for v in self.point)
            if not (abs(lon) <= 180.0 and abs(lat) <= 90.0):
                raise ZoneError(f"{where}: point ({lon}, {lat}) is not a lon/lat position")
            radius = float(self.radius_m) if self.radius_m is not None else math.nan
            if not (math.isfinite(radius) and radius > 0.0):
                raise ZoneError(f"{where}: a point zone needs radius_m > 0, got {self.radius_m}")
            object.__setattr__(self, "point", (lon, lat))
            object.__setattr__(self, "radius_m", radius)
        elif self.radius_m is not None:
            raise ZoneError(f"{where}: radius_m is only for point zones")
        if self.active is not None:
            if self.kind != "exercise":
                raise ZoneError(f"{where}: only exercise zones have activity windows")
            active = tuple((start, end) for start, end in self.active)
            for start, end in active:
                if to_us(end) <= to_us(start):
                    raise ZoneError(
                        f"{where}: window ends ({end.isoformat()}) before it starts "
                        f"({start.isoformat()})"
                    )
            object.__setattr__(self, "active", active)
        object.__setattr__(self, "properties", MappingProxyType(dict(self.properties)))
        object.__setattr__(self, "version", str(self.version))

    @property
    def is_point(self) -> bool:
        return self.point is not None

    @property
    def n_vertices(self) -> int:
        return sum(len(r) for poly in self.polygons for r in poly)

    def bounds(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat) of the polygons, or of the point itself."""
        if self.point is not None:
            lon, lat = self.point
            return lon, lat, lon, lat
        xy = np.vstack([r for poly in self.polygons for r in poly])
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])

    def is_active(self, t: datetime) -> bool:
        """Whether the zone is in force at ``t`` (aware datetime)."""
        t_us = to_us(t)
        if self.active is None:
            return True
        return any(to_us(s) <= t_us < to_us(e) for s, e in self.active)

    def active_mask(self, times_us: Any) -> Mask:
        """Vectorised :meth:`is_active` over microseconds since the epoch (UTC).

        A null time is active only for zones that are always active.
        """
        t = as_times_us(times_us)
        if self.active is None:
            return np.ones(t.shape, dtype=np.bool_)
        mask = np.zeros(t.shape, dtype=np.bool_)
        for start, end in self.active:
            mask |= (t >= to_us(start)) & (t < to_us(end))
        mask &= t != NULL_TIME_US
        return mask

    def digest(self) -> str:
        """SHA-256 of what defines the zone (not its free-form properties).

        Statistics per zone can quote it, so a changed polygon is never mistaken for the
        one a published figure was computed on.
        """
        h = hashlib.sha256()
        head = [self.name, self.kind, self.version, self.point, self.radius_m,
                None if self.active is None else [[s.isoformat(), e.isoformat()]
                                                  for s, e in self.active]]
        h.update(json.dumps(head).encode())
        for poly in self.polygons:
            for ring in poly:
                h.update(b"ring")
                h.update(np.ascontiguousarray(ring).tobytes())
        return h.hexdigest()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Zone):
            return NotImplemented
        return (
            (self.name, self.kind, self.point, self.radius_m, self.active, self.version)
            == (other.name, other.kind, other.point, other.radius_m, other.active,
                other.version)
            and dict(self.properties) == dict(other.properties)
            and len(self.polygons) == len(other.polygons)
            and all(
                len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
                for a, b in zip(self.polygons, other.polygons, strict=True)
            )
        )

    def __hash__(self) -> int:
        return hash((self.name, self.kind, self.version))


class ZoneSet:
    """Zones in a fixed order with unique names; zone ``k`` is bit ``k`` of a label mask."""

    __slots__ = ("_by_name", "_zones")

    def __init__(self, zones: Iterable[Zone] = ()) -> None:
        zones = tuple(zones)
        by_name: dict[str, int] = {}
        for k, zone in enumerate(zones):
            if not isinstance(zone, Zone):
                raise ZoneError(f"item {k} of a ZoneSet is a {type(zone).__name__}, not a Zone")
            if zone.name in by_name:
                raise ZoneError(
                    f"zone name {zone.name!r} is used twice (zones {by_name[zone.name]} and {k})"
                )
            by_name[zone.name] = k
        self._zones = zones
        self._by_name: Mapping[str, int] = MappingProxyType(by_name)

    def __repr__(self) -> str:
        return f"ZoneSet({list(self.names)!r})"

    @property
    def zones(self) -> tuple[Zone, ...]:
        return self._zones

    def __len__(self) -> int:
        return len(self.zones)

    def __iter__(self) -> Iterator[Zone]:
        return iter(self.zones)

    def __getitem__(self, key: int | str) -> Zone:
        if isinstance(key, str):
            return self.zones[self.index(key)]
        return self.zones[key]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ZoneSet):
            return NotImplemented
        return self.zones == other.zones

    def __hash__(self) -> int:
        return hash(self.zones)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(z.name for z in self.zones)

    @property
    def n_words(self) -> int:
        """uint64 words per row of a label mask."""
        return max(1, -(-len(self.zones) // 64))

    def index(self, name: str) -> int:
        try:
            return self._by_name[name]
        except KeyError:
            raise ZoneError(f"no zone named {name!r}") from None

    def select(self, names: Sequence[str]) -> ZoneSet:
        """A new set with only these zones, in the order given (bits renumbered)."""
        return ZoneSet(self[n] for n in names)

    def of_kind(self, *kinds: str) -> ZoneSet:
        """A new set with the zones of these kinds, in their original order."""
        for kind in kinds:
            if kind not in ZONE_KINDS:
                raise ZoneError(f"kind {kind!r} is not one of {', '.join(ZONE_KINDS)}")
        return ZoneSet(z for z in self.zones if z.kind in kinds)

    def active_words(self, times_us: Any) -> U64:
        """(n, n_words) mask of the zones active at each time; AND it with a label mask."""
        t = as_times_us(times_us)
        out = np.zeros((t.shape[0], self.n_words), dtype=np.uint64)
        for k, zone in enumerate(self.zones):
            bit = np.uint64(1) << np.uint64(k % 64)
            if zone.active is None:
                out[:, k // 64] |= bit
            else:
                out[zone.active_mask(t), k // 64] |= bit
        return out
