"""The oversight report for one agreement: one self-contained HTML page an oversight body
can read offline, print and keep.

It shows the agreement's terms, every status change (from the agreement's record and from
the audit log), what was released per category and month, what was denied and why, and
whether the audit chain verified when the page was made, with its head hash, so that the
figures can be checked against an export of the log later (``pantau audit verify
--expect-head``). No script, no external style sheet, font or image: the bar charts are
SVG drawn here, and every piece of text from the store is escaped.

:func:`oversight_html` is pure (values in, text out); :func:`report` reads the store.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from pantau.share import audit, registry
from pantau.share.audit import AuditEntry, VerifyResult
from pantau.share.model import SHARE_CATEGORIES, Agreement, Partner
from pantau.store.base import Store

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1f24;
max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;
border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d0d7de;
padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#57606a}.illustrative{border:2px solid #bf8700;background:#fff8c5;
padding:.5rem .75rem;margin:1rem 0}.ok{color:#1a7f37;font-weight:600}
.broken{color:#cf222e;font-weight:600}code{font-size:.85em;word-break:break-all}
svg text{font:11px system-ui,sans-serif;fill:#1b1f24}
@media print{body{margin:0}h2{break-after:avoid}}
"""
_COLOURS = ("#0969da", "#1a7f37", "#bf8700", "#8250df", "#cf222e", "#57606a")
NO_REASON = "(no reason given)"


def _t(value: object) -> str:
    return escape(str(value), quote=True)


