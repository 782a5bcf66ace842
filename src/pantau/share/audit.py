"""The audit log: every release, denial and agreement change, in one hash chain.

Each entry's hash is SHA-256 over the canonical JSON of all its fields, its predecessor's
hash included, so changing, removing or reordering any entry breaks the chain at that
entry; the first entry's ``prev_hash`` is :data:`GENESIS`. Anyone holding an export
(``pantau audit export``, one JSON object a line) can check it with nothing but this
module, or with any language that has JSON and SHA-256:

* canonical JSON: keys sorted at every level, no whitespace (``","`` and ``":"``), UTF-8
  text as is (no ``\\u`` escapes), no NaN or infinities, numbers as Python writes them;
* hashed object: ``seq, at, actor, action, agreement_id, entry, prev_hash`` (not ``hash``),
  with ``at`` written ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC, microseconds).

What a chain cannot show by itself: entries cut from its end leave a shorter chain that
is still valid, and whoever rewrites the whole chain can re-hash it. The defence for both is
the head hash (``pantau audit head``) handed to the oversight body out of band: a
verifier given that head (``--expect-head``) finds truncation and rewriting.

The pure part (hashing, :func:`verify_entries`) needs no store; :func:`append`,
:func:`read`, :func:`export_jsonl` and :func:`verify_store` are the store adapter.
Appends are serialised within a process by a module lock; across processes the embedded
store admits one writer at a time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from pantau.errors import InputError, OutputError, PantauError
from pantau.store.base import Store

GENESIS = "0" * 64
#: what the log records; the verifier accepts any action, so old verifiers read new logs
ACTIONS: tuple[str, ...] = ("release", "deny", "status_change", "import")
FIELDS: tuple[str, ...] = ("seq", "at", "actor", "action", "agreement_id", "entry",
                           "prev_hash", "hash")

# the reasons a verification fails, as stable strings scripts can match on
HASH_MISMATCH = "hash mismatch: entry changed"
PREV_MISMATCH = "prev_hash does not match previous entry: removed or reordered"
SEQ_GAP = "seq gap"
MALFORMED = "malformed line"
HEAD_MISMATCH = "expected head not in the chain: entries removed from the end, or rewritten"

_AT_FORMAT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_PAGE = 10_000  # rows per store query when streaming the chain
_LOCK = threading.Lock()


class AuditError(PantauError):
    """An audit entry that cannot be written (not JSON, unknown action, naive time) or an
    argument to verification that is not usable."""


# -- canonical form -----------------------------------------------------------------------

def format_at(at: datetime) -> str:
    """``at`` as the chain writes it: UTC, microseconds, ``Z``."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise AuditError(f"audit time {at.isoformat()} has no time zone (use UTC)")
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def canonical_json(value: object) -> str:
    """Sorted keys, no whitespace, UTF-8 as is, no NaN: the text that is hashed."""
    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False)
        text.encode("utf-8")  # a lone surrogate has no UTF-8 form, so no hash
    except (TypeError, ValueError) as e:  # UnicodeEncodeError is a ValueError
        raise AuditError(f"audit entry is not plain JSON: {e}") from None
    return text


def entry_hash(seq: int, at: datetime, actor: str, action: str, agreement_id: str | None,
               entry: dict[str, object], prev_hash: str) -> str:
    """SHA-256 hex over the canonical JSON of every field but the hash itself."""
    body = {"seq": seq, "at": format_at(at), "actor": actor, "action": action,
            "agreement_id": agreement_id, "entry": entry, "prev_hash": prev_hash}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    agreement_id: str | None
    entry: dict[str, object]
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, object]:
        """The entry as an export line holds it (fields in chain order)."""
        return {"seq": self.seq, "at": format_at(self.at), "actor": self.actor,
                "action": self.action, "agreement_id": self.agreement_id,
                "entry": self.entry, "prev_hash": self.prev_hash, "hash": self.hash}

    def line(self) -> str:
        """One export line; ``entry`` keeps the sorted key order of its canonical form."""
        return json.dumps(self.to_json(), separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False)


