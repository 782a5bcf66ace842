"""The agreements file (YAML): partners and the agreements that say what each may receive.

Every mistake is refused with the file, line and key named, before anything is stored:
unknown keys, unknown zones, statuses, categories or TLP labels, dates out of order, an
agreement naming a partner the file does not define, duplicate ids. See the sample shipped
in ``pantau/data/agreements/`` for the format.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pantau.errors import PantauError, read_input
from pantau.registry.schema import CATEGORIES
from pantau.share.model import SHARE_CATEGORIES, STATUSES, Agreement, Partner, ShareTerms
from pantau.share.tlp import TLP_LEVELS

PARTNER_KEYS = {"code", "name"}
AGREEMENT_KEYS = {"id", "title", "partners", "signed", "in_force_from", "expires", "binding",
                  "status", "share", "note"}
SHARE_KEYS = {"categories", "zones", "delay_minutes", "precision_m",
              "exclude_vessel_categories", "max_tlp"}
TOP_KEYS = {"partners", "agreements"}


class AgreementFileError(PantauError):
    """An agreements file that cannot be used; the message names the line and key."""


@dataclass(frozen=True)
class AgreementsFile:
    partners: tuple[Partner, ...]
    #: agreements as the file states them; ``history`` holds the one status the file gives
    agreements: tuple[Agreement, ...]
    #: the status each agreement's file entry states
    statuses: dict[str, str]


def load_agreements_file(path: str | Path, zone_names: Collection[str]) -> AgreementsFile:
    text = read_input(path, "agreements file").decode("utf-8", errors="replace")
    return parse_agreements(text, zone_names, source=str(path))


def parse_agreements(text: str, zone_names: Collection[str],
                     source: str = "<agreements>") -> AgreementsFile:
    try:
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(e, "problem", None) or str(e)
        raise AgreementFileError(f"{where}: not valid YAML ({problem})") from None
    return _Reader(source, zone_names).read(root)


class _Reader:
    def __init__(self, source: str, zone_names: Collection[str]):
        self.source = source
        self.zone_names = set(zone_names)
        self._construct = SafeConstructor()

    def fail(self, node: Node, message: str) -> AgreementFileError:
        return AgreementFileError(f"{self.source}:{node.start_mark.line + 1}: {message}")

    def mapping(self, node: Node, allowed: set[str], what: str) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what} must be a mapping of keys to values")
        out: dict[str, Node] = {}
        for key_node, value in node.value:
            key = self.scalar(key_node)
            if not isinstance(key, str) or key not in allowed:
                raise self.fail(key_node, f"unknown key {key!r} in {what} (expected: "
                                f"{', '.join(sorted(allowed))})")
            if key in out:
                raise self.fail(key_node, f"key {key!r} given twice in {what}")
            out[key] = value
        return out

    def sequence(self, node: Node, what: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        return list(node.value)

    def scalar(self, node: Node) -> Any:
        if not isinstance(node, ScalarNode):
            raise self.fail(node, "expected a single value here")
        return self._construct.construct_object(node, deep=True)

    def text(self, node: Node, what: str) -> str:
        value = self.scalar(node)
        if not isinstance(value, str) and not isinstance(value, int | float):
            raise self.fail(node, f"{what} must be text")
        out = str(value).strip()
        if not out:
            raise self.fail(node, f"{what} is empty")
        return out

    def day(self, node: Node, what: str) -> date:
        value = self.scalar(node)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(node, f"{what} {value!r} is not a date (YYYY-MM-DD)")

    def number(self, node: Node, what: str) -> float:
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise self.fail(node, f"{what} must be a number")
        if value < 0:
            raise self.fail(node, f"{what} must not be negative")
        return float(value)

    def words(self, node: Node, what: str, allowed: Collection[str] | None,
              check: Callable[[str], bool] | None = None) -> tuple[str, ...]:
        out: list[str] = []
        for item in self.sequence(node, what):
            word = self.text(item, f"an entry of {what}")
            if allowed is not None and word not in allowed:
                raise self.fail(item, f"unknown {what} value {word!r} (expected one of "
                                f"{', '.join(sorted(allowed))})")
            if check is not None and not check(word):
                raise self.fail(item, f"unknown zone {word!r} in {what} (known zones: "
                                f"{', '.join(sorted(self.zone_names))})")
            if word in out:
                raise self.fail(item, f"{word!r} is listed twice in {what}")
            out.append(word)
        return tuple(out)

    def read(self, root: Node | None) -> AgreementsFile:
        if root is None:
            raise AgreementFileError(f"{self.source}: the file is empty")
        top = self.mapping(root, TOP_KEYS, "the file")
        partners: dict[str, Partner] = {}
        for node in self.sequence(top["partners"], "partners") if "partners" in top else []:
            fields = self.mapping(node, PARTNER_KEYS, "a partner")
            if "code" not in fields:
                raise self.fail(node, "a partner needs a code")
            code = self.text(fields["code"], "code")
            if code in partners:
                raise self.fail(fields["code"], f"partner {code!r} is defined twice")
            name = self.text(fields["name"], "name") if "name" in fields else code
            partners[code] = Partner(code, name)
        agreements: list[Agreement] = []
        statuses: dict[str, str] = {}
        nodes = self.sequence(top["agreements"], "agreements") if "agreements" in top else []
        for node in nodes:
            agreement, status = self.agreement(node, partners)
            if agreement.agreement_id in statuses:
                raise self.fail(node, f"agreement {agreement.agreement_id!r} is defined twice")
            statuses[agreement.agreement_id] = status
            agreements.append(agreement)
        return AgreementsFile(tuple(partners.values()), tuple(agreements), statuses)

    def agreement(self, node: Node, partners: dict[str, Partner]) -> tuple[Agreement, str]:
        f = self.mapping(node, AGREEMENT_KEYS, "an agreement")
        for required in ("id", "partners", "signed", "in_force_from", "status", "share"):
            if required not in f:
                raise self.fail(node, f"an agreement needs {required!r}")
        agreement_id = self.text(f["id"], "id")
        where = f"agreement {agreement_id!r}"
        codes = self.words(f["partners"], "partners", None)
        if not codes:
            raise self.fail(f["partners"], f"{where} names no partner")
        for item, code in zip(self.sequence(f["partners"], "partners"), codes, strict=True):
            if code not in partners:
                raise self.fail(item, f"{where} names unknown partner {code!r} (define it "
                                "under partners:)")
        signed = self.day(f["signed"], "signed")
        in_force_from = self.day(f["in_force_from"], "in_force_from")
        expires = self.day(f["expires"], "expires") if "expires" in f and \
            self.scalar(f["expires"]) is not None else None
        if in_force_from < signed:
            raise self.fail(f["in_force_from"], f"{where}: in_force_from {in_force_from} is "
                            f"before signed {signed}")
        if expires is not None and expires <= in_force_from:
            raise self.fail(f["expires"], f"{where}: expires {expires} is not after "
                            f"in_force_from {in_force_from}")
        binding = False
        if "binding" in f:
            value = self.scalar(f["binding"])
            if not isinstance(value, bool):
                raise self.fail(f["binding"], f"{where}: binding must be true or false")
            binding = value
        status = self.text(f["status"], "status")
        if status not in STATUSES:
            raise self.fail(f["status"], f"{where}: unknown status {status!r} (expected one "
                            f"of {', '.join(STATUSES)})")
        share = self.share(f["share"], where)
        title = self.text(f["title"], "title") if "title" in f else agreement_id
        note = self.text(f["note"], "note") if "note" in f else ""
        return Agreement(agreement_id, title, codes, signed, in_force_from, expires, binding,
                         share, note=note), status

    def share(self, node: Node, where: str) -> ShareTerms:
        f = self.mapping(node, SHARE_KEYS, f"{where} share")
        # deny by default: what and where are never implied, they are written down
        for required in ("categories", "zones"):
            if required not in f:
                raise self.fail(node, f"{where}: share needs {required!r}")
        categories = self.words(f["categories"], "categories", SHARE_CATEGORIES)
        zones = self.words(f["zones"], "zones", None, lambda z: z in self.zone_names)
        if not zones:
            raise self.fail(f["zones"], f"{where}: share.zones is empty; name the zones "
                            "whose contents may be released")
        excluded = self.words(f["exclude_vessel_categories"], "exclude_vessel_categories",
                              CATEGORIES) if "exclude_vessel_categories" in f \
            else ("own_asset",)
        max_tlp = self.text(f["max_tlp"], "max_tlp").lower() if "max_tlp" in f else "clear"
        if max_tlp not in TLP_LEVELS:
            raise self.fail(f["max_tlp"], f"{where}: unknown max_tlp {max_tlp!r} (expected "
                            f"one of {', '.join(TLP_LEVELS)})")
        return ShareTerms(
            categories=frozenset(categories), zones=zones,
            delay_minutes=self.number(f["delay_minutes"], "delay_minutes")
            if "delay_minutes" in f else 0.0,
            precision_m=self.number(f["precision_m"], "precision_m")
            if "precision_m" in f else 0.0,
            exclude_vessel_categories=frozenset(excluded), max_tlp=max_tlp)
