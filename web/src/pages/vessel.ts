// A vessel's profile: identity and its history, flag, category, events, and its track
// replayed on a small map of its own.
import { Map as MapLibreMap, type GeoJSONSource } from "maplibre-gl";
import { api } from "../api";
import { h, label, replace, table, utc } from "../dom";
import { addVesselIcons } from "../map/icons";
import { mapStyle } from "../map/style";
import { CATEGORY_COLOURS, type Category } from "../vessels";

interface Profile {
  mmsi: number;
  shipname: string | null;
  callsign: string | null;
  imo: number | null;
  ship_type: number | null;
  length_m: number | null;
  beam_m: number | null;
  flag: string | null;
  mmsi_kind: string | null;
  category: Category | null;
  category_basis: string | null;
  first_seen: string | null;
  last_seen: string | null;
  last_position: { lon: number; lat: number; last_position_at: string; zones: string[] } | null;
  history: { field: string; old_value: string | null; new_value: string | null; changed_at: string }[];
}

interface Fix { received_at: string; lon: number | null; lat: number | null;
  speed: number | null; course: number | null; heading: number | null }

export function vesselPage(mmsi: number): { element: HTMLElement; dispose: () => void } {
  const body = h("div", { "aria-busy": "true" }, h("p", { class: "muted" }, "Loading…"));
  const element = h("section", { class: "page", "aria-labelledby": "vessel-title" },
    h("h1", { id: "vessel-title" }, `Vessel ${mmsi}`), body);
  let map: MapLibreMap | null = null;

  void (async () => {
    let v: Profile;
    try {
      v = await api<Profile>(`/api/vessels/${mmsi}`);
    } catch (e) {
      replace(body, h("p", { class: "error" }, (e as Error).message));
      return;
    }
    const title = element.querySelector("h1");
    if (title) title.textContent = v.shipname ? `${v.shipname} (${mmsi})` : `Vessel ${mmsi}`;
    const events = h("div", {}, h("p", { class: "muted" }, "Loading events…"));
    const trackBox = h("div", { class: "mini-map", role: "region",
      "aria-label": `Track of ${v.shipname ?? mmsi}` });
    const slider = h("input", { type: "range", id: "track-slider", min: 0, max: 0, value: 0,
      disabled: true, "aria-label": "Track replay time" });
    const clock = h("p", { class: "muted", "aria-live": "polite" });
    const cat = v.category ?? "other";
    replace(body,
      h("div", { class: "profile" },
        h("section", { class: "panel" }, h("h2", {}, "Identity"),
          h("dl", { class: "facts", id: "identity" },
            h("dt", {}, "Name"), h("dd", {}, v.shipname ?? "–"),
            h("dt", {}, "MMSI"), h("dd", {}, String(v.mmsi)),
            h("dt", {}, "IMO"), h("dd", {}, v.imo?.toString() ?? "–"),
            h("dt", {}, "Call sign"), h("dd", {}, v.callsign ?? "–"),
            h("dt", {}, "Flag (from the MMSI)"), h("dd", {}, v.flag ?? "–"),
            h("dt", {}, "Category"), h("dd", {}, h("span", { class: "swatch",
              style: `background:${CATEGORY_COLOURS[cat]}`, "aria-hidden": "true" }), label(cat),
            v.category_basis ? h("span", { class: "muted" }, ` (from ${label(v.category_basis)})`) : null),
            h("dt", {}, "Ship type"), h("dd", {}, v.ship_type?.toString() ?? "–"),
            h("dt", {}, "Size"), h("dd", {}, v.length_m ? `${v.length_m} × ${v.beam_m ?? "?"} m` : "–"),
            h("dt", {}, "Seen"), h("dd", {}, `${utc(v.first_seen)} to ${utc(v.last_seen)}`),
            h("dt", {}, "Last position"), h("dd", {}, v.last_position
              ? `${v.last_position.lat.toFixed(4)}, ${v.last_position.lon.toFixed(4)} at ${utc(v.last_position.last_position_at)}`
              : "–"),
            h("dt", {}, "In zones"), h("dd", {}, v.last_position?.zones.join(", ") || "–")),
          h("a", { class: "button", href: v.last_position
            ? `#/map/${v.last_position.lon.toFixed(4)},${v.last_position.lat.toFixed(4)}/${mmsi}` : "#/map" },
          "Show on the map")),
        h("section", { class: "panel" }, h("h2", {}, "Track replay"), trackBox, slider, clock)),
      h("section", { class: "panel" }, h("h2", {}, "Identity history"),
        v.history.length ? table(["when", "field", "from", "to"], v.history.map((c) =>
          [utc(c.changed_at), label(c.field), c.old_value ?? "–", c.new_value ?? "–"]))
          : h("p", { class: "muted" }, "No changes seen.")),
      h("section", { class: "panel" }, h("h2", {}, "Events"), events));
    body.setAttribute("aria-busy", "false");

    void api<{ total: number; items: { event_id: string; kind: string; start: string;
      end: string; zone: string | null; mmsi: number; other_mmsi: number | null;
      duration_s: number | null }[] }>("/api/events", { query: { mmsi, limit: 500 } })
      .then((r) => replace(events, r.items.length
        ? table(["kind", "start", "end", "hours", "zone", "with"], r.items.map((e) => [
          label(e.kind), utc(e.start), utc(e.end),
          e.duration_s === null ? "–" : (e.duration_s / 3600).toFixed(1), e.zone ?? "–",
          (() => {
            const other = e.mmsi === mmsi ? e.other_mmsi : e.mmsi;
            return other ? h("a", { href: `#/vessel/${other}` }, String(other)) : "–";
          })()]), `${r.total} events, newest first`)
        : h("p", { class: "muted" }, "No events.")))
      .catch((e: Error) => replace(events, h("p", { class: "error" }, e.message)));

    let fixes: Fix[] = [];
    try {
      const until = v.last_seen;
      const since = until ? new Date(Date.parse(until) - 48 * 3600e3).toISOString() : null;
      const track = await api<{ items: Fix[] }>(`/api/vessels/${mmsi}/track`,
        { query: { since, limit: 20000 } });
      fixes = track.items.filter((f) => f.lon !== null && f.lat !== null);
    } catch (e) {
      replace(clock, `Track could not be read: ${(e as Error).message}`);
      return;
    }
    if (!fixes.length) {
      replace(clock, "No positions archived.");
      return;
    }
    try {
      map = new MapLibreMap({ container: trackBox, style: mapStyle(), dragRotate: false,
        attributionControl: { compact: true }, fadeDuration: 0,
        bounds: bounds(fixes), fitBoundsOptions: { padding: 40, maxZoom: 12 } });
    } catch (e) {
      replace(clock, `This browser cannot draw the map: ${(e as Error).message}`);
      return;
    }
    const m = map;
    m.on("load", () => {
      // the attribution folds to its (i) button: the small map needs the room
      trackBox.querySelector(".maplibregl-ctrl-attrib")?.classList.remove("maplibregl-compact-show");
      addVesselIcons(m);
      void api<{ land: GeoJSON.FeatureCollection; zones: GeoJSON.FeatureCollection }>(
        "/api/map/basemap").then((b) => {
        (m.getSource("land") as GeoJSONSource).setData(b.land);
        (m.getSource("zones") as GeoJSONSource).setData(b.zones);
      });
      (m.getSource("track") as GeoJSONSource).setData({ type: "FeatureCollection", features: [
        { type: "Feature", properties: {}, geometry: { type: "LineString",
          coordinates: fixes.map((f) => [f.lon as number, f.lat as number]) } }] });
      const at = (k: number) => {
        const f = fixes[k];
        (m.getSource("vessels") as GeoJSONSource).setData({ type: "FeatureCollection",
          features: [{ type: "Feature", geometry: { type: "Point",
            coordinates: [f.lon as number, f.lat as number] },
          properties: { mmsi, cat, dir: f.heading ?? f.course, shape:
              (f.heading ?? f.course) === null ? "dot" : "arrow" } }] });
        const text = `${utc(f.received_at, true)}: ${f.speed?.toFixed(1) ?? "–"} kn`;
        slider.setAttribute("aria-valuetext", text);
        replace(clock, text, ` (${k + 1} of ${fixes.length} positions)`);
      };
      slider.max = String(fixes.length - 1);
      slider.value = String(fixes.length - 1);
      slider.disabled = false;
      slider.addEventListener("input", () => at(Number(slider.value)));
      at(fixes.length - 1);
    });
  })();

  return { element, dispose: () => map?.remove() };
}

function bounds(fixes: Fix[]): [[number, number], [number, number]] {
  const lons = fixes.map((f) => f.lon as number);
  const lats = fixes.map((f) => f.lat as number);
  const pad = 0.01;
  return [[Math.min(...lons) - pad, Math.min(...lats) - pad],
    [Math.max(...lons) + pad, Math.max(...lats) + pad]];
}
