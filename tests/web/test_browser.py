"""The operations picture in Chromium: sign in, the demo's vessels on the map, a click to
a vessel's card and profile, an alert made an incident, the time slider, the live stream,
and what each role is shown."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from playwright.sync_api import Browser, expect

from pantau.decode.specs import Layout
from pantau.simulate import encode_payload, sentences, tagged
from tests.web.conftest import OpenPage, Served, go, shot, sign_in, wait_for_vessels


def _isolated_vessel(picture: dict[str, list[float]]) -> int:
    """The vessel farthest from any other, so that a click on it hits it alone."""
    lon, lat = picture["lon"], picture["lat"]
    best, best_d = 0, -1.0
    for i in range(len(lon)):
        d = min(((lon[i] - lon[j]) ** 2 + (lat[i] - lat[j]) ** 2
                 for j in range(len(lon)) if j != i), default=1.0)
        if d > best_d:
            best, best_d = i, d
    return int(picture["mmsi"][best])


def test_wrong_password_is_refused_on_the_page(browser: Browser, served: Served) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{served.url}/")
    page.get_by_label("User name").fill("officer")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signin-message")).to_have_text("wrong user name or password")
    assert page.evaluate("() => window.pantau.role()") is None
    context.close()


def test_signed_in_the_demo_vessels_are_drawn_on_the_map(open_page: OpenPage,
                                                         served: Served) -> None:
    page = open_page("officer")
    go(page, "#/map")
    expect(page).to_have_url(re.compile(r"#/map$"))
    shown = wait_for_vessels(page)
    picture = served.get("/api/map/picture")
    assert shown == picture["count"] > 50
    # drawn by WebGL, not as DOM markers: the map's renderer reports them
    assert page.evaluate("() => window.pantau.renderedVessels()") > 50
    assert page.locator(".maplibregl-marker").count() == 0
    expect(page.locator(".map-clock")).to_contain_text(f"{shown} vessels")
    shot(page, "map")


def test_clicking_a_vessel_opens_its_card_track_and_profile(open_page: OpenPage,
                                                            served: Served) -> None:
    page = open_page("analyst")
    go(page, "#/map")
    wait_for_vessels(page)
    picture = served.get("/api/map/picture")
    mmsi = _isolated_vessel(picture)
    i = picture["mmsi"].index(mmsi)
    go(page, f"#/map/{picture['lon'][i]},{picture['lat'][i]}")
    page.wait_for_timeout(300)
    page.evaluate("() => window.pantau.whenIdle()")
    point = page.evaluate(f"() => window.pantau.vesselPoint({mmsi})")
    page.mouse.click(point["x"], point["y"])
    card = page.locator("#vessel-card")
    expect(card).to_contain_text(str(mmsi))
    assert page.evaluate("() => window.pantau.selected()") == mmsi
    if picture["shipname"][i]:
        expect(card.get_by_role("heading")).to_have_text(picture["shipname"][i])
    page.get_by_role("button", name="Show track").click()
    expect(page.get_by_role("button", name="Hide track")).to_be_visible()
    shot(page, "vessel-card")
    page.get_by_role("link", name="Vessel profile").click()
    expect(page).to_have_url(re.compile(f"#/vessel/{mmsi}$"))
    expect(page.locator("#identity")).to_contain_text(str(mmsi))
    expect(page.locator("#identity")).to_contain_text(picture["category"][i].replace("_", " "))
    slider = page.locator("#track-slider")
    expect(slider).to_be_enabled()
    slider.focus()
    page.keyboard.press("Home")
    expect(page.locator(".page")).to_contain_text("1 of")
    shot(page, "vessel-profile")


def test_an_alert_becomes_an_incident_that_is_then_run(open_page: OpenPage,
                                                      served: Served) -> None:
    page = open_page("officer")
    page.get_by_role("link", name=re.compile("^Alerts")).click()
    expect(page).to_have_url(re.compile(r"#/alerts$"))
    expect(page.locator("#alert-list")).to_have_attribute("aria-busy", "false")
    # newest first, as the API has them
    listed = [a["alert_id"] for a in sorted(
        served.get("/api/alerts", severity="medium", limit=1000)["items"],
        key=lambda a: a["start"], reverse=True)]
    assert page.locator("li.alert").evaluate_all(
        "(items) => items.map((li) => li.dataset.alertId)") == listed
    # acknowledge the last one
    last = page.locator("li.alert").last
    last_id = last.get_attribute("data-alert-id")
    last.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(f'li.alert[data-alert-id="{last_id}"]')).to_contain_text(
        "acknowledged by officer")
    expect(page.locator("#alert-list")).to_have_attribute("aria-busy", "false")
    first = page.locator("li.alert").filter(has=page.get_by_role(
        "button", name="Open incident")).first
    title = first.locator("strong").inner_text()
    alert_id = first.get_attribute("data-alert-id")
    first.get_by_role("button", name="Open incident").click()
    expect(page).to_have_url(re.compile(r"#/incidents/inc-[0-9a-f]{20}$"))
    incident_id = page.url.rsplit("/", 1)[1]
    detail = page.locator("#incident-detail")
    expect(detail.get_by_role("heading", level=2)).to_have_text(title)
    expect(page.locator('ul[data-status="new"] li[data-incident-id]')).to_have_count(1)
    alert = served.get("/api/alerts", limit=1000)["items"]
    assert [a["incident_id"] for a in alert if a["alert_id"] == alert_id] == [incident_id]
    # run it: assign to me, a note, and on to triaged, each drawn again before the next
    idle = detail.get_by_role("heading", level=2)
    expect(detail).to_have_attribute("aria-busy", "false")
    page.get_by_role("button", name="Me").click()
    page.get_by_role("button", name="Assign").click()
    expect(detail).to_have_attribute("aria-busy", "false")
    expect(page.locator(f'li[data-incident-id="{incident_id}"]')).to_contain_text(
        "assigned to officer")
    page.get_by_label("Add a note").fill("Patrol vessel informed.")
    page.get_by_role("button", name="Add note").click()
    expect(detail).to_have_attribute("aria-busy", "false")
    expect(detail.locator("ul.notes")).to_contain_text("Patrol vessel informed.")
    expect(idle).to_have_text(title)
    page.get_by_role("button", name="Move to triaged").click()
    expect(page.locator(f'ul[data-status="triaged"] li[data-incident-id="{incident_id}"]')
           ).to_be_visible()
    kept = served.get(f"/api/incidents/{incident_id}")
    assert kept["status"] == "triaged" and kept["assignee"] == "officer"
    assert [e["actor"] for e in kept["log"]] == ["officer"] * 4
    # the evidence pack opens with the session cookie, as one page
    pack = page.locator("#evidence-pack")
    expect(pack).to_have_attribute("href", f"/api/incidents/{incident_id}/pack")
    origin = page.url.split("#")[0].rstrip("/")
    answer = page.request.get(f"{origin}/api/incidents/{incident_id}/pack")
    assert answer.ok and 'id="pack-sha256"' in answer.text()
    shot(page, "incidents")


def test_the_time_slider_replays_the_last_hours(open_page: OpenPage, served: Served) -> None:
    page = open_page("officer")
    go(page, "#/map")
    wait_for_vessels(page)
    replay = served.get("/api/map/replay", hours=3, step_s=120)
    last = len(replay["times"]) - 1
    moving = next(m for k, m in enumerate(replay["mmsi"])
                  if None not in (replay["lon"][k][0], replay["lon"][k][last])
                  and abs(replay["lon"][k][0] - replay["lon"][k][last]) > 0.05)
    k = replay["mmsi"].index(moving)
    page.get_by_role("button", name="Load").click()
    page.wait_for_function("() => window.pantau.replayFrame() === 0")
    assert page.evaluate("() => window.pantau.mode()") == "replay"
    page.wait_for_function(f"() => window.pantau.positionOf({moving}) !== null")
    start = page.evaluate(f"() => window.pantau.positionOf({moving})")
    assert start == [replay["lon"][k][0], replay["lat"][k][0]]
    slider = page.get_by_role("slider", name="Replay time")
    expect(slider).to_be_focused()
    page.keyboard.press("End")
    page.wait_for_function(f"() => window.pantau.replayFrame() === {last}")
    page.wait_for_function(
        f"() => window.pantau.positionOf({moving})[0] === {replay['lon'][k][last]}")
    expect(page.locator(".replay-clock")).to_contain_text(f"{last + 1} of {last + 1}")
    page.keyboard.press("Home")
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => window.pantau.replayFrame() >= 2")
    shot(page, "replay")
    page.get_by_role("button", name="Back to live").click()
    page.wait_for_function("() => window.pantau.mode() === 'live'")


def _position(mmsi: int, lon: float, lat: float, at: datetime) -> bytes:
    payload, fill = encode_payload(Layout.POSITION_A, {
        "msg_type": 1, "mmsi": mmsi, "status": 0, "speed": 12.0, "accuracy": 1,
        "lon": lon, "lat": lat, "course": 45.0, "heading": 45, "second": 0})
    (line,) = sentences(payload, fill)
    return tagged(line, at, source="rx-web").encode() + b"\r\n"


def test_live_positions_from_the_stream_reach_the_map(open_page: OpenPage,
                                                     served: Served) -> None:
    page = open_page("officer")
    go(page, "#/map")
    before = wait_for_vessels(page)
    page.wait_for_function("() => document.getElementById('status').textContent === 'live'")
    as_of = datetime.fromisoformat(served.get("/api/map/picture")["as_of"])
    mmsi = 533999001
    served.send_udp([_position(mmsi, 104.40 + 0.01 * k, 2.10 + 0.01 * k,
                               as_of + timedelta(minutes=k + 1)) for k in range(3)])
    page.wait_for_function(f"() => window.pantau.positionOf({mmsi}) !== null")
    page.wait_for_function(f"() => window.pantau.positionOf({mmsi})[0] > 104.415")
    lon, lat = page.evaluate(f"() => window.pantau.positionOf({mmsi})")
    assert math.isclose(lon, 104.42, abs_tol=1e-3) and math.isclose(lat, 2.12, abs_tol=1e-3)
    assert page.evaluate("() => window.pantau.vesselCount()") == before + 1


def test_a_watch_officer_is_not_shown_sharing(open_page: OpenPage) -> None:
    page = open_page("officer")
    go(page, "#/map")
    nav = page.get_by_role("navigation", name="Pages")
    expect(nav.get_by_role("link", name="Map")).to_be_visible()
    expect(nav.get_by_role("link", name="Sharing")).to_have_count(0)
    expect(nav.get_by_role("link", name="Audit")).to_have_count(0)
    page.evaluate("() => { location.hash = '#/sharing'; }")
    expect(page.locator("#not-permitted")).to_contain_text("watch officer")
    # and the server refuses it too, with the same session
    status = page.evaluate("async () => (await fetch('/api/agreements')).status")
    assert status == 403


def test_a_sharing_officer_and_an_auditor_see_their_pages(open_page: OpenPage) -> None:
    sharer = open_page("sharer")
    nav = sharer.get_by_role("navigation", name="Pages")
    nav.get_by_role("link", name="Sharing").click()
    expect(sharer.get_by_role("heading", name="Sharing", level=1)).to_be_visible()
    expect(sharer.locator("#sharing-out")).not_to_contain_text("Loading")
    expect(sharer.locator("#sharing-out .error")).to_have_count(0)
    shot(sharer, "sharing")
    auditor = open_page("auditor")
    expect(auditor).to_have_url(re.compile(r"#/audit$"))  # the picture is not for auditors
    nav = auditor.get_by_role("navigation", name="Pages")
    expect(nav.get_by_role("link", name="Map")).to_have_count(0)
    expect(nav.get_by_role("link", name="Incidents")).to_be_visible()
    expect(auditor.locator("#audit-verify")).to_contain_text("verif")
    expect(auditor.locator("#audit-out")).not_to_contain_text("Loading")
    expect(auditor.locator("#status")).to_be_empty()  # no stream: it is the picture's
    shot(auditor, "audit")


def test_every_control_has_a_name_for_screen_readers(open_page: OpenPage) -> None:
    page = open_page("chief")
    go(page, "#/map")
    wait_for_vessels(page)
    unnamed = page.evaluate("""() => [...document.querySelectorAll(
        'input, select, button, textarea, a[href]')].filter((el) => {
          const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
            || el.getAttribute('aria-labelledby') || (el.textContent || '').trim()
            || el.getAttribute('title');
          return !named && el.offsetParent !== null;
        }).map((el) => el.outerHTML.slice(0, 80))""")
    assert unnamed == []
    # the keyboard reaches the controls, in order, from the skip link on
    page.focus(".skip")
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("""() => { const el = document.activeElement;
            return el.id || el.getAttribute('data-page') || el.getAttribute('data-layers')
              || el.getAttribute('data-category') || el.textContent.trim(); }"""))
    for wanted in ("map", "alerts", "incidents", "presence", "signout", "find-vessel",
                   "replay-hours", "Load", "land coastline", "coast_guard"):
        assert wanted in reached, (wanted, reached)
    assert reached.index("map") < reached.index("find-vessel") < reached.index("Load")


def test_signing_out_ends_the_session(browser: Browser, served: Served) -> None:
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, served.url, "analyst")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    status = page.evaluate("async () => (await fetch('/api/vessels')).status")
    assert status == 401
    context.close()
