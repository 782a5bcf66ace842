"""The web page in a real browser: Debian's Chromium driven by Playwright, against the
real service (uvicorn in a thread, with a live UDP input) over a short demo data set.

Nothing here is skipped: without /usr/bin/chromium or without the built page the tests
fail and say how to get them (CI installs Chromium in .ci/run; `pip install -e .` builds
the page with npm). Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from typer.testing import CliRunner

from pantau.api import users
from pantau.api.app import create_app
from pantau.api.receivers import Endpoint, LiveInputs
from pantau.cli.main import app as cli
from pantau.store.embedded import EmbeddedStore
from pantau.web.serve import static_dir

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
DEMO_HOURS = "3"
PASSWORD = "a long test password"
#: software WebGL: the test machines have no GPU; newer Chromium wants the opt-in
CHROMIUM_ARGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                 "--ignore-gpu-blocklist"]
ROLES = {"officer": "watch_officer", "analyst": "analyst", "sharer": "sharing_officer",
         "auditor": "auditor", "chief": "admin"}


#: the open_page fixture: a user's name to that user's signed-in page
OpenPage = Callable[[str], Page]


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium "
                    "(apt-get install -y chromium; .ci/run installs it). Playwright's own "
                    "browser download is not used.")
    if not (static_dir() / "index.html").is_file():
        pytest.fail(f"the web page is not built ({static_dir()}/index.html is missing): "
                    "install Node.js and npm, then pip install -e . builds it")
    return CHROMIUM


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pantau demo --no-serve` over a short stretch of the reference scenario."""
    data = tmp_path_factory.mktemp("web") / "demo"
    result = CliRunner().invoke(cli, ["demo", "--no-serve", "--hours", DEMO_HOURS,
                                      "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    return data


@dataclass
class Served:
    url: str
    udp: int
    data_dir: Path
    token: str  # the admin's, for checking what the page shows against the API

    def get(self, path: str, **params: Any) -> Any:
        """A GET as the admin."""
        r = httpx.get(f"{self.url}{path}", params=params, timeout=30,
                      headers={"Authorization": f"Bearer {self.token}"})
        assert r.status_code == 200, r.text
        return r.json()

    def send_udp(self, lines: list[bytes]) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for line in lines:
                s.sendto(line, ("127.0.0.1", self.udp))


@pytest.fixture(scope="session")
def served(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The service over a copy of the demo data, with a user per role and live UDP."""
    data = tmp_path_factory.mktemp("served") / "data"
    shutil.copytree(demo_dir, data)
    with EmbeddedStore(data) as store:
        for name, role in ROLES.items():
            users.add_user(store, name, role, password=PASSWORD)
        token = users.issue_token(store, "chief").token
    udp, http = free_port(socket.SOCK_DGRAM), free_port()
    app = create_app(data, LiveInputs(udp=(Endpoint("127.0.0.1", udp),)), batch_s=0.2)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=http,
                                           log_level="warning", ws="websockets-sansio"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{http}", udp, data, token)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@dataclass
class Demo:
    url: str
    password: str
    output: list[str]


@pytest.fixture(scope="session")
def demo_served(demo_dir: Path, served: Served) -> Iterator[Demo]:
    """`pantau demo` itself, serving the demo data as a user would start it: the scenario
    was simulated and ingested by demo_dir already, so it only serves. (`served` copies
    the directory first: this server writes to it.)"""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pantau.cli.main", "demo", "--hours", DEMO_HOURS, "--port",
         str(port), "--data-dir", str(demo_dir)], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, env={**os.environ, "COLUMNS": "200"})
    assert proc.stdout is not None
    lines: list[str] = []
    password = None
    try:
        deadline = time.monotonic() + 120
        while password is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "sign in as 'demo' with the password" in line:
                password = proc.stdout.readline().strip()
        assert password, "pantau demo printed no password:\n" + "".join(lines)
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        yield Demo(url, password, lines)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium_path: Path) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
    try:
        yield b
    finally:
        b.close()


def shot(page: Page, name: str) -> Path:
    """Save a screenshot among the test artifacts."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def sign_in(page: Page, url: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_function("() => window.pantau.role() !== null", timeout=20_000)


@pytest.fixture(scope="session")
def _pages(browser: Browser, served: Served) -> Iterator[tuple[dict[str, Page], list[str]]]:
    """One signed-in page per user for the whole session: loading the map costs seconds
    in software WebGL, so the tests share it and each goes to the page it needs."""
    pages: dict[str, Page] = {}
    errors: list[str] = []
    yield pages, errors
    for page in pages.values():
        page.context.close()


@pytest.fixture
def open_page(_pages: tuple[dict[str, Page], list[str]], browser: Browser, served: Served
              ) -> Iterator[Callable[[str], Page]]:
    """The signed-in page of one of ROLES' users; errors in the page fail the test."""
    pages, errors = _pages
    seen = len(errors)

    def opener(name: str) -> Page:
        if name not in pages:
            context = browser.new_context(viewport={"width": 1400, "height": 860})
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_default_timeout(20_000)
            sign_in(page, served.url, name)
            pages[name] = page
        return pages[name]

    yield opener
    assert errors[seen:] == [], f"errors in the page: {errors[seen:]}"


def go(page: Page, route: str) -> None:
    """Follow a hash route, as a click on a link would."""
    page.evaluate(f"() => {{ location.hash = {route!r}; }}")


def wait_for_vessels(page: Page) -> int:
    page.wait_for_function("() => window.pantau.vesselCount() > 0", timeout=30_000)
    page.evaluate("() => window.pantau.whenIdle()")
    return int(page.evaluate("() => window.pantau.vesselCount()"))
