// The single-page app: hash routes, the navigation each role sees, the live stream, and
// a small window.pantau hook that the browser tests (and a curious operator) can read.
import "./style.css";
import { whenSignedOut } from "./api";
import { h, label, replace, toast } from "./dom";
import * as live from "./live";
import { alertsPage, unacknowledged } from "./pages/alerts";
import { incidentsPage } from "./pages/incidents";
import { mapPage, type MapPage } from "./pages/map";
import { presencePage } from "./pages/presence";
import { auditPage, sharingPage } from "./pages/sharing";
import { signInPage } from "./pages/signin";
import { vesselPage } from "./pages/vessel";
import { current, may, restore, signOut, type Me } from "./session";
import { store } from "./vessels";

const NAV: [string, string][] = [["map", "Map"], ["alerts", "Alerts"], ["incidents", "Incidents"],
  ["presence", "Presence"], ["sharing", "Sharing"], ["audit", "Audit"]];

const main = document.getElementById("main") as HTMLElement;
const nav = document.getElementById("nav") as HTMLElement;
const who = document.getElementById("who") as HTMLElement;
const status = document.getElementById("status") as HTMLElement;
const pageBox = h("div", { class: "page-box" });
let mapBox: HTMLElement | null = null;
let dispose: (() => void) | null = null;
let alertBadge: HTMLElement | null = null;

function home(me: Me): string {
  return may("map", me.role) ? "#/map" : may("audit", me.role) ? "#/audit" : "#/incidents";
}

function drawNav(me: Me | null): void {
  if (!me) {
    replace(nav);
    replace(who);
    return;
  }
  alertBadge = h("span", { class: "count", "aria-label": "unacknowledged alerts" });
  replace(nav, h("ul", {}, NAV.filter(([page]) => may(page, me.role)).map(([page, text]) =>
    h("li", {}, h("a", { href: `#/${page}`, "data-page": page }, text,
      page === "alerts" ? [" ", alertBadge] : null)))));
  replace(who, h("span", {}, `${me.name} (${label(me.role)})`), " ",
    h("button", { type: "button", id: "signout", onclick: () => void signOut().finally(() => {
      // a fresh page: nothing of the last user's picture stays in memory
      live.stop();
      location.hash = "#/signin";
      location.reload();
    }) }, "Sign out"));
}

async function refreshBadge(): Promise<void> {
  if (!alertBadge || !may("alerts")) return;
  try {
    const n = await unacknowledged();
    alertBadge.textContent = n ? String(n) : "";
  } catch {
    alertBadge.textContent = "";
  }
}

let eventTimer: number | undefined;
live.onEvent(() => {
  // a burst of events refreshes once
  window.clearTimeout(eventTimer);
  eventTimer = window.setTimeout(() => {
    void refreshBadge();
    if (mapBox && may("map")) void mapPage().refreshAlerts();
    const page = pageBox.firstElementChild as (HTMLElement & { reload?: () => void }) | null;
    page?.reload?.();
  }, 1500);
});
live.onState((s) => {
  replace(status, s === "open" ? "live" : s === "connecting" ? "connecting…"
    : s === "refused" ? "stream refused" : "stream offline");
  status.className = `status ${s}`;
});

function show(el: HTMLElement | null): void {
  if (mapBox) mapBox.hidden = el !== mapBox;
  pageBox.hidden = el !== pageBox;
}