def parse_entry(obj: object) -> AuditEntry:
    """An entry from its JSON form (an export line, parsed); AuditError says what is
    wrong with it."""
    if not isinstance(obj, dict):
        raise AuditError(f"not a JSON object but {type(obj).__name__}")
    missing = [k for k in FIELDS if k not in obj]
    extra = sorted(k for k in obj if k not in FIELDS)
    if missing or extra:
        raise AuditError("; ".join(
            ([f"missing {', '.join(missing)}"] if missing else [])
            + ([f"unknown field(s) {', '.join(map(str, extra))}"] if extra else [])))
    seq, at, agreement_id = obj["seq"], obj["at"], obj["agreement_id"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise AuditError(f"seq {seq!r} is not a positive integer")
    if not isinstance(at, str) or not _AT_FORMAT.fullmatch(at):
        raise AuditError(f"at {at!r} is not written YYYY-MM-DDTHH:MM:SS.ffffffZ")
    try:
        when = datetime.fromisoformat(at[:-1]).replace(tzinfo=UTC)
    except ValueError:
        raise AuditError(f"at {at!r} is not a valid time") from None
    for key in ("actor", "action"):
        if not isinstance(obj[key], str):
            raise AuditError(f"{key} {obj[key]!r} is not text")
    if agreement_id is not None and not isinstance(agreement_id, str):
        raise AuditError(f"agreement_id {agreement_id!r} is neither text nor null")
    if not isinstance(obj["entry"], dict):
        raise AuditError("entry is not a JSON object")
    for key in ("prev_hash", "hash"):
        if not isinstance(obj[key], str) or not _HEX64.fullmatch(obj[key]):
            raise AuditError(f"{key} {obj[key]!r} is not 64 lower-case hex digits")
    return AuditEntry(seq, when, obj["actor"], obj["action"], agreement_id, obj["entry"],
                      obj["prev_hash"], obj["hash"])


# -- verification (pure) ------------------------------------------------------------------

@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    #: entries that verified: all of them when ok, those before the break otherwise
    count: int
    #: hash of the last entry that verified (GENESIS when none did)
    head: str
    #: 1-based position of the first broken entry: its line number in a file
    first_broken: int | None = None
    #: that entry's seq as written, when it could be read
    broken_seq: int | None = None
    reason: str | None = None
    detail: str = ""
    notes: tuple[str, ...] = field(default=())
    #: what first_broken counts: lines of a file, or positions in the store's seq order
    unit: str = "line"

    def describe(self) -> str:
        """One line for a person: ``ok: N entries, head H`` or what broke where."""
        if self.ok:
            text = f"ok: {self.count} entries, head {self.head}"
            return "; ".join([text, *self.notes])
        where = f"{self.unit} {self.first_broken}"
        if self.broken_seq is not None:
            where = f"entry seq {self.broken_seq} ({where})"
        text = f"broken at {where}: {self.reason}"
        if self.detail:
            text += f" ({self.detail})"
        return text + f"; the {self.count} entries before it verify, ending at {self.head}"


def check_head(value: str) -> str:
    """A head hash given by a person: 64 hex digits (any case), returned lower-case."""
    head = value.strip().lower()
    if not _HEX64.fullmatch(head):
        raise AuditError(f"head {value!r} is not a SHA-256 hash (64 hex digits)")
    return head


class _Unreadable:
    """A line that is not JSON, handed to the verifier so it names the line."""

    def __init__(self, problem: str):
        self.problem = problem


def verify_entries(entries: Iterable[object], *, segment: bool = False,
                   expect_head: str | None = None) -> VerifyResult:
    """Check a chain given as JSON objects (export lines, parsed), in order.

    From genesis unless ``segment``: then the first entry may follow any hash and seq.
    With ``expect_head`` (the head an oversight body was given earlier) that hash must be
    one of the chain's: a chain cut at its end is otherwise indistinguishable from a whole
    one. The first broken entry is reported, with one of the reasons defined above."""
    want = check_head(expect_head) if expect_head is not None else None
    prev_hash: str | None = None if segment else GENESIS
    prev_seq: int | None = None if segment else 0
    head, count, found_at = GENESIS, 0, None
    for pos, obj in enumerate(entries, 1):
        e, reason, detail = _check(obj, prev_hash, prev_seq, first=count == 0)
        if reason is not None:
            seq = obj.get("seq") if isinstance(obj, dict) else None
            return VerifyResult(False, count, head, pos,
                                seq if isinstance(seq, int) and not isinstance(seq, bool)
                                else None, reason, detail)
        assert e is not None
        prev_hash, prev_seq, head, count = e.hash, e.seq, e.hash, count + 1
        if want is not None and e.hash == want:
            found_at = (pos, e.seq)
    notes: list[str] = []
    if count == 0:
        notes.append("no entries: the log is empty")
    if want is not None:
        empty_as_expected = count == 0 and not segment and want == GENESIS
        if found_at is None and not empty_as_expected:
            return VerifyResult(False, count, head, count + 1, None, HEAD_MISMATCH,
                                f"expected head {want[:16]}… is not the hash of any entry; "
                                f"this chain ends at {head[:16]}…")
        if found_at is not None and found_at[0] < count:
            notes.append(f"the expected head is entry seq {found_at[1]}; "
                         f"{count - found_at[0]} entries were appended after it")
    return VerifyResult(True, count, head, notes=tuple(notes))


def _check(obj: object, prev_hash: str | None, prev_seq: int | None, first: bool
           ) -> tuple[AuditEntry | None, str | None, str]:
    """The entry, or why it breaks the chain: its own hash first (a changed entry is named
    as changed, whatever else changed with it), then its link, then its number."""
    if isinstance(obj, _Unreadable):
        return None, MALFORMED, obj.problem
    try:
        e = parse_entry(obj)
        h = entry_hash(e.seq, e.at, e.actor, e.action, e.agreement_id, e.entry, e.prev_hash)
    except AuditError as err:
        return None, MALFORMED, str(err)
    if h != e.hash:
        return None, HASH_MISMATCH, f"hash {e.hash[:16]}…, content hashes to {h[:16]}…"
    if prev_hash is not None and e.prev_hash != prev_hash:
        return None, PREV_MISMATCH, (
            "the first entry does not follow the genesis hash: entries before it are "
            "missing, or this is part of a chain (allow a segment)" if first else
            f"prev_hash {e.prev_hash[:16]}…, the entry before has {prev_hash[:16]}…")
    if prev_seq is not None and e.seq != prev_seq + 1:
        return None, SEQ_GAP, f"seq {e.seq} where {prev_seq + 1} was due"
    return e, None, ""


def _read_lines(path: Path) -> Iterator[object]:
    try:
        f = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    with f:
        for raw in f:
            line = raw.rstrip(b"\n").rstrip(b"\r")
            if not line.strip():
                yield _Unreadable("blank line")
                continue
            try:
                yield json.loads(line.decode("utf-8"), object_pairs_hook=_no_duplicates,
                                 parse_constant=_no_constants)
            except UnicodeDecodeError:
                yield _Unreadable("not UTF-8 text")
            except json.JSONDecodeError as e:
                cut = "; no newline at its end: cut short?" if not raw.endswith(b"\n") else ""
                yield _Unreadable(f"not JSON: {e.msg} at column {e.colno}{cut}")
            except ValueError as e:  # the hooks' complaints
                yield _Unreadable(f"not accepted: {e}")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # a key given twice would show a reader one value and the verifier another
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"key {k!r} appears twice")
        out[k] = v
    return out


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not allowed")