def _when(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _month(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m")


def _months_between(first: str, last: str) -> list[str]:
    """Every month from first to last (YYYY-MM), so that a quiet month shows as zero."""
    y, m = int(first[:4]), int(first[5:])
    out: list[str] = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# -- figures ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Volumes:
    months: list[str]
    categories: list[str]
    #: month -> category -> records released
    released: dict[str, Counter[str]]
    #: month -> number of releases (requests that released something or nothing)
    releases: Counter[str]
    #: month -> reason -> denials
    denied: dict[str, Counter[str]]
    formats: Counter[str]
    #: release entries whose counts could not be read (not an object of whole numbers)
    unreadable: int


def _is_denial(e: AuditEntry) -> bool:
    return e.action == "deny" or e.entry.get("outcome") == "denied"


def volumes(entries: Iterable[AuditEntry]) -> Volumes:
    """Records released per category and month, denials per reason and month."""
    released: dict[str, Counter[str]] = defaultdict(Counter)
    denied: dict[str, Counter[str]] = defaultdict(Counter)
    releases: Counter[str] = Counter()
    formats: Counter[str] = Counter()
    unreadable = 0
    seen: list[str] = []
    for e in entries:
        if e.action not in ("release", "deny"):
            continue
        month = _month(e.at)
        seen.append(month)
        if _is_denial(e):
            reason = e.entry.get("reason")
            denied[month][reason if isinstance(reason, str) and reason else NO_REASON] += 1
            continue
        releases[month] += 1
        fmt = e.entry.get("format")
        formats[fmt if isinstance(fmt, str) and fmt else "(not given)"] += 1
        counts = e.entry.get("counts")
        if not isinstance(counts, dict) or not all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0
                for v in counts.values()):
            unreadable += 1
            continue
        for category, n in counts.items():
            released[month][str(category)] += int(n)
    known = list(SHARE_CATEGORIES)
    extra = sorted({c for per in released.values() for c in per} - set(known))
    months = _months_between(min(seen), max(seen)) if seen else []
    return Volumes(months, known + extra, dict(released), releases, dict(denied), formats,
                   unreadable)


def _bars(v: Volumes) -> str:
    """One small bar chart per category, each scaled to its own largest month: tracks
    run to thousands where incidents run to a handful, and one shared scale would hide
    the small ones."""
    n = len(v.months)
    if not n:
        return ""
    left, width, panel, gap = 110, 560, 60, 18
    step = width / n
    rows = [c for c in v.categories if any(v.released.get(m, Counter())[c] for m in v.months)]
    if not rows:
        return ""
    height = len(rows) * (panel + gap) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 10}" '
           f'height="{height}" viewBox="0 0 {left + width + 10} {height}" role="img" '
           f'aria-label="records released per month, one chart per category">']
    for i, category in enumerate(rows):
        top = i * (panel + gap) + 8
        values = [v.released.get(m, Counter())[category] for m in v.months]
        peak = max(values)
        colour = _COLOURS[i % len(_COLOURS)]
        out.append(f'<text x="0" y="{top + panel / 2:.1f}">{_t(category)}</text>')
        out.append(f'<text x="0" y="{top + panel / 2 + 14:.1f}" class="muted">'
                   f'max {peak:,}</text>')
        out.append(f'<line x1="{left}" y1="{top + panel}" x2="{left + width}" '
                   f'y2="{top + panel}" stroke="#d0d7de"/>')
        for k, value in enumerate(values):
            if not value:
                continue
            h = panel * value / peak
            out.append(f'<rect x="{left + k * step + step * 0.1:.1f}" '
                       f'y="{top + panel - h:.1f}" width="{step * 0.8:.1f}" '
                       f'height="{h:.1f}" fill="{colour}"><title>{_t(category)} '
                       f'{v.months[k]}: {value:,}</title></rect>')
    base = len(rows) * (panel + gap) + 8
    label_every = max(1, -(-n // 12))
    for k, month in enumerate(v.months):
        if k % label_every == 0:
            out.append(f'<text x="{left + (k + 0.5) * step:.1f}" y="{base + 8}" '
                       f'text-anchor="middle">{month}</text>')
    out.append("</svg>")
    return "\n".join(out)


# -- sections -----------------------------------------------------------------------------

def _table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: frozenset[int]
           = frozenset()) -> str:
    """Cells are already escaped text; ``numeric`` columns are right-aligned."""
    out = ["<table><thead><tr>", *(f"<th>{_t(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(
            f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _terms(a: Agreement, partners: Sequence[Partner]) -> str:
    names = {p.code: p.name for p in partners}
    s = a.share
    rows = [
        ("partners", ", ".join(f"{_t(code)} ({_t(names[code])})" if code in names
                               else f"{_t(code)} (not in the partners table)"
                               for code in a.partners) or "none"),
        ("signed", _t(a.signed.isoformat())),
        ("in force from", _t(a.in_force_from.isoformat())),
        ("expires", _t(a.expires.isoformat()) if a.expires else "no expiry date"),
        ("binding", "yes" if a.binding else "no (non-binding)"),
        ("status now", _t(a.status)),
        ("categories", _t(", ".join(sorted(s.categories)) or "none")),
        ("zones", _t(", ".join(s.zones) or "all waters")),
        ("delay", f"{s.delay_minutes:g} minutes"),
        ("position precision", f"{s.precision_m:g} m" if s.precision_m else "as received"),
        ("vessel categories never shared",
         _t(", ".join(sorted(s.exclude_vessel_categories)) or "none")),
        ("highest TLP", _t(s.max_tlp)),
        ("note", _t(a.note) or "none"),
    ]
    return _table(("term", "value"), rows)


def _effective(e: AuditEntry) -> datetime | None:
    value = e.entry.get("effective_at")
    try:
        t = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return t if t is not None and t.tzinfo is not None else None


def _status_rows(a: Agreement, entries: Sequence[AuditEntry]) -> list[tuple[str, ...]]:
    """One row per change. A change in the agreement's record and the audit entry that
    recorded it (same status, same effective time) share a row; one found in only one of
    the two stands alone, which is worth an auditor's question."""
    logged = [e for e in entries if e.action in ("status_change", "import")]
    matched: set[int] = set()
    rows: list[tuple[datetime, tuple[str, ...]]] = []
    for c in a.history:
        found = next((e for e in logged if e.seq not in matched
                      and e.entry.get("status") == c.status and _effective(e) == c.at), None)
        where = "agreement record"
        if found is not None:
            matched.add(found.seq)
            where += f"; audit log seq {found.seq}"
        rows.append((c.at, (_t(_when(c.at)), _t(c.status), _t(c.actor), _t(c.reason),
                            _t(where))))
    for e in logged:
        if e.seq in matched:
            continue
        status = str(e.entry.get("status", ""))
        if e.action == "import":
            status = f"imported ({status})" if status else "imported"
        at = _effective(e) or e.at
        rows.append((at, (_t(_when(at)), _t(status), _t(e.actor),
                          _t(e.entry.get("reason", "")), _t(f"audit log seq {e.seq} only"))))
    rows.sort(key=lambda r: r[0])
    return [r[1] for r in rows]


def _volume_section(v: Volumes) -> str:
    if not v.months:
        return "<p>No release and no denial is recorded under this agreement.</p>"
    cats = [c for c in v.categories
            if c in SHARE_CATEGORIES or any(v.released.get(m, Counter())[c] for m in v.months)]
    head = ["month", "releases", *cats]
    rows = [(m, f"{v.releases[m]:,}",
             *(f"{v.released.get(m, Counter())[c]:,}" for c in cats)) for m in v.months]
    rows.append(("total", f"{sum(v.releases.values()):,}",
                 *(f"{sum(v.released.get(m, Counter())[c] for m in v.months):,}"
                   for c in cats)))
    parts = [_table(head, [tuple(map(_t, r)) for r in rows],
                    frozenset(range(1, len(head)))), _bars(v)]
    if v.formats:
        parts.append("<p>Releases by format: " + ", ".join(
            f"{_t(f)} {n:,}" for f, n in sorted(v.formats.items())) + ".</p>")
    if v.unreadable:
        parts.append(f'<p class="broken">{v.unreadable} release entr'
                     f'{"y" if v.unreadable == 1 else "ies"} carried counts that could not '
                     "be read (not an object of whole numbers); they are not in the figures "
                     "above.</p>")
    return "\n".join(parts)


def _denial_section(v: Volumes) -> str:
    if not v.denied:
        return "<p>No denial is recorded under this agreement.</p>"
    rows = [(m, reason, f"{n:,}") for m in v.months
            for reason, n in sorted(v.denied.get(m, Counter()).items())]
    totals: Counter[str] = Counter()
    for per in v.denied.values():
        totals.update(per)
    rows += [("total", reason, f"{n:,}") for reason, n in sorted(totals.items())]
    return _table(("month", "reason", "denials"), [tuple(map(_t, r)) for r in rows],
                  frozenset({2}))


def _chain_section(chain: VerifyResult, agreement_id: str, n_entries: int) -> str:
    if chain.ok:
        verdict = f'<p class="ok">The audit chain verified: {chain.count:,} entries.</p>'
    else:
        verdict = f'<p class="broken">The audit chain did NOT verify: {_t(chain.describe())}</p>'
    notes = "".join(f"<p>{_t(n)}</p>" for n in chain.notes)
    return (f"{verdict}{notes}<p>Head hash at generation: <code>{_t(chain.head)}</code></p>"
            f"<p>{n_entries:,} of the chain's entries concern {_t(agreement_id)}.</p>"
            '<p class="muted">To check these figures later, export the log '
            "(<code>pantau audit export --out audit.jsonl</code>) and verify it against "
            "this head: <code>pantau audit verify audit.jsonl --expect-head "
            f"{_t(chain.head)}</code>. Every entry is SHA-256-chained to the one before it, "
            "so a changed, removed or reordered entry is named by the verifier.</p>")


def oversight_html(agreement: Agreement, partners: Sequence[Partner],
                   entries: Sequence[AuditEntry], generated_at: datetime,
                   chain: VerifyResult | None = None) -> str:
    """The report. ``entries`` may be the whole audit log or the agreement's part of it;
    only the agreement's are counted. ``chain`` is the verification of the whole log;
    without it, ``entries`` must be the whole log and are verified here."""
    if chain is None:
        chain = audit.verify_entries(e.to_json() for e in entries)
    mine = [e for e in entries if e.agreement_id == agreement.agreement_id]
    v = volumes(mine)
    a = agreement
    banner = ""
    if "illustrative" in a.note.lower():
        banner = ('<div class="illustrative"><strong>Illustrative agreement.</strong> '
                  f"{_t(a.note)}</div>")
    status_rows = _status_rows(a, mine)
    status = (_table(("from (effective)", "status", "by", "reason", "recorded in"), status_rows)
              if status_rows else "<p>No status change is recorded.</p>")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Oversight report: {_t(a.agreement_id)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Oversight report: {_t(a.title)}</h1>",
        f'<p class="muted">Agreement {_t(a.agreement_id)}, version {a.version}. Generated '
        f"{_t(_when(generated_at))} by pantau. All times UTC.</p>",
        banner,
        '<h2 id="terms">Terms</h2>', _terms(a, partners),
        '<h2 id="status">Status history</h2>', status,
        '<h2 id="released">Released, by category and month</h2>',
        '<p class="muted">Records released to the partners, counted per category as the '
        "audit log recorded each release.</p>", _volume_section(v),
        '<h2 id="denied">Denials, by reason and month</h2>', _denial_section(v),
        '<h2 id="chain">Audit chain</h2>',
        _chain_section(chain, a.agreement_id, len(mine)),
        "</body></html>", ""])


# -- the store adapter --------------------------------------------------------------------

def report(store: Store, agreement_id: str, generated_at: datetime | None = None) -> str:
    """The report for one stored agreement, the whole chain verified as it stands now."""
    agreement = registry.load(store, agreement_id)
    known = registry.partners(store)
    partners = [known[c] for c in agreement.partners if c in known]
    chain = audit.verify_store(store)
    entries = audit.read(store, agreement_id)
    return oversight_html(agreement, partners, entries, generated_at or datetime.now(UTC),
                          chain)
