"""Partners and agreements: what may be released to whom, and when.

Pure values. An agreement's record in the store is versioned: each import, suspension or
exit is a new version with the time it took effect, so that the policy can ask whether the
agreement was in force at any instant (at release time and at each record's time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

#: What an agreement can release.
SHARE_CATEGORIES: tuple[str, ...] = ("tracks", "events", "alerts", "incidents")
#: An agreement's status as written by people; `expired` also follows from the dates.
STATUSES: tuple[str, ...] = ("in_force", "suspended", "exited", "expired")
#: Affiliations for partner products; from the operator's registry, never from the flag.
AFFILIATIONS: tuple[str, ...] = ("friend", "neutral", "hostile", "unknown")


def day_start(d: date) -> datetime:
    """Midnight UTC at the start of ``d``: agreements take effect and expire on dates."""
    return datetime.combine(d, time(0), tzinfo=UTC)


@dataclass(frozen=True)
class Partner:
    code: str
    name: str


@dataclass(frozen=True)
class ShareTerms:
    categories: frozenset[str] = frozenset()
    zones: tuple[str, ...] = ()
    delay_minutes: float = 0.0
    precision_m: float = 0.0
    exclude_vessel_categories: frozenset[str] = frozenset({"own_asset"})
    max_tlp: str = "clear"

    def as_dict(self) -> dict[str, object]:
        return {"categories": sorted(self.categories), "zones": list(self.zones),
                "delay_minutes": self.delay_minutes, "precision_m": self.precision_m,
                "exclude_vessel_categories": sorted(self.exclude_vessel_categories),
                "max_tlp": self.max_tlp}


@dataclass(frozen=True)
class StatusChange:
    """From ``at`` on, the agreement's status is ``status`` (until the next change)."""

    at: datetime
    status: str
    actor: str = "import"
    reason: str = ""


@dataclass(frozen=True)
class Agreement:
    agreement_id: str
    title: str
    partners: tuple[str, ...]
    signed: date
    in_force_from: date
    expires: date | None
    binding: bool
    share: ShareTerms
    #: status changes, oldest first; the first is the status the file gave at import
    history: tuple[StatusChange, ...] = ()
    version: int = 1
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    def status_at(self, t: datetime) -> str:
        """The agreement's status at instant ``t`` (UTC-aware): ``expired`` after its
        expiry date, ``not_yet`` before it is in force, else the latest status change at
        or before ``t`` (none yet: ``not_yet``)."""
        if t.tzinfo is None:
            raise ValueError("t must be timezone-aware")
        if self.expires is not None and t >= day_start(self.expires):
            return "expired"
        if t < day_start(self.in_force_from):
            return "not_yet"
        status = "not_yet"
        for change in self.history:
            if change.at <= t:
                status = change.status
            else:
                break
        return status

    def in_force_at(self, t: datetime) -> bool:
        return self.status_at(t) == "in_force"

    @property
    def status(self) -> str:
        """The latest recorded status (not what the dates say; see :meth:`status_at`)."""
        return self.history[-1].status if self.history else "not_yet"

    def in_force_periods(self) -> list[tuple[datetime, datetime | None]]:
        """Half-open intervals [start, end) during which the agreement is in force."""
        start_t = day_start(self.in_force_from)
        end_t = day_start(self.expires) if self.expires is not None else None
        periods: list[tuple[datetime, datetime | None]] = []
        opened: datetime | None = None
        for change in self.history:
            at = max(change.at, start_t)
            if end_t is not None and at >= end_t:
                break
            if change.status == "in_force" and opened is None:
                opened = at
            elif change.status != "in_force" and opened is not None:
                if at > opened:
                    periods.append((opened, at))
                opened = None
        if opened is not None and (end_t is None or opened < end_t):
            periods.append((opened, end_t))
        return periods

    def describe(self, now: datetime) -> dict[str, object]:
        """Everything about the agreement, its status at ``now`` included, JSON-ready (what
        the API and `pantau agreements list --json` show)."""
        return {"agreement_id": self.agreement_id, "title": self.title,
                "partners": list(self.partners), "status": self.status,
                "status_now": self.status_at(now), "version": self.version,
                "signed": self.signed.isoformat(),
                "in_force_from": self.in_force_from.isoformat(),
                "expires": self.expires.isoformat() if self.expires else None,
                "binding": self.binding, "share": self.share.as_dict(), "note": self.note,
                "history": [{"at": h.at.isoformat().replace("+00:00", "Z"),
                             "status": h.status, "actor": h.actor, "reason": h.reason}
                            for h in self.history]}

    def terms_dict(self) -> dict[str, object]:
        """Everything but the status history, as stored (JSON-ready)."""
        return {"title": self.title, "partners": list(self.partners),
                "signed": self.signed.isoformat(),
                "in_force_from": self.in_force_from.isoformat(),
                "expires": self.expires.isoformat() if self.expires else None,
                "binding": self.binding, "share": self.share.as_dict(), "note": self.note}