def verify_file(path: Path, *, segment: bool = False, expect_head: str | None = None
                ) -> VerifyResult:
    """Verify an export (see :func:`verify_entries`); a missing file is an InputError."""
    return verify_entries(_read_lines(Path(path)), segment=segment, expect_head=expect_head)


# -- the store adapter --------------------------------------------------------------------

def _row_to_entry(row: dict[str, Any]) -> AuditEntry:
    try:
        body = json.loads(row["entry"])
    except (TypeError, ValueError):
        body = {"unreadable entry text": str(row["entry"])}
    return AuditEntry(row["seq"], row["at"], row["actor"], row["action"], row["agreement_id"],
                      body, row["prev_hash"], row["hash"])


def _rows(store: Store, where: dict[str, object] | None = None) -> Iterator[dict[str, Any]]:
    """Audit rows in seq order, a page at a time (the log only grows)."""
    last = 0
    while True:
        page = store.select("audit", {**(where or {}), "seq": (">", last)}, order_by="seq",
                            limit=_PAGE).to_pylist()
        yield from page
        if len(page) < _PAGE:
            return
        last = page[-1]["seq"]


def _json_rows(store: Store) -> Iterator[object]:
    for row in _rows(store):
        try:
            body, at = json.loads(row["entry"]), format_at(row["at"])
        except (TypeError, ValueError, AttributeError, AuditError) as e:
            yield _Unreadable(f"the stored row cannot be read ({e})")
            continue
        yield {"seq": row["seq"], "at": at, "actor": row["actor"], "action": row["action"],
               "agreement_id": row["agreement_id"], "entry": body,
               "prev_hash": row["prev_hash"], "hash": row["hash"]}