function route(): void {
  dispose?.();
  dispose = null;
  const me = current();
  const [, page = "", ...rest] = location.hash.split("/");
  nav.querySelectorAll("a").forEach((a) => a.removeAttribute("aria-current"));
  nav.querySelector(`a[data-page="${page}"]`)?.setAttribute("aria-current", "page");
  if (!me) {
    drawNav(null);
    show(pageBox);
    replace(pageBox, signInPage((signedIn) => {
      drawNav(signedIn);
      if (may("map", signedIn.role)) live.start(); // the stream is the picture's
      void refreshBadge();
      location.hash = home(signedIn);
    }));
    return;
  }
  if (!page || page === "signin") {
    location.hash = home(me);
    return;
  }
  if (!may(page)) {
    show(pageBox);
    replace(pageBox, h("section", { class: "page" }, h("h1", {}, "Not for your role"),
      h("p", { id: "not-permitted" }, `A ${label(me.role)} may not open this page.`)));
    return;
  }
  if (page === "map") {
    let mp: MapPage;
    try {
      mp = mapPage();
    } catch (e) {
      show(pageBox);
      replace(pageBox, h("p", { class: "error" }, `This browser cannot draw the map: ${(e as Error).message}`));
      return;
    }
    if (!mapBox) {
      mapBox = mp.element;
      main.append(mapBox);
    }
    show(mapBox);
    mp.shown();
    const [at, mmsi] = rest;
    if (at) {
      const [lon, lat] = at.split(",").map(Number);
      if (Number.isFinite(lon) && Number.isFinite(lat)) {
        void mp.view.ready.then(() => {
          mp.view.map.jumpTo({ center: [lon, lat], zoom: 9 });
          if (mmsi) mp.view.select(Number(mmsi));
        });
      }
    }
    return;
  }
  show(pageBox);
  if (page === "alerts") replace(pageBox, alertsPage(() => {
    void refreshBadge();
    if (mapBox) void mapPage().refreshAlerts();
  }));
  else if (page === "incidents") {
    // only an incident id goes into the API paths the page calls
    const id = /^inc-[0-9a-f]{20}$/.test(rest[0] ?? "") ? rest[0] : null;
    replace(pageBox, incidentsPage(id));
  }
  else if (page === "presence") replace(pageBox, presencePage());
  else if (page === "sharing") replace(pageBox, sharingPage());
  else if (page === "audit") replace(pageBox, auditPage());
  else if (page === "vessel" && /^\d+$/.test(rest[0] ?? "")) {
    const v = vesselPage(Number(rest[0]));
    replace(pageBox, v.element);
    dispose = v.dispose;
  } else replace(pageBox, h("p", {}, "No such page."));
  main.focus({ preventScroll: true });
}

declare global {
  interface Window { pantau: Record<string, unknown> }
}

// read-only views of the page's state for the browser tests; `ingest` takes stream
// messages' position items the way the stream does (the performance test uses it)
window.pantau = {
  ready: false,
  vesselCount: () => (mapBox ? mapPage().view.displayed : 0),
  renderedVessels: () => (mapBox ? mapPage().view.renderedVessels() : 0),
  vesselPoint: (mmsi: number) => (mapBox ? mapPage().view.pagePoint(mmsi) : null),
  positionOf: (mmsi: number) => (mapBox ? mapPage().view.positionOf(mmsi) : null),
  mode: () => (mapBox ? mapPage().view.mode : null),
  replayFrame: () => (mapBox ? mapPage().replay.frame : -1),
  flushes: () => (mapBox ? mapPage().view.flushes : 0),
  flushMs: () => (mapBox ? mapPage().view.flushMs : 0),
  selected: () => (mapBox ? mapPage().view.selected : null),
  // resolves once the map has drawn everything it was given (a Promise: tests await it)
  whenIdle: () => (mapBox ? new Promise<boolean>((resolve) => {
    const map = mapPage().view.map;
    map.once("idle", () => resolve(true));
    map.triggerRepaint();
  }) : Promise.resolve(false)),
  storeSize: () => store.vessels.size,
  messages: () => live.messagesReceived(),
  ingest: (items: Parameters<typeof store.ingest>[0]) => store.ingest(items),
  role: () => current()?.role ?? null,
};

main.append(pageBox);
whenSignedOut(() => {
  if (current()) toast("Your session ended: sign in again", "error");
  live.stop();
  void restore().then(() => route());
});
window.addEventListener("hashchange", route);
void restore().then((me) => {
  drawNav(me);
  if (me) {
    if (may("map", me.role)) live.start();
    void refreshBadge();
  }
  route();
  window.pantau.ready = true;
}).catch((e: Error) => {
  replace(pageBox, h("p", { class: "error" }, `pantau cannot be reached: ${e.message}`));
});
