"""The incident lifecycle: allowed transitions, refusals that change nothing, and a log
that replays to the incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.incidents import Alert
from pantau.incidents import lifecycle as lc

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _alert(alert_id: str, severity: str, mmsi: int = 413000001, other: int | None = None,
           event: str = "e1") -> Alert:
    return Alert(alert_id, "rule", severity, event, "escort", mmsi, other,
                 "2026-11-23T08:00:00Z", 5.0, 112.0, "EEZ", f"{alert_id} title")


def _new() -> lc.Incident:
    return lc.create(lc.Create("inc-1", "by hand", "low"), "wo", T0)[0]


def test_from_alerts_takes_the_highest_severity_and_a_stable_id() -> None:
    alerts = [_alert("a" * 24, "medium", other=533000002),
              _alert("b" * 24, "high", 533000002, event="e2")]
    action = lc.from_alerts(alerts)
    assert action.severity == "high" and action.title == "b" * 24 + " title"
    assert action.vessels == (413000001, 533000002) and action.events == ("e1", "e2")
    assert action.incident_id == lc.from_alerts(list(reversed(alerts))).incident_id
    assert action.incident_id != lc.from_alerts(alerts[:1]).incident_id
    with pytest.raises(lc.IncidentError, match="at least one alert"):
        lc.from_alerts([])


def test_the_forward_path_then_a_reopen() -> None:
    i, seq = _new(), 1
    for status in ("triaged", "responding", "closed", "triaged", "closed"):
        seq += 1
        i, entry = lc.apply(i, lc.SetStatus(status), "wo", T0 + timedelta(minutes=seq), seq)
        assert i.status == status and entry.seq == seq and entry.detail == {"status": status}


@pytest.mark.parametrize(("path", "refused"), [
    ((), "responding"),            # a step skipped
    (("triaged",), "new"),         # backwards
    (("closed",), "responding"),   # a reopen goes through triage
    (("triaged",), "triaged"),     # no change is not a transition
])
def test_transitions_not_allowed_are_refused(path: tuple[str, ...], refused: str) -> None:
    i = _new()
    for k, status in enumerate(path):
        i, _ = lc.apply(i, lc.SetStatus(status), "wo", T0, k + 2)
    with pytest.raises(lc.ConflictError, match=f"cannot go from {i.status} to {refused}"):
        lc.apply(i, lc.SetStatus(refused), "wo", T0, 9)


def test_a_closed_incident_takes_notes_only() -> None:
    i, _ = lc.apply(_new(), lc.SetStatus("closed"), "wo", T0, 2)
    for action in (lc.Assign("an"), lc.LinkEvent("e9"), lc.LinkVessel(1),
                   lc.AttachEvidence(T0, T0 + timedelta(hours=1), (1,))):
        with pytest.raises(lc.ConflictError, match="closed"):
            lc.apply(i, action, "wo", T0, 3)
    noted, _ = lc.apply(i, lc.AddNote("false alarm: a tug"), "an", T0, 3)
    assert noted.notes == (lc.Note(T0, "an", "false alarm: a tug"),)


def test_bad_values_are_refused_with_a_reason() -> None:
    i = _new()
    with pytest.raises(lc.IncidentError, match="since must be before until"):
        lc.apply(i, lc.AttachEvidence(T0, T0, (1,)), "wo", T0, 2)
    with pytest.raises(lc.IncidentError, match="no time zone"):
        lc.apply(i, lc.AddNote("x"), "wo", T0.replace(tzinfo=None), 2)
    with pytest.raises(lc.IncidentError, match="empty"):
        lc.apply(i, lc.AddNote("  "), "wo", T0, 2)
    with pytest.raises(lc.IncidentError, match="severity"):
        lc.create(lc.Create("inc-2", "t", "urgent"), "wo", T0)
    with pytest.raises(lc.ConflictError, match="already linked"):
        lc.apply(lc.apply(i, lc.LinkVessel(5), "wo", T0, 2)[0], lc.LinkVessel(5), "wo", T0, 3)


ACTIONS = st.one_of(
    st.builds(lc.SetStatus, st.sampled_from(lc.STATUSES)),
    st.builds(lc.Assign, st.sampled_from([None, "wo", "an"])),
    st.builds(lc.AddNote, st.sampled_from(["seen", "tug confirmed", " "])),
    st.builds(lc.LinkEvent, st.sampled_from(["e1", "e2", "e3"])),
    st.builds(lc.LinkVessel, st.integers(0, 4)),
    st.builds(lambda h, n, m: lc.AttachEvidence(T0 + timedelta(hours=h),
                                                T0 + timedelta(hours=h + n), tuple(m)),
              st.integers(0, 5), st.integers(-1, 3),
              st.lists(st.integers(1, 3), max_size=3)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(ACTIONS, st.sampled_from(["wo", "an", "admin"])), max_size=25))
def test_random_actions_keep_the_incident_valid_and_the_log_replays(
        steps: list[tuple[lc.Action, str]]) -> None:
    incident, first = lc.create(lc.Create("inc-h", "hypothesis", "medium"), "wo", T0)
    log = [first]
    for k, (action, actor) in enumerate(steps):
        at = T0 + timedelta(minutes=k + 1)
        before = incident
        try:
            incident, entry = lc.apply(incident, action, actor, at, len(log) + 1)
        except lc.IncidentError:
            assert incident == before  # a refusal changes nothing
            continue
        if isinstance(action, lc.SetStatus):
            assert action.status in lc.TRANSITIONS[before.status]
        else:
            assert before.status != "closed" or isinstance(action, lc.AddNote)
        assert entry.actor == actor and entry.at == at and entry.seq == len(log) + 1
        log.append(entry)
        assert incident.status in lc.STATUSES
        assert len(set(incident.events)) == len(incident.events)
        assert len(set(incident.vessels)) == len(incident.vessels)
        assert all(m in incident.vessels for e in incident.evidence for m in e.mmsis)
        assert all(e.since < e.until for e in incident.evidence)
    assert lc.replay(log) == incident
    # what the store keeps (JSON) gives the same incident back
    row = {"incident_id": incident.incident_id, "title": incident.title,
           "severity": incident.severity, "status": incident.status,
           "assignee": incident.assignee, "created_at": incident.created_at,
           "updated_at": incident.updated_at}
    assert lc.incident_from_row(row, lc.incident_details(incident)) == incident
    replayed = lc.replay([lc.LogEntry(e.incident_id, e.seq, e.at, e.actor, e.action,
                                      lc.to_json(e.detail)) for e in log])
    assert replayed == incident
