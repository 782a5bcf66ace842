// The map's style: no tiles, no glyphs, no sprite: a sea background, then GeoJSON
// sources filled by the page (land from the basemap endpoint, zones, vessels, tracks).
import type {
  ExpressionSpecification, LayerSpecification, StyleSpecification,
} from "maplibre-gl";
import { CATEGORIES, CATEGORY_COLOURS } from "../vessels";

/** Below this zoom vessels are dots (cheap to draw by the thousand, and a heading is not
 * readable at that scale anyway); from it on, arrows turned to their heading. */
export const ARROWS_FROM = 7;

export const ZONE_KINDS = ["eez", "territorial_sea", "aoi", "exercise", "asset", "port"] as const;
export type ZoneKind = typeof ZONE_KINDS[number];

export const ZONE_STYLE: Record<ZoneKind, { colour: string; fill: number; dash?: number[];
  label: string }> = {
  eez: { colour: "#4aa3df", fill: 0.05, dash: [3, 2], label: "Exclusive economic zone" },
  territorial_sea: { colour: "#4aa3df", fill: 0.0, dash: [1, 2], label: "Territorial sea" },
  aoi: { colour: "#ffb000", fill: 0.12, label: "Areas of interest" },
  exercise: { colour: "#ff5a36", fill: 0.15, dash: [2, 2], label: "Exercise areas" },
  asset: { colour: "#ffe066", fill: 0.3, label: "Assets (platforms)" },
  port: { colour: "#9aa7bd", fill: 0.15, label: "Ports" },
};

const BY_CATEGORY = ["match", ["get", "cat"],
  ...CATEGORIES.flatMap((c) => [c, CATEGORY_COLOURS[c]]), CATEGORY_COLOURS.other,
] as unknown as ExpressionSpecification;
/** The layers that draw vessels (dots when zoomed out, arrows when in). */
export const VESSEL_LAYERS = ["vessel-dots", "vessels"];

const EMPTY = { type: "FeatureCollection" as const, features: [] };
const ATTRIBUTION = "Land: Natural Earth (public domain). EEZ: Flanders Marine Institute " +
  "(2019), Maritime Boundaries Geodatabase v11, marineregions.org, CC-BY 4.0";

function zoneLayers(kind: ZoneKind): LayerSpecification[] {
  const s = ZONE_STYLE[kind];
  const isKind = ["==", ["get", "kind"], kind];
  const areas = ["all", isKind, ["!=", ["get", "shape"], "centre"]];
  const layers: LayerSpecification[] = [
    { id: `zone-fill-${kind}`, type: "fill", source: "zones", filter: areas as never,
      paint: { "fill-color": s.colour, "fill-opacity": s.fill } },
    { id: `zone-line-${kind}`, type: "line", source: "zones", filter: areas as never,
      paint: { "line-color": s.colour, "line-width": 1.4,
        ...(s.dash ? { "line-dasharray": s.dash } : {}) } },
  ];
  if (kind === "asset" || kind === "port") {
    layers.push({ id: `zone-dot-${kind}`, type: "circle", source: "zones",
      filter: ["all", isKind, ["==", ["get", "shape"], "centre"]] as never,
      paint: { "circle-radius": kind === "asset" ? 4 : 2.5, "circle-color": s.colour,
        "circle-stroke-color": "#071522", "circle-stroke-width": 1 } });
  }
  return layers;
}

export function mapStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {
      land: { type: "geojson", data: EMPTY, attribution: ATTRIBUTION },
      zones: { type: "geojson", data: EMPTY },
      track: { type: "geojson", data: EMPTY },
      alerts: { type: "geojson", data: EMPTY },
      vessels: { type: "geojson", data: EMPTY, promoteId: "mmsi" },
    },
    layers: [
      { id: "sea", type: "background", paint: { "background-color": "#0a1f33" } },
      { id: "land", type: "fill", source: "land", paint: { "fill-color": "#1d2b24" } },
      { id: "coastline", type: "line", source: "land",
        paint: { "line-color": "#6f8f7a", "line-width": 0.8 } },
      ...ZONE_KINDS.flatMap(zoneLayers),
      { id: "track-line", type: "line", source: "track", filter: ["==", ["geometry-type"], "LineString"],
        paint: { "line-color": "#ffffff", "line-width": 2, "line-opacity": 0.85 } },
      { id: "track-ends", type: "circle", source: "track", filter: ["==", ["geometry-type"], "Point"],
        paint: { "circle-radius": 4, "circle-color": ["match", ["get", "end"], "first", "#0a1f33", "#ffffff"],
          "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 } },
      { id: "alerts", type: "circle", source: "alerts",
        paint: { "circle-radius": 11, "circle-color": "rgba(0,0,0,0)",
          "circle-stroke-width": 2,
          "circle-stroke-color": ["match", ["get", "severity"], "high", "#ff3b3b",
            "medium", "#ffb000", "#9aa7bd"] } },
      { id: "vessel-dots", type: "circle", source: "vessels", maxzoom: ARROWS_FROM,
        filter: ["in", ["get", "cat"], ["literal", [...CATEGORIES]]],
        paint: { "circle-radius": ["interpolate", ["linear"], ["zoom"], 3, 2.5, ARROWS_FROM, 4.5],
          "circle-color": BY_CATEGORY,
          "circle-stroke-color": "#071522", "circle-stroke-width": 0.8 } },
      { id: "vessels", type: "symbol", source: "vessels", minzoom: ARROWS_FROM,
        filter: ["in", ["get", "cat"], ["literal", [...CATEGORIES]]],
        layout: {
          "icon-image": ["concat", ["get", "shape"], "-", ["get", "cat"]],
          "icon-rotate": ["coalesce", ["get", "dir"], 0],
          "icon-rotation-alignment": "map",
          "icon-allow-overlap": true,
          "icon-ignore-placement": true,
          "icon-size": ["interpolate", ["linear"], ["zoom"], 3, 0.55, 8, 0.8, 12, 1.0],
        } },
      { id: "selected", type: "circle", source: "vessels", filter: ["==", ["get", "mmsi"], -1],
        paint: { "circle-radius": 14, "circle-color": "rgba(0,0,0,0)",
          "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 } },
    ],
  };
}
