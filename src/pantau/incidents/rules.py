"""Alert rules: which events deserve a watch officer's attention, and how urgently.

A rule matches an event by kind, the category of the vessel (or of either vessel of a
pair), the zone it names (by name or kind), the kinds of zone its position lies in, and
``details.mode``/``details.reason``; every condition left out matches anything. Rules
are data: the defaults below are the reference case's, and a JSON file can replace them
(``load_rules``), with unknown keys and values refused by name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pantau.detect.events import KINDS
from pantau.errors import PantauError, read_input
from pantau.registry.schema import CATEGORIES
from pantau.zones import ZONE_KINDS

SEVERITIES = ("low", "medium", "high")


class RulesError(PantauError):
    """A rules file or rule that cannot be used; the message names the rule and field."""


@dataclass(frozen=True)
class Rule:
    name: str
    severity: str
    kinds: tuple[str, ...]
    #: the event's vessel (or either vessel of a pair) is of one of these categories
    categories: tuple[str, ...] | None = None
    #: the zone the event names has one of these names / kinds
    zones: tuple[str, ...] | None = None
    zone_kinds: tuple[str, ...] | None = None
    #: the event's position lies inside a zone of one of these kinds (e.g. a gap in the EEZ)
    inside: tuple[str, ...] | None = None
    #: details.mode or details.reason is one of these
    modes: tuple[str, ...] | None = None
    description: str = ""

    def __post_init__(self) -> None:
        where = f"rule {self.name!r}"
        if not isinstance(self.name, str) or not self.name.strip():
            raise RulesError("a rule needs a non-empty name")
        if self.severity not in SEVERITIES:
            raise RulesError(f"{where}: severity {self.severity!r} is not one of "
                             f"{', '.join(SEVERITIES)}")
        _check(where, "kinds", self.kinds, KINDS, required=True)
        _check(where, "categories", self.categories, CATEGORIES)
        _check(where, "zone_kinds", self.zone_kinds, ZONE_KINDS)
        _check(where, "inside", self.inside, ZONE_KINDS)


def _check(where: str, name: str, values: Sequence[str] | None, allowed: Sequence[str],
           required: bool = False) -> None:
    if values is None:
        if required:
            raise RulesError(f"{where}: {name} is required")
        return
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise RulesError(f"{where}: {name} must be a list of strings")
    if required and not values:
        raise RulesError(f"{where}: {name} must not be empty")
    wrong = [v for v in values if v not in allowed]
    if wrong:
        raise RulesError(f"{where}: {name} has {', '.join(map(repr, wrong))}; "
                         f"allowed: {', '.join(allowed)}")


STATE_VESSELS = ("coast_guard", "maritime_militia", "navy")

#: the reference case (issue 6): foreign state vessels where they matter, escorts,
#: approaches to assets, silences in the EEZ, entries into live exercise areas
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("state vessel enters the EEZ", "high", ("zone_entry",), categories=STATE_VESSELS,
         zone_kinds=("eez", "territorial_sea"),
         description="a coast-guard, militia or navy vessel crossed into the EEZ"),
    Rule("state vessel enters an area of interest", "medium", ("zone_entry",),
         categories=STATE_VESSELS, zone_kinds=("aoi",),
         description="a coast-guard, militia or navy vessel entered an area of interest"),
    Rule("escorted survey", "high", ("escort",),
         description="a survey ship working under state-vessel protection"),
    Rule("close approach to an asset", "high", ("close_approach",),
         modes=("asset", "shadowing"),
         description="a vessel passed within a platform's radius or shadowed an own asset"),
    Rule("close approach to a vessel", "medium", ("close_approach",), modes=("vessel",)),
    Rule("AIS gap in the EEZ", "medium", ("ais_gap",), inside=("eez", "territorial_sea"),
         description="a vessel went silent inside the EEZ where others were heard"),
    Rule("entry into an active exercise area", "high", ("zone_entry",),
         zone_kinds=("exercise",),
         description="a vessel entered an exercise area while it was active"),
    Rule("identity anomaly", "low", ("identity_anomaly",)),
    Rule("encounter offshore", "medium", ("encounter",),
         description="two vessels alongside, slow, away from ports: transshipment?"),
)


_KEYS = {f.name for f in fields(Rule)}
_LISTS = {"kinds", "categories", "zones", "zone_kinds", "inside", "modes"}


def parse_rules(data: Any, source: str = "rules") -> tuple[Rule, ...]:
    """Rules from parsed JSON: ``{"rules": [{"name": ..., "severity": ..., ...}]}``."""
    if not isinstance(data, Mapping) or set(data) != {"rules"} \
            or not isinstance(data["rules"], list):
        raise RulesError(f"{source}: expected an object with one key, \"rules\", a list")
    rules: list[Rule] = []
    for k, item in enumerate(data["rules"]):
        where = f"{source}: rule {k + 1}"
        if not isinstance(item, Mapping):
            raise RulesError(f"{where}: must be an object")
        unknown = sorted(set(item) - _KEYS)
        if unknown:
            raise RulesError(f"{where}: unknown key(s) {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(_KEYS))}")
        values: dict[str, Any] = {key: tuple(v) if key in _LISTS and isinstance(v, list)
                                  else v for key, v in item.items()}
        try:
            rules.append(Rule(**values))
        except TypeError as e:
            raise RulesError(f"{where}: {e}") from None
        except RulesError as e:
            raise RulesError(f"{source}: {e}") from None
    names = [r.name for r in rules]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise RulesError(f"{source}: rule names must be unique: {', '.join(dupes)}")
    return tuple(rules)


def load_rules(path: str | Path) -> tuple[Rule, ...]:
    raw = read_input(path)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise RulesError(f"{path}: not JSON ({e})") from None
    return parse_rules(data, str(path))
