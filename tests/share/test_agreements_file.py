from __future__ import annotations

from datetime import date

import pytest

from pantau.cli.agreements import sample_text
from pantau.share.agreements_file import AgreementFileError, parse_agreements
from pantau.zones.defaults import reference_zones

NAMES = ("BOX-A", "BOX-B")

GOOD = """\
partners:
  - code: USA
    name: United States
agreements:
  - id: MY-US-DC-2025
    title: MoU
    partners: [USA]
    signed: 2025-10-30
    in_force_from: 2025-10-30
    expires: 2030-10-30
    binding: false
    status: in_force
    share:
      categories: [tracks, events, incidents]
      zones: [BOX-A]
      delay_minutes: 0
      precision_m: 0
      exclude_vessel_categories: [own_asset, navy]
      max_tlp: amber
"""


def test_the_issue_example_parses() -> None:
    parsed = parse_agreements(GOOD, NAMES)
    (a,) = parsed.agreements
    assert parsed.partners[0].name == "United States"
    assert a.agreement_id == "MY-US-DC-2025" and a.partners == ("USA",)
    assert (a.signed, a.expires) == (date(2025, 10, 30), date(2030, 10, 30))
    assert a.share.categories == {"tracks", "events", "incidents"}
    assert a.share.exclude_vessel_categories == {"own_asset", "navy"}
    assert a.share.max_tlp == "amber" and parsed.statuses["MY-US-DC-2025"] == "in_force"


def test_the_shipped_sample_parses_against_the_reference_zones() -> None:
    parsed = parse_agreements(sample_text(), reference_zones().names)
    ids = {a.agreement_id for a in parsed.agreements}
    assert len(ids) == 7 and "MY-US-DC-2025" in ids
    assert {p.code for p in parsed.partners} == {"USA", "CHN", "JPN", "LAO", "IDN", "VNM",
                                                  "ARE"}
    assert all("illustrative" in a.note for a in parsed.agreements)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("    binding: false\n", "    binding: false\n    colour: red\n",
     r":12: unknown key 'colour' in an agreement"),
    ("      zones: [BOX-A]\n", "      zones: [BOX-Z]\n", r":15: unknown zone 'BOX-Z'"),
    ("    in_force_from: 2025-10-30\n", "    in_force_from: 2025-10-01\n",
     r":9: .*in_force_from 2025-10-01 is before signed 2025-10-30"),
    ("    expires: 2030-10-30\n", "    expires: 2024-10-30\n", r":10: .*is not after"),
    ("    partners: [USA]\n", "    partners: [USA, CHN]\n",
     r":7: agreement 'MY-US-DC-2025' names unknown partner 'CHN'"),
    ("    status: in_force\n", "    status: paused\n", r":12: .*unknown status 'paused'"),
    ("      max_tlp: amber\n", "      max_tlp: purple\n", r":19: .*unknown max_tlp"),
    ("      categories: [tracks, events, incidents]\n", "      categories: [gossip]\n",
     r":14: unknown categories value 'gossip'"),
    ("      delay_minutes: 0\n", "      delay_minutes: -5\n", r":16: .*must not be negative"),
    ("      delay_minutes: 0\n", "      delay_minutes: soon\n", r":16: .*must be a number"),
    ("    signed: 2025-10-30\n", "    signed: last tuesday\n", r":8: .*not a date"),
    ("      exclude_vessel_categories: [own_asset, navy]\n",
     "      exclude_vessel_categories: [pirates]\n", r":18: unknown exclude_vessel_categories"),
    ("      zones: [BOX-A]\n", "", r":14: .*share needs 'zones'"),
    ("    binding: false\n", "    binding: maybe\n", r":11: .*binding must be true or false"),
    ("partners:\n", "partners:\n  - code: USA\n", r":3: partner 'USA' is defined twice"),
])
def test_mistakes_name_the_line(old: str, new: str, message: str) -> None:
    assert old in GOOD
    with pytest.raises(AgreementFileError, match=message):
        parse_agreements(GOOD.replace(old, new, 1), NAMES, source="a.yaml")


def test_bad_yaml_empty_file_and_duplicates() -> None:
    with pytest.raises(AgreementFileError, match=r"a.yaml:\d+: not valid YAML"):
        parse_agreements("partners: [\n", NAMES, source="a.yaml")
    with pytest.raises(AgreementFileError, match="empty"):
        parse_agreements("", NAMES, source="a.yaml")
    twice = GOOD + GOOD.split("agreements:\n")[1]
    with pytest.raises(AgreementFileError, match=r":20: agreement 'MY-US-DC-2025' is "
                       "defined twice"):
        parse_agreements(twice, NAMES, source="a.yaml")
    with pytest.raises(AgreementFileError, match="must be a list"):
        parse_agreements("partners: USA\n", NAMES)
