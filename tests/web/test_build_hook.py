"""hatch_build.py, the install-time build of the web page: it builds with npm, keeps a
build newer than its sources, and stops with a clear message when npm is missing."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import time
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parents[2]


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hook = _hook()


def _sources(root: Path) -> Path:
    """A checkout's web sources under ``root``, without node_modules."""
    web = root / "web"
    shutil.copytree(ROOT / "web" / "src", web / "src")
    for name in ("package.json", "package-lock.json", "build.mjs", "tsconfig.json"):
        shutil.copy2(ROOT / "web" / name, web / name)
    return web


def _age(path: Path, seconds: float) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_a_build_newer_than_the_sources_is_kept_even_without_npm(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    web = _sources(tmp_path)
    for f in web.rglob("*"):
        _age(f, 3600)
    built = tmp_path / hook.STATIC / "index.html"
    built.parent.mkdir(parents=True)
    built.write_text("<!doctype html>")
    _age(built, 60)
    assert hook.up_to_date(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    hook.build_web(tmp_path)  # npm is not needed, and not looked for
    assert "not rebuilt" in capsys.readouterr().out
    (web / "src" / "main.ts").touch()  # a source edited after the build
    assert not hook.up_to_date(tmp_path)


def test_without_npm_the_install_stops_and_says_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _sources(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    with pytest.raises(hook.WebBuildError) as refused:
        hook.build_web(tmp_path)
    message = str(refused.value)
    assert "npm was not found" in message and "Node.js" in message
    assert "PANTAU_SKIP_WEB_BUILD=1" in message


def test_a_checkout_without_web_sources_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(hook.WebBuildError, match=r"package\.json is missing"):
        hook.build_web(tmp_path)


def test_npm_builds_the_page_into_the_package_once(tmp_path: Path) -> None:
    modules = ROOT / "web" / "node_modules"
    assert modules.is_dir(), (f"{modules} is missing: `pip install -e .` installs the web "
                              "page's npm packages there")
    web = _sources(tmp_path)
    (web / "node_modules").symlink_to(modules)
    _age(web / "package-lock.json", 10 * 365 * 86400)  # installed: `npm ci` is not run
    hook.build_web(tmp_path)
    static = tmp_path / hook.STATIC
    page = (static / "index.html").read_text()
    assets = sorted(p.name for p in (static / "assets").iterdir())
    assert any(a.startswith("app-") and a.endswith(".js") for a in assets)
    assert any(a.startswith("maplibre-gl-worker-") for a in assets)
    for name in assets:
        if name.endswith((".js", ".css")) and name.startswith("app-"):
            assert f"/assets/{name}" in page
    first = (static / "index.html").stat().st_mtime
    hook.build_web(tmp_path)  # up to date: nothing rebuilt
    assert (static / "index.html").stat().st_mtime == first


def test_the_page_s_typescript_type_checks() -> None:
    """esbuild strips types without checking them; `npm run check` (tsc) does."""
    npm = shutil.which("npm")
    assert npm, "npm is needed to build and check the web page"
    done = subprocess.run([npm, "run", "--silent", "check"], cwd=ROOT / "web",
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
