// The WebGL map: basemap, zones, vessels, a track and alert rings, all GeoJSON sources.
//
// Vessels are one GeoJSON source drawn by two layers: dots when zoomed out, arrows turned
// to the heading when zoomed in (see style.ts). Changes (stream batches, replay
// frames) only mark the picture dirty; the source is rebuilt at most once per animation
// frame, and no oftener than FLUSH_MS, so 5,000 vessels moving every second cost a few
// setData calls a second, not one per vessel or per message.
import {
  Map as MapLibreMap, setWorkerUrl, type GeoJSONSource, type LngLatBoundsLike,
} from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import { api } from "../api";
import { CATEGORIES, direction, store, type Category } from "../vessels";
import { addVesselIcons } from "./icons";
import { mapStyle, VESSEL_LAYERS } from "./style";

declare const __MAPLIBRE_WORKER__: string;
setWorkerUrl(new URL(__MAPLIBRE_WORKER__, location.href).href);

const FLUSH_MS = 100;
export const REGION: LngLatBoundsLike = [[98.0, -0.5], [120.5, 8.5]];

interface VesselFeature {
  type: "Feature";
  geometry: { type: "Point"; coordinates: [number, number] };
  properties: { mmsi: number; cat: Category; dir: number | null; shape: "arrow" | "dot" };
}

export interface ReplayFrame {
  mmsi: number[];
  lon: (number | null)[];
  lat: (number | null)[];
  heading: (number | null)[];
}

interface TrackPoint { received_at: string; lon: number | null; lat: number | null;
  segment_id?: number | null }

export class MapView {
  readonly map: MapLibreMap;
  readonly ready: Promise<void>;
  mode: "live" | "replay" = "live";
  selected: number | null = null;
  displayed = 0;
  flushes = 0;
  flushMs = 0;
  private replay: ReplayFrame | null = null;
  private shown = new Map<number, [number, number]>();
  private dirty = false;
  private scheduled = false;
  private lastFlush = 0;

  constructor(container: HTMLElement, private onSelect: (mmsi: number | null) => void) {
    this.map = new MapLibreMap({
      container, style: mapStyle(), bounds: REGION, maxZoom: 15, minZoom: 2,
      attributionControl: { compact: true }, dragRotate: false, pitchWithRotate: false,
      keyboard: true, fadeDuration: 0,
    });
    this.map.touchZoomRotate.disableRotation();
    this.ready = new Promise((resolve) => {
      this.map.on("load", () => {
        addVesselIcons(this.map);
        this.wire();
        resolve();
      });
    });
    store.onChange(() => {
      if (this.mode === "live") this.requestDraw();
    });
  }

