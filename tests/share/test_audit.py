"""The audit chain: hashing, the store adapter, exports and their verification."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.errors import InputError, OutputError
from pantau.share import audit
from pantau.share.audit import (
    GENESIS,
    HASH_MISMATCH,
    HEAD_MISMATCH,
    MALFORMED,
    PREV_MISMATCH,
    SEQ_GAP,
    AuditEntry,
    AuditError,
)
from pantau.store.embedded import EmbeddedStore

T0 = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)


def build_chain(n: int, agreement_id: str = "AG-1") -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for i in range(n):
        action = ("release", "deny", "status_change")[i % 3]
        entries.append(audit.chain_next(
            entries[-1] if entries else None, f"user-{i % 2}", action, agreement_id,
            {"counts": {"tracks": i}, "outcome": "denied" if action == "deny" else
             "released"}, T0 + timedelta(minutes=i)))
    return entries


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    with EmbeddedStore(tmp_path / "data") as s:
        yield s


# -- canonical form and hash --------------------------------------------------------------

def test_hash_is_sha256_of_the_documented_canonical_json() -> None:
    entry = {"é": "ü", "counts": {"tracks": 3}}
    text = ('{"action":"release","actor":"alice","agreement_id":"AG-1",'
            '"at":"2026-01-02T03:04:05.000006Z","entry":{"counts":{"tracks":3},"é":"ü"},'
            f'"prev_hash":"{GENESIS}","seq":1}}')
    expected = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert audit.entry_hash(1, T0, "alice", "release", "AG-1", entry, GENESIS) == expected
    # the same instant in another zone is the same entry
    t_kl = T0.astimezone(timezone(timedelta(hours=8)))
    assert audit.entry_hash(1, t_kl, "alice", "release", "AG-1", entry, GENESIS) == expected


def test_format_at_refuses_a_naive_time() -> None:
    with pytest.raises(AuditError, match="no time zone"):
        audit.format_at(datetime(2026, 1, 1))


def test_chain_links_each_entry_to_the_one_before() -> None:
    chain = build_chain(3)
    assert [e.seq for e in chain] == [1, 2, 3]
    assert chain[0].prev_hash == GENESIS
    assert chain[1].prev_hash == chain[0].hash and chain[2].prev_hash == chain[1].hash


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"actor": " "}, "needs an actor"),
    ({"action": "delete"}, "not one of release, deny"),
    ({"agreement_id": ""}, "agreement_id"),
    ({"entry": ["not", "an", "object"]}, "JSON object"),
    ({"entry": {"x": {1, 2}}}, "not plain JSON"),
    ({"entry": {"x": float("nan")}}, "not plain JSON"),
    ({"entry": {"x": "\ud800"}}, "not plain JSON"),
    ({"at": datetime(2026, 1, 1)}, "no time zone"),
])
def test_bad_entries_are_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"tip": None, "actor": "alice", "action": "release",
                               "agreement_id": "AG-1", "entry": {}, "at": T0} | kwargs
    with pytest.raises(AuditError, match=message):
        audit.chain_next(**args)  # type: ignore[arg-type]


# -- the store ----------------------------------------------------------------------------

def test_append_and_read_back(store: EmbeddedStore) -> None:
    first = audit.append(store, "alice", "release", "AG-1", {"b": (1, 2), "a": 1}, at=T0)
    assert first.entry == {"a": 1, "b": [1, 2]}  # as stored: tuples are lists
    second = audit.append(store, "bob", "deny", "AG-2", {"reason": "suspended"})
    audit.append(store, "carol", "import", None, {"version": 1})
    assert second.prev_hash == first.hash and second.seq == 2
    assert second.at.tzinfo is not None
    assert abs(second.at - datetime.now(UTC)) < timedelta(minutes=1)
    assert audit.read(store) == [first, second, audit.read(store)[2]]
    assert [e.seq for e in audit.read(store, "AG-2")] == [2]
    tip = audit.head(store)
    assert (tip.count, tip.seq, tip.hash) == (3, 3, audit.read(store)[2].hash)
    assert audit.verify_store(store).ok


def test_head_of_an_empty_log_is_genesis(store: EmbeddedStore) -> None:
    tip = audit.head(store)
    assert (tip.count, tip.hash, tip.at) == (0, GENESIS, None)
    result = audit.verify_store(store)
    assert result.ok and result.count == 0 and "empty" in result.describe()


def test_refused_append_writes_nothing(store: EmbeddedStore) -> None:
    with pytest.raises(AuditError):
        audit.append(store, "alice", "bogus", "AG-1", {})
    assert store.count("audit") == 0


def test_appends_from_many_threads_make_one_chain(store: EmbeddedStore) -> None:
    def work(k: int) -> None:
        for i in range(10):
            audit.append(store, f"thread-{k}", "release", "AG-1", {"i": i})

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [e.seq for e in audit.read(store)] == list(range(1, 61))
    assert audit.verify_store(store).ok


def test_verify_store_names_a_changed_and_a_removed_row(store: EmbeddedStore) -> None:
    for i in range(4):
        audit.append(store, "alice", "release", "AG-1", {"counts": {"tracks": i}}, at=T0)
    row = store.select("audit", {"seq": 2}).to_pylist()[0]
    row["entry"] = json.dumps({"counts": {"tracks": 999}})
    store.upsert("audit", pa.Table.from_pylist([row]))
    result = audit.verify_store(store)
    assert (result.ok, result.first_broken, result.broken_seq, result.reason) == (
        False, 2, 2, HASH_MISMATCH)
    assert "position 2" in result.describe()
    store.delete("audit", {"seq": 2})
    result = audit.verify_store(store)
    assert (result.first_broken, result.broken_seq, result.reason) == (2, 3, PREV_MISMATCH)
    row = store.select("audit", {"seq": 3}).to_pylist()[0]
    row["entry"] = "{not json"
    store.upsert("audit", pa.Table.from_pylist([row]))
    result = audit.verify_store(store)
    assert (result.first_broken, result.reason) == (2, MALFORMED)


# -- exports ------------------------------------------------------------------------------

@pytest.fixture
def exported(store: EmbeddedStore, tmp_path: Path) -> tuple[Path, list[str], str]:
    for i in range(5):
        audit.append(store, "alice", ("release", "deny")[i % 2], "AG-1",
                     {"counts": {"tracks": i}, "note": "Selat Melaka ✓"},
                     at=T0 + timedelta(hours=i))
    out = tmp_path / "audit.jsonl"
    assert audit.export_jsonl(store, out) == 5
    return out, out.read_text(encoding="utf-8").splitlines(), audit.head(store).hash


def test_export_holds_every_field_and_verifies(exported: tuple[Path, list[str], str]
                                               ) -> None:
    path, lines, head = exported
    first = json.loads(lines[0])
    assert list(first) == list(audit.FIELDS)
    assert first["prev_hash"] == GENESIS and first["at"] == "2026-01-02T03:04:05.000006Z"
    assert "✓" in lines[0]  # UTF-8 as is
    result = audit.verify_file(path)
    assert (result.ok, result.count, result.head) == (True, 5, head)
    assert result.describe() == f"ok: 5 entries, head {head}"


def _mutate(path: Path, lines: list[str], k: int, **changes: object) -> Path:
    row = json.loads(lines[k])
    row.update(changes)
    return write_lines(path.with_name("bad.jsonl"),
                       [*lines[:k], json.dumps(row, ensure_ascii=False), *lines[k + 1:]])


def test_changed_entry_is_named(exported: tuple[Path, list[str], str]) -> None:
    path, lines, _ = exported
    bad = _mutate(path, lines, 2, entry={"counts": {"tracks": 0}, "note": "Selat Melaka ✓"})
    result = audit.verify_file(bad)
    assert (result.ok, result.first_broken, result.broken_seq, result.reason) == (
        False, 3, 3, HASH_MISMATCH)
    assert result.count == 2
    assert result.describe().startswith("broken at entry seq 3 (line 3): hash mismatch")


def test_removed_and_reordered_entries_are_named(exported: tuple[Path, list[str], str]
                                                 ) -> None:
    path, lines, _ = exported
    removed = write_lines(path.with_name("removed.jsonl"), [*lines[:1], *lines[2:]])
    result = audit.verify_file(removed)
    assert (result.first_broken, result.broken_seq, result.reason) == (2, 3, PREV_MISMATCH)
    swapped = write_lines(path.with_name("swapped.jsonl"),
                          [lines[0], lines[3], lines[2], lines[1], lines[4]])
    result = audit.verify_file(swapped)
    assert (result.first_broken, result.broken_seq, result.reason) == (2, 4, PREV_MISMATCH)


def test_a_file_must_start_at_genesis_unless_a_segment(
        exported: tuple[Path, list[str], str]) -> None:
    path, lines, head = exported
    tail = write_lines(path.with_name("tail.jsonl"), lines[2:])
    result = audit.verify_file(tail)
    assert (result.first_broken, result.reason) == (1, PREV_MISMATCH)
    assert "genesis" in result.detail
    result = audit.verify_file(tail, segment=True)
    assert (result.ok, result.count, result.head) == (True, 3, head)


def test_seq_gap_in_a_rehashed_chain(exported: tuple[Path, list[str], str]) -> None:
    _, lines, _ = exported
    rows = [json.loads(line) for line in lines]
    # someone renumbers from the third entry on and re-hashes: the links hold, the
    # numbering does not
    prev = rows[1]["hash"]
    for row in rows[2:]:
        row["seq"] += 1
        row["prev_hash"] = prev
        row["hash"] = audit.entry_hash(
            row["seq"], datetime.fromisoformat(row["at"]), row["actor"], row["action"],
            row["agreement_id"], row["entry"], prev)
        prev = row["hash"]
    result = audit.verify_entries(rows)
    assert (result.first_broken, result.broken_seq, result.reason) == (3, 4, SEQ_GAP)


def test_truncated_last_line_is_a_malformed_line(exported: tuple[Path, list[str], str]
                                                 ) -> None:
    path, _, _ = exported
    cut = path.with_name("cut.jsonl")
    cut.write_bytes(path.read_bytes()[:-40])
    result = audit.verify_file(cut)
    assert (result.ok, result.first_broken, result.reason) == (False, 5, MALFORMED)
    assert "cut short" in result.detail
    assert "line 5" in result.describe()


def test_cut_at_a_line_end_needs_the_expected_head(exported: tuple[Path, list[str], str]
                                                   ) -> None:
    """Documented limit: dropping the last entries leaves a valid, shorter chain; only
    the head handed out earlier shows it."""
    path, lines, head = exported
    short = write_lines(path.with_name("short.jsonl"), lines[:4])
    assert audit.verify_file(short).ok
    result = audit.verify_file(short, expect_head=head)
    assert (result.ok, result.first_broken, result.reason) == (False, 5, HEAD_MISMATCH)
    assert audit.verify_file(path, expect_head=head.upper()).ok
    older = json.loads(lines[2])["hash"]
    result = audit.verify_file(path, expect_head=older)
    assert result.ok and "2 entries were appended after it" in result.describe()


@pytest.mark.parametrize(("text", "detail"), [
    ("\n", "blank line"),
    ("[1, 2]\n", "not a JSON object but list"),
    ('{"seq": 1, "seq": 1}\n', "appears twice"),
    ('{"x": NaN}\n', "NaN is not allowed"),
    ("{}\n", "missing seq, at"),
    ('{"seq": 1, "at": "2026-01-01T00:00:00.000000Z", "actor": "\\ud800", "action": "x", '
     '"agreement_id": null, "entry": {"x": 1e400}, "prev_hash": "' + GENESIS + '", '
     '"hash": "' + GENESIS + '"}\n', "not plain JSON"),
])
def test_unreadable_lines_are_named(exported: tuple[Path, list[str], str], text: str,
                                    detail: str) -> None:
    path, lines, _ = exported
    bad = path.with_name("bad.jsonl")
    bad.write_text("\n".join(lines[:2]) + "\n" + text + "\n".join(lines[2:]) + "\n")
    result = audit.verify_file(bad)
    assert (result.first_broken, result.reason) == (3, MALFORMED)
    assert detail in result.detail


@pytest.mark.parametrize(("field", "value", "detail"), [
    ("at", "2026-01-02T03:04:05Z", "YYYY-MM-DDTHH:MM:SS.ffffffZ"),
    ("at", "2026-13-02T03:04:05.000000Z", "not a valid time"),
    ("seq", True, "not a positive integer"),
    ("hash", "ABC", "64 lower-case hex"),
    ("actor", 7, "not text"),
    ("agreement_id", 7, "neither text nor null"),
    ("entry", [], "not a JSON object"),
    ("extra", 1, "unknown field(s) extra"),
])
def test_ill_typed_fields_are_malformed(exported: tuple[Path, list[str], str], field: str,
                                        value: object, detail: str) -> None:
    path, lines, _ = exported
    result = audit.verify_file(_mutate(path, lines, 1, **{field: value}))
    assert (result.first_broken, result.reason) == (2, MALFORMED)
    assert detail in result.detail


def test_not_utf8_is_malformed(exported: tuple[Path, list[str], str]) -> None:
    path, lines, _ = exported
    bad = path.with_name("latin.jsonl")
    bad.write_bytes(lines[0].encode() + b"\n\xff\xfe\n")
    result = audit.verify_file(bad)
    assert (result.first_broken, result.reason, result.detail) == (2, MALFORMED,
                                                                   "not UTF-8 text")


def test_empty_file_is_ok_and_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = audit.verify_file(empty)
    assert (result.ok, result.count, result.head) == (True, 0, GENESIS)
    assert "empty" in result.describe()
    assert audit.verify_file(empty, expect_head=GENESIS).ok
    assert not audit.verify_file(empty, expect_head="a" * 64).ok


def test_missing_file_and_bad_head_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        audit.verify_file(tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="is a directory"):
        audit.verify_file(tmp_path)
    (tmp_path / "e.jsonl").write_text("")
    with pytest.raises(AuditError, match="not a SHA-256 hash"):
        audit.verify_file(tmp_path / "e.jsonl", expect_head="abc")


def test_export_to_an_unwritable_place(store: EmbeddedStore, tmp_path: Path) -> None:
    audit.append(store, "alice", "release", "AG-1", {})
    with pytest.raises(OutputError, match="cannot write"):
        audit.export_jsonl(store, tmp_path / "no-such-dir" / "a.jsonl")


def test_export_pages_through_a_long_chain(store: EmbeddedStore, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "_PAGE", 3)  # cross page boundaries without 10k rows
    for i in range(10):
        audit.append(store, "alice", "release", "AG-1", {"i": i})
    out = tmp_path / "a.jsonl"
    assert audit.export_jsonl(store, out) == 10
    assert audit.verify_file(out).count == 10
    assert audit.verify_store(store).count == 10
    assert [e.seq for e in audit.read(store)] == list(range(1, 11))


# -- property: any single tampering is found, at the right entry --------------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
_json = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | _text
                     | st.floats(allow_nan=False, allow_infinity=False),
                     lambda inner: st.lists(inner, min_size=1, max_size=3)
                     | st.dictionaries(_text, inner, min_size=1, max_size=3), max_leaves=8)
_entry_args = st.tuples(
    st.sampled_from(["alice", "bob", "partner-key-1"]), st.sampled_from(audit.ACTIONS),
    st.sampled_from(["AG-1", "AG-2", None]), st.dictionaries(_text, _json, max_size=4),
    st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC)))


@st.composite
def chains(draw: st.DrawFn) -> list[dict[str, object]]:
    entries: list[AuditEntry] = []
    for actor, action, agreement_id, body, at in draw(st.lists(_entry_args, min_size=1,
                                                               max_size=10)):
        entries.append(audit.chain_next(entries[-1] if entries else None, actor, action,
                                        agreement_id, body, at))
    # through JSON text, as a verifier reads an export
    return [json.loads(e.line()) for e in entries]


def _changed_value(draw: Callable[[st.SearchStrategy[Any]], Any], field: str,
                   old: object) -> object:
    if field == "seq":
        assert isinstance(old, int)
        return old + draw(st.integers(-3, 3).filter(bool))
    if field == "at":
        assert isinstance(old, str)
        shift = timedelta(microseconds=draw(st.integers(-10**9, 10**9).filter(bool)))
        return audit.format_at(datetime.fromisoformat(old) + shift)
    if field in ("prev_hash", "hash"):
        assert isinstance(old, str)
        i = draw(st.integers(0, 63))
        return old[:i] + ("1" if old[i] == "0" else "0") + old[i + 1:]
    if field == "entry":
        assert isinstance(old, dict)
        key = draw(_text)
        return old | {key: draw(_json.filter(lambda v: key not in old or v != old[key]))}
    return draw(st.sampled_from(["mallory", "AG-9", "release", None]).filter(
        lambda v: v != old))


@given(data=st.data())
@settings(max_examples=300, deadline=None)
def test_any_single_tampering_is_found_at_the_first_entry_it_touches(data: st.DataObject
                                                                     ) -> None:
    chain = data.draw(chains())
    n = len(chain)
    intact = audit.verify_entries(chain)
    assert intact.ok and intact.count == n and intact.head == chain[-1]["hash"]
    kind = data.draw(st.sampled_from(["change", "delete", "swap", "duplicate"]))
    tampered = [dict(e) for e in chain]
    if kind == "change":
        k = data.draw(st.integers(0, n - 1))
        field = data.draw(st.sampled_from(audit.FIELDS))
        tampered[k][field] = _changed_value(data.draw, field, chain[k][field])
    elif kind == "delete":
        del tampered[data.draw(st.integers(0, n - 1))]
    elif kind == "swap":
        if n < 2:
            return
        i, j = sorted(data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2,
                                         unique=True)))
        tampered[i], tampered[j] = tampered[j], tampered[i]
    else:
        k = data.draw(st.integers(0, n - 1))
        tampered.insert(data.draw(st.integers(0, n)), dict(chain[k]))
    # the first position where the tampered list differs from the chain is the entry to
    # blame; a copy placed next to its original is blamed where the two stop agreeing
    differ = [p for p in range(len(tampered)) if p >= n or tampered[p] != chain[p]]
    result = audit.verify_entries(tampered)
    if not differ:  # the last entry was deleted: only the expected head can tell
        assert kind == "delete" and result.ok and result.count == n - 1
        result = audit.verify_entries(tampered, expect_head=chain[-1]["hash"])
        assert (result.ok, result.first_broken, result.reason) == (False, n, HEAD_MISMATCH)
        return
    first = differ[0] + 1
    assert not result.ok
    assert result.first_broken == first, (kind, result)
    assert result.count == first - 1
    if kind == "change":
        assert result.reason in (HASH_MISMATCH, MALFORMED)
    else:
        assert result.reason == PREV_MISMATCH
        assert result.broken_seq == tampered[first - 1]["seq"]
