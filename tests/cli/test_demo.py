from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pantau.cli.main import app

runner = CliRunner()


def test_demo_runs_end_to_end_and_twice_in_the_same_directory(tmp_path: Path) -> None:
    for _ in range(2):
        result = runner.invoke(app, ["demo", "--no-serve", "--data-dir", str(tmp_path)])
        assert result.exit_code == 0, result.output
        assert "messages decoded" in result.output
        assert "Not built yet" in result.output
        assert "registry:" in result.output
    assert "already ingested" in result.output  # the second run
    assert (tmp_path / "demo" / "decoded" / "positions.parquet").stat().st_size > 0
    assert list((tmp_path / "positions").glob("day=2010-06-11/*.parquet"))


def test_readme_commands_are_what_ci_runs() -> None:
    root = Path(__file__).parents[2]
    readme = (root / "README.md").read_text()
    commands = [line[6:] for line in readme.splitlines() if line.startswith("    $ ")]
    assert any("pantau demo" in c for c in commands)
    test_cmd = next(c for c in commands if "pytest" in c)
    assert "pip install -e '.[test]'" in test_cmd
    assert "README.md" in (root / ".ci" / "run").read_text()