  private wire(): void {
    const map = this.map;
    map.on("click", (e) => {
      const { x, y } = e.point;
      const hits = map.queryRenderedFeatures([[x - 8, y - 8], [x + 8, y + 8]],
        { layers: VESSEL_LAYERS });
      if (!hits.length) {
        this.select(null);
        return;
      }
      // the hit nearest the pointer, when several overlap
      let best = hits[0];
      let bestD = Infinity;
      for (const f of hits) {
        const c = (f.geometry as GeoJSON.Point).coordinates as [number, number];
        const p = map.project(c);
        const d = (p.x - x) ** 2 + (p.y - y) ** 2;
        if (d < bestD) {
          bestD = d;
          best = f;
        }
      }
      this.select(Number(best.properties?.mmsi));
    });
    for (const layer of VESSEL_LAYERS) {
      map.on("mouseenter", layer, () => { map.getCanvas().style.cursor = "pointer"; });
      map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; });
    }
  }

  async loadBasemap(): Promise<void> {
    const base = await api<{ land: GeoJSON.FeatureCollection; zones: GeoJSON.FeatureCollection }>(
      "/api/map/basemap");
    await this.ready;
    (this.map.getSource("land") as GeoJSONSource).setData(base.land);
    (this.map.getSource("zones") as GeoJSONSource).setData(base.zones);
  }

  /** Mark the vessels dirty; they are redrawn on a coming animation frame. */
  requestDraw(): void {
    this.dirty = true;
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(this.tick);
  }

  private tick = (now: number): void => {
    if (now - this.lastFlush < FLUSH_MS) {
      requestAnimationFrame(this.tick);
      return;
    }
    this.scheduled = false;
    if (!this.dirty) return;
    this.dirty = false;
    this.lastFlush = now;
    this.flush();
  };

  private flush(): void {
    const started = performance.now();
    const source = this.map.getSource("vessels") as GeoJSONSource | undefined;
    if (!source) {
      this.requestDraw(); // the style is still loading
      return;
    }
    const features: VesselFeature[] = [];
    this.shown.clear();
    if (this.mode === "live") {
      for (const v of store.vessels.values()) {
        features.push(feature(v.mmsi, v.lon, v.lat, direction(v), v.category));
        this.shown.set(v.mmsi, [v.lon, v.lat]);
      }
    } else if (this.replay) {
      const r = this.replay;
      for (let i = 0; i < r.mmsi.length; i++) {
        const lon = r.lon[i];
        const lat = r.lat[i];
        if (lon === null || lat === null) continue;
        const mmsi = r.mmsi[i];
        features.push(feature(mmsi, lon, lat, r.heading[i],
          store.vessels.get(mmsi)?.category ?? "other"));
        this.shown.set(mmsi, [lon, lat]);
      }
    }
    source.setData({ type: "FeatureCollection", features } as GeoJSON.FeatureCollection);
    this.displayed = features.length;
    this.flushes++;
    this.flushMs = performance.now() - started;
  }

  showLive(): void {
    this.mode = "live";
    this.replay = null;
    this.requestDraw();
  }

  showReplay(frame: ReplayFrame): void {
    this.mode = "replay";
    this.replay = frame;
    this.requestDraw();
  }

  /** Where a vessel is drawn now (lon, lat), or null if it is not on the map. */
  positionOf(mmsi: number): [number, number] | null {
    return this.shown.get(mmsi) ?? null;
  }

  select(mmsi: number | null): void {
    this.selected = mmsi;
    this.map.setFilter("selected", ["==", ["get", "mmsi"], mmsi ?? -1]);
    this.onSelect(mmsi);
  }

  setCategories(visible: Set<Category>): void {
    for (const layer of VESSEL_LAYERS) {
      this.map.setFilter(layer, ["in", ["get", "cat"],
        ["literal", CATEGORIES.filter((c) => visible.has(c))]]);
    }
  }

  setVisible(layers: string[], visible: boolean): void {
    for (const id of layers) {
      if (this.map.getLayer(id)) {
        this.map.setLayoutProperty(id, "visibility", visible ? "visible" : "none");
      }
    }
  }

  async showTrack(mmsi: number, since: string | null, until: string | null): Promise<number> {
    const track = await api<{ items: TrackPoint[] }>(`/api/vessels/${mmsi}/track`,
      { query: { since, until, limit: 20000 } });
    const lines: [number, number][][] = [];
    let lastSegment: number | null | undefined;
    for (const p of track.items) {
      if (p.lon === null || p.lat === null) continue;
      if (!lines.length || p.segment_id !== lastSegment) lines.push([]);
      lastSegment = p.segment_id;
      lines[lines.length - 1].push([p.lon, p.lat]);
    }
    const points = lines.flat();
    const features: GeoJSON.Feature[] = lines.filter((l) => l.length > 1).map((l) => ({
      type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: l },
    }));
    if (points.length) {
      features.push(
        { type: "Feature", properties: { end: "first" },
          geometry: { type: "Point", coordinates: points[0] } },
        { type: "Feature", properties: { end: "last" },
          geometry: { type: "Point", coordinates: points[points.length - 1] } });
      const lons = points.map((p) => p[0]);
      const lats = points.map((p) => p[1]);
      this.map.fitBounds([[Math.min(...lons), Math.min(...lats)],
        [Math.max(...lons), Math.max(...lats)]], { padding: 80, maxZoom: 11, duration: 400 });
    }
    (this.map.getSource("track") as GeoJSONSource).setData({ type: "FeatureCollection", features });
    return points.length;
  }

  hideTrack(): void {
    (this.map.getSource("track") as GeoJSONSource | undefined)?.setData(
      { type: "FeatureCollection", features: [] });
  }

  setAlerts(alerts: { lon: number | null; lat: number | null; severity: string; title: string }[]): void {
    const features: GeoJSON.Feature[] = alerts.filter((a) => a.lon !== null && a.lat !== null)
      .map((a) => ({ type: "Feature", properties: { severity: a.severity, title: a.title },
        geometry: { type: "Point", coordinates: [a.lon as number, a.lat as number] } }));
    (this.map.getSource("alerts") as GeoJSONSource | undefined)?.setData(
      { type: "FeatureCollection", features });
  }

  /** A vessel's pixel position in the page (for tests and keyboard focus). */
  pagePoint(mmsi: number): { x: number; y: number } | null {
    const at = this.shown.get(mmsi);
    if (!at) return null;
    const p = this.map.project(at);
    const box = this.map.getCanvas().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }

  renderedVessels(): number {
    return this.map.queryRenderedFeatures({ layers: VESSEL_LAYERS }).length;
  }
}

function feature(mmsi: number, lon: number, lat: number, dir: number | null,
  cat: Category): VesselFeature {
  return {
    type: "Feature",
    geometry: { type: "Point", coordinates: [lon, lat] },
    properties: { mmsi, cat, dir, shape: dir === null ? "dot" : "arrow" },
  };
}
