// The map page: the live picture with its controls. Built once and kept (hidden while
// another page shows), so that the map, its data and the stream survive navigation.
import { api } from "../api";
import { h, label, replace, toast, utc } from "../dom";
import { MapView, REGION } from "../map/mapview";
import { ReplayControl } from "../map/replay";
import { VESSEL_LAYERS, ZONE_KINDS, ZONE_STYLE } from "../map/style";
import { CATEGORIES, CATEGORY_COLOURS, store, type Category } from "../vessels";

export interface MapPage {
  element: HTMLElement;
  view: MapView;
  replay: ReplayControl;
  refreshAlerts(): Promise<void>;
  shown(): void;
}

let page: MapPage | null = null;

export function mapPage(): MapPage {
  if (!page) page = build();
  return page;
}

function fmt(value: number | null | undefined, unit: string, digits = 1): string {
  return value === null || value === undefined ? "–" : `${value.toFixed(digits)} ${unit}`;
}

function build(): MapPage {
  const card = h("section", { class: "panel card", id: "vessel-card", "aria-live": "polite",
    "aria-label": "Selected vessel" }, h("p", { class: "muted" },
    "Select a vessel on the map, or find it by name or MMSI."));
  const container = h("div", { class: "map", id: "map", role: "region",
    "aria-label": "Map of vessels and zones; arrow keys pan, plus and minus zoom" });
  const clock = h("div", { class: "map-clock", "aria-live": "off" });
  let trackShown: number | null = null;

  const view = new MapView(container, (mmsi) => showCard(mmsi));
  const replay = new ReplayControl(view);

  function showCard(mmsi: number | null): void {
    if (mmsi === null) {
      replace(card, h("p", { class: "muted" }, "No vessel selected."));
      return;
    }
    const v = store.vessels.get(mmsi);
    const trackButton = h("button", { type: "button", id: "track-button",
      "aria-pressed": String(trackShown === mmsi), onclick: () => void toggleTrack(mmsi) },
    trackShown === mmsi ? "Hide track" : "Show track");
    replace(card,
      h("h2", {}, v?.shipname || `MMSI ${mmsi}`),
      h("dl", { class: "facts" },
        h("dt", {}, "MMSI"), h("dd", {}, String(mmsi)),
        h("dt", {}, "Category"), h("dd", {}, h("span", { class: "swatch", style:
          `background:${CATEGORY_COLOURS[v?.category ?? "other"]}` }), label(v?.category ?? "other")),
        h("dt", {}, "Flag"), h("dd", {}, v?.flag ?? "–"),
        h("dt", {}, "Ship type"), h("dd", {}, v?.ship_type?.toString() ?? "–"),
        h("dt", {}, "Length"), h("dd", {}, fmt(v?.length_m, "m", 0)),
        h("dt", {}, "Speed"), h("dd", {}, fmt(v?.speed, "kn")),
        h("dt", {}, "Course"), h("dd", {}, fmt(v?.course, "°", 0)),
        h("dt", {}, "Heading"), h("dd", {}, fmt(v?.heading, "°", 0)),
        h("dt", {}, "Last report"), h("dd", {}, utc(v?.at, true) || "–")),
      h("div", { class: "row" }, trackButton,
        h("a", { class: "button", href: `#/vessel/${mmsi}`, id: "profile-link" }, "Vessel profile")));
  }

  async function toggleTrack(mmsi: number): Promise<void> {
    if (trackShown === mmsi) {
      trackShown = null;
      view.hideTrack();
    } else {
      const until = store.asOf;
      const since = until ? new Date(Date.parse(until) - 24 * 3600e3).toISOString() : null;
      try {
        const n = await view.showTrack(mmsi, since, null);
        trackShown = mmsi;
        toast(`Track of ${mmsi}: ${n} positions in the last 24 hours of data`);
      } catch (e) {
        toast(`Track failed: ${(e as Error).message}`, "error");
      }
    }
    showCard(mmsi);
  }

  // keyboard and screen-reader way to a vessel: the canvas itself cannot be tabbed through
  const options = h("datalist", { id: "vessel-options" });
  const find = h("input", { id: "find-vessel", list: "vessel-options", autocomplete: "off",
    placeholder: "name or MMSI", onfocus: () => fillOptions(),
    onchange: () => findVessel(find.value) });
  function fillOptions(): void {
    replace(options, [...store.vessels.values()].map((v) =>
      h("option", { value: `${v.shipname ?? "unnamed"} (${v.mmsi})` })));
  }
  function findVessel(text: string): void {
    const m = /(\d{6,9})\)?\s*$/.exec(text.trim());
    const wanted = text.trim().toUpperCase();
    const v = m ? store.vessels.get(Number(m[1]))
      : [...store.vessels.values()].find((x) => (x.shipname ?? "").toUpperCase() === wanted);
    if (!v) {
      toast(`No vessel ${text} on the map`, "error");
      return;
    }
    view.map.flyTo({ center: [v.lon, v.lat], zoom: Math.max(view.map.getZoom(), 8) });
    view.select(v.mmsi);
  }

  const visible = new Set<Category>(CATEGORIES);
  const categories = h("fieldset", {}, h("legend", {}, "Vessels by category"),
    CATEGORIES.map((c) => h("label", { class: "check" },
      h("input", { type: "checkbox", checked: true, "data-category": c, onchange: (e: Event) => {
        if ((e.target as HTMLInputElement).checked) visible.add(c); else visible.delete(c);
        view.setCategories(visible);
      } }),
      h("span", { class: "swatch", style: `background:${CATEGORY_COLOURS[c]}`, "aria-hidden": "true" }),
      label(c))));
  const toggle = (text: string, layers: string[], colour?: string, on = true) =>
    h("label", { class: "check" },
      h("input", { type: "checkbox", checked: on, "data-layers": layers.join(" "),
        onchange: (e: Event) => view.setVisible(layers, (e.target as HTMLInputElement).checked) }),
      colour ? h("span", { class: "swatch", style: `background:${colour}`, "aria-hidden": "true" }) : null,
      text);
  const layers = h("fieldset", {}, h("legend", {}, "Layers"),
    toggle("Land and coastline", ["land", "coastline"], "#1d2b24"),
    ZONE_KINDS.map((k) => toggle(ZONE_STYLE[k].label,
      [`zone-fill-${k}`, `zone-line-${k}`, `zone-dot-${k}`], ZONE_STYLE[k].colour)),
    toggle("Alerts", ["alerts"], "#ff3b3b"),
    toggle("Track", ["track-line", "track-ends"], "#ffffff"),
    toggle("Vessels", [...VESSEL_LAYERS, "selected"]));

  const side = h("aside", { class: "map-side", "aria-label": "Map controls" },
    h("section", { class: "panel" }, h("label", { for: "find-vessel" }, "Find a vessel"),
      find, options),
    card, replay.element,
    h("section", { class: "panel" }, h("h2", {}, "Layers and legend"), layers, categories));
  const element = h("div", { class: "map-page" }, side,
    h("div", { class: "map-wrap" }, container, clock));

  const tickClock = () => {
    const n = view.displayed;
    replace(clock, view.mode === "live"
      ? `${n.toLocaleString()} vessels · data as of ${utc(store.asOf) || "–"}`
      : `${n.toLocaleString()} vessels · replay`);
  };
  window.setInterval(tickClock, 1000);

  async function refreshAlerts(): Promise<void> {
    try {
      const found = await api<{ items: { lon: number | null; lat: number | null;
        severity: string; title: string }[] }>("/api/alerts",
      { query: { acknowledged: false, severity: "medium", limit: 500 } });
      view.setAlerts(found.items);
    } catch {
      // the alerts page says why; the map goes on without the rings
    }
  }

  void (async () => {
    try {
      await Promise.all([view.loadBasemap(), store.load()]);
      await view.ready;
      view.requestDraw();
      await refreshAlerts();
    } catch (e) {
      toast(`The map could not load: ${(e as Error).message}`, "error");
    }
  })();

  let fitted = false;
  return {
    element, view, replay, refreshAlerts,
    shown: () => {
      view.map.resize();
      if (!fitted) {
        // the map was built before its box had a size: frame the region once it has one
        view.map.fitBounds(REGION, { animate: false });
        fitted = true;
      }
    },
  };
}
