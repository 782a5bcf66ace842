"""Build the web page when pantau is installed (a hatchling build hook).

`pip install .` and `pip install -e .` run `npm ci` (when web/node_modules is missing or
older than the lockfile) and `npm run build` in web/, which writes the page into
src/pantau/web/static/ (ignored by git, shipped in the wheel as an artifact; an editable
install reads it from src/ directly). A build newer than every web source is kept, so a
repeated `pip install -e .` costs nothing here.

npm is required: without it the install stops and says how to get it. Set
PANTAU_SKIP_WEB_BUILD=1 to install without the web page (the API still works, and `/`
then says the page is not built).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ModuleNotFoundError:  # outside a build: tests/web/test_build_hook.py imports this
    BuildHookInterface = object  # type: ignore[assignment,misc]

STATIC = Path("src", "pantau", "web", "static")
SOURCES = ("src", "package.json", "package-lock.json", "build.mjs", "tsconfig.json")


class WebBuildError(RuntimeError):
    """The web page could not be built; the message says why and what to do."""


def _newest(paths: list[Path]) -> float:
    newest = 0.0
    for path in paths:
        if path.is_dir():
            newest = max([newest, *(f.stat().st_mtime for f in path.rglob("*") if f.is_file())])
        elif path.exists():
            newest = max(newest, path.stat().st_mtime)
    return newest


def up_to_date(root: Path) -> bool:
    """The built index.html is newer than every source of the page."""
    built = root / STATIC / "index.html"
    if not built.is_file():
        return False
    return built.stat().st_mtime >= _newest([root / "web" / s for s in SOURCES])


def _run(command: list[str], cwd: Path) -> None:
    print(f"pantau web: {' '.join(command)} (in {cwd})", flush=True)
    done = subprocess.run(command, cwd=cwd, check=False)
    if done.returncode != 0:
        raise WebBuildError(f"`{' '.join(command)}` failed in {cwd} (exit {done.returncode}); "
                            "see its output above")


def build_web(root: Path) -> None:
    web = root / "web"
    if not (web / "package.json").is_file():
        if (root / STATIC / "index.html").is_file():
            return  # an sdist or wheel that carries the built page but not its sources
        raise WebBuildError(f"{web}/package.json is missing: cannot build the web page")
    if up_to_date(root):
        print("pantau web: the built page is newer than its sources; not rebuilt", flush=True)
        return
    npm = shutil.which("npm")
    if npm is None:
        raise WebBuildError(
            "pantau builds its web page with npm at install, and npm was not found on PATH. "
            "Install Node.js 18 or newer with npm (Debian/Ubuntu: apt-get install nodejs "
            "npm; elsewhere https://nodejs.org), then install pantau again; or set "
            "PANTAU_SKIP_WEB_BUILD=1 to install without the web page.")
    marker = web / "node_modules" / ".package-lock.json"
    lock = web / "package-lock.json"
    if not marker.is_file() or marker.stat().st_mtime < lock.stat().st_mtime:
        _run([npm, "ci", "--no-audit", "--no-fund"], web)
    _run([npm, "run", "build"], web)
    if not (root / STATIC / "index.html").is_file():
        raise WebBuildError(f"`npm run build` left no {STATIC}/index.html")


class WebBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if os.environ.get("PANTAU_SKIP_WEB_BUILD") == "1":
            print("pantau web: PANTAU_SKIP_WEB_BUILD=1, the web page is not built", flush=True)
            return
        build_web(Path(self.root))
        # the build output is ignored by git, which hatchling follows; ship it anyway
        build_data["artifacts"].append(f"/{STATIC.as_posix()}/")