def chain_next(tip: AuditEntry | None, actor: str, action: str, agreement_id: str | None,
               entry: dict[str, object], at: datetime) -> AuditEntry:
    """The entry that follows ``tip`` (None: the first of a chain). Pure; what
    :func:`append` stores."""
    if not isinstance(actor, str) or not actor.strip():
        raise AuditError("an audit entry needs an actor (user or partner key)")
    if action not in ACTIONS:
        raise AuditError(f"audit action {action!r} is not one of {', '.join(ACTIONS)}")
    if agreement_id is not None and (not isinstance(agreement_id, str) or not agreement_id):
        raise AuditError("agreement_id must be a non-empty text or None")
    if not isinstance(entry, dict):
        raise AuditError(f"an audit entry body is a JSON object, not {type(entry).__name__}")
    format_at(at)  # refuses a time without a zone
    when = at.astimezone(UTC)
    # what is kept is what is hashed: tuples become lists, keys come out sorted
    body: dict[str, object] = json.loads(canonical_json(entry))
    seq, prev = (tip.seq + 1, tip.hash) if tip is not None else (1, GENESIS)
    return AuditEntry(seq, when, actor, action, agreement_id, body, prev,
                      entry_hash(seq, when, actor, action, agreement_id, body, prev))


def append(store: Store, actor: str, action: str, agreement_id: str | None,
           entry: dict[str, object], at: datetime | None = None) -> AuditEntry:
    """Record one release, denial or agreement change at the end of the chain; ``at``
    defaults to now (UTC)."""
    when = at if at is not None else datetime.now(UTC)
    with _LOCK:
        rows = store.select("audit", order_by="seq desc", limit=1).to_pylist()
        tip = _row_to_entry(rows[0]) if rows else None
        e = chain_next(tip, actor, action, agreement_id, entry, when)
        store.upsert("audit", pa.Table.from_pylist([{
            "seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
            "agreement_id": e.agreement_id, "entry": canonical_json(e.entry),
            "prev_hash": e.prev_hash, "hash": e.hash}]))
    return e


def read(store: Store, agreement_id: str | None = None) -> list[AuditEntry]:
    """The chain in seq order; with ``agreement_id``, only that agreement's entries."""
    where: dict[str, object] | None = (
        {"agreement_id": agreement_id} if agreement_id is not None else None)
    return [_row_to_entry(r) for r in _rows(store, where)]


@dataclass(frozen=True)
class Head:
    count: int
    hash: str
    seq: int
    at: datetime | None


def head(store: Store) -> Head:
    """The chain's last entry: what to hand the oversight body so that it can later tell
    a whole export from one cut short."""
    tip = store.select("audit", order_by="seq desc", limit=1).to_pylist()
    if not tip:
        return Head(0, GENESIS, 0, None)
    return Head(store.count("audit"), tip[0]["hash"], tip[0]["seq"], tip[0]["at"])


def export_jsonl(store: Store, out: Path) -> int:
    """Write the whole chain to ``out``, one JSON object a line (written aside, then
    moved into place); returns the number of entries."""
    out = Path(out)
    tmp = out.with_name(out.name + ".partial")
    n = 0
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as f:
            for row in _rows(store):
                f.write(_row_to_entry(row).line() + "\n")
                n += 1
        os.replace(tmp, out)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{out}: cannot write ({e.strerror or e})") from None
    return n


def verify_store(store: Store, *, expect_head: str | None = None) -> VerifyResult:
    """Verify the chain as the store holds it, from genesis; positions are seq order."""
    result = verify_entries(_json_rows(store), expect_head=expect_head)
    return replace(result, unit="position")
