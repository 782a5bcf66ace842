from __future__ import annotations

import socket
from pathlib import Path

from typer.testing import CliRunner

from pantau.cli.main import app

runner = CliRunner()


def test_demo_runs_end_to_end_and_twice_in_the_same_directory(tmp_path: Path) -> None:
    outputs = []
    for _ in range(2):
        result = runner.invoke(app, ["demo", "--no-serve", "--hours", "6",
                                     "--data-dir", str(tmp_path)])
        assert result.exit_code == 0, result.output
        assert "events by kind" in result.output
        assert "releases under the sample agreements" in result.output
        assert "audit chain: ok" in result.output
        outputs.append(result.output)
    assert "simulated 6 h" in outputs[0]
    assert "simulated before" in outputs[1] and "already ingested" in outputs[1]
    # the same events both times: the summary reads them from the store
    assert outputs[0].split("events by kind")[1].split("4. sharing")[0] == \
        outputs[1].split("events by kind")[1].split("4. sharing")[0]
    # each in-force agreement got a release with its manifest; refused ones nothing
    releases = tmp_path / "releases"
    assert (releases / "MY-JP-DC-2018.geojson").stat().st_size > 0
    assert (releases / "MY-JP-DC-2018.geojson.manifest.json").exists()
    assert not (releases / "MY-LA-DC-2019.geojson").exists()  # suspended
    assert not (releases / "MY-AE-DC-2024.geojson").exists()  # expired
    assert (tmp_path / "demo" / "feed.nmea").stat().st_size > 0
    assert list((tmp_path / "positions").glob("day=2025-09-15/*.parquet"))


def test_a_port_in_use_is_refused_before_any_work(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = runner.invoke(app, ["demo", "--port", str(port), "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert f"port {port}" in result.output and f"--port {port + 1}" in result.output
    assert not (tmp_path / "demo").exists()


def test_bad_hours(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--no-serve", "--hours", "0",
                                 "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "--hours must be positive" in result.output


def test_readme_commands_are_what_ci_runs() -> None:
    root = Path(__file__).parents[2]
    readme = (root / "README.md").read_text()
    commands = [line[6:] for line in readme.splitlines() if line.startswith("    $ ")]
    assert any("pantau demo" in c for c in commands)
    test_cmd = next(c for c in commands if "pytest" in c)
    assert "pip install -e '.[test]'" in test_cmd
    assert "README.md" in (root / ".ci" / "run").read_text()


def test_demo_serves_the_api_with_a_token(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "pantau.cli.main", "demo", "--hours", "3", "--port", str(port),
         "--data-dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env={**__import__("os").environ, "COLUMNS": "200"})
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 120
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "Authorization: Bearer header" in line:
                break
        token = proc.stdout.readline().strip()
        url = f"http://127.0.0.1:{port}/api/events?limit=5"
        for _ in range(100):
            try:
                request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
                with urllib.request.urlopen(request, timeout=2) as response:
                    body = json.loads(response.read())
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("".join(lines))
        assert body["items"] if isinstance(body, dict) else body
    finally:
        proc.terminate()
        proc.wait(timeout=20)
