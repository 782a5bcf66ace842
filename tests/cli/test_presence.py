from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pantau.cli.main import app
from pantau.pipeline.config import load_zoneset
from pantau.registry import CATEGORIES
from pantau.store.embedded import EmbeddedStore
from tests.analytics._archive import OLD_ZONE, ZONE, make_data_dir

runner = CliRunner()
GOLDEN = Path(__file__).parent / "golden"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_data_dir(tmp_path_factory.mktemp("cli-presence"))


def presence(data: Path, *args: str) -> Result:
    return runner.invoke(app, ["presence", "--zone", ZONE, "--data-dir", str(data), *args])


def test_month_table_with_totals_and_the_rule_under_it(data: Path) -> None:
    result = presence(data, "--category", "coast_guard", "--by", "month")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"presence in {ZONE}: coast_guard, per month" in out
    assert "UTC days 2026-01-01 to 2026-03-05" in out
    table_rows = [[c.strip() for c in line.split("│")[1:-1]] for line in out.splitlines()
                  if line.startswith("│")]
    assert table_rows == [["2026-01", "2", "3", "2", "3"], ["2026-02", "2", "2", "1", "2"],
                          ["2026-03", "0", "0", "0", "1"], ["total", "4", "5", "2", "6"]]
    with EmbeddedStore(data, read_only=True) as store:
        digest = load_zoneset(store)[ZONE].digest()
    rule_line = out.strip().splitlines()[-1]
    assert rule_line.startswith("rule presence/1: a day (UTC calendar day) counts when at "
                                "least one position of a vessel of category coast_guard")
    assert f"sha256:{digest}" in rule_line


@pytest.mark.parametrize(("by", "extra", "golden"), [
    ("month", [], "presence_month_coast_guard.csv"),
    ("day", ["--since", "2026-01-01", "--until", "2026-01-05"], "presence_day_coast_guard.csv"),
])
def test_csv_matches_the_golden_file_and_the_rule_goes_to_stderr(
        data: Path, by: str, extra: list[str], golden: str) -> None:
    result = presence(data, "--category", "coast_guard", "--by", by, "--csv", *extra)
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / golden).read_text()
    assert "rule presence/1:" in result.stderr and "coast_guard" in result.stderr


def test_plot_is_a_png(data: Path, tmp_path: Path) -> None:
    png = tmp_path / "luconia.png"
    result = presence(data, "--category", "coast_guard", "--by", "day", "--plot", str(png))
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 5_000
    assert f"plot written to {png}" in result.stderr
    bad = presence(data, "--plot", str(tmp_path / "chart.svg"))
    assert bad.exit_code == 2 and "PNG" in bad.output


def test_unknown_zone_lists_the_known_names(data: Path) -> None:
    result = runner.invoke(app, ["presence", "--zone", "Atlantis", "--data-dir", str(data)])
    assert result.exit_code == 2
    assert "unknown zone 'Atlantis'" in result.output
    assert ZONE in result.output and OLD_ZONE in result.output
    assert "Traceback" not in result.output


def test_unknown_category_lists_the_valid_ones(data: Path) -> None:
    result = presence(data, "--category", "pirate")
    assert result.exit_code == 2
    assert "unknown category 'pirate'" in result.output
    assert all(c in result.output for c in CATEGORIES)


def test_bad_times_are_refused(data: Path) -> None:
    result = presence(data, "--since", "last week")
    assert result.exit_code == 2 and "ISO 8601" in result.output
    result = presence(data, "--since", "2026-02-01", "--until", "2026-01-01")
    assert result.exit_code == 2 and "must be before --until" in result.output


def test_empty_archive_says_so_and_exits_0(tmp_path: Path) -> None:
    empty = make_data_dir(tmp_path, with_positions=False)
    result = presence(empty, "--csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == "period,days_present,ship_days,vessels,days_with_data\n"
    assert "no positions archived" in result.stderr
    ranged = presence(empty, "--by", "day", "--since", "2026-01-01", "--until", "2026-01-03",
                      "--csv")
    assert ranged.exit_code == 0, ranged.output
    assert ranged.stdout.splitlines()[1:] == ["2026-01-01,0,0,0,0", "2026-01-02,0,0,0,0"]


def test_a_range_without_data_says_so(data: Path) -> None:
    result = presence(data, "--since", "2027-01-01", "--until", "2027-02-01")
    assert result.exit_code == 0, result.output
    assert "no positions" in result.stderr and "2027-01 " in result.stdout


def test_a_directory_without_pantau_data_is_an_error(tmp_path: Path) -> None:
    result = presence(tmp_path / "nothing")
    assert result.exit_code == 2 and "no pantau data" in result.output
