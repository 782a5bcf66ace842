// The live picture in memory: one entry per vessel, fed by /api/map/picture and the
// stream. The map reads it as GeoJSON, at most once per animation frame (see mapview).
import { api } from "./api";

export const CATEGORIES = ["coast_guard", "maritime_militia", "navy", "law_enforcement",
  "survey", "fishing", "own_asset", "other"] as const;
export type Category = typeof CATEGORIES[number];

export const CATEGORY_COLOURS: Record<Category, string> = {
  coast_guard: "#ff5a36",
  maritime_militia: "#ffb000",
  navy: "#d65cff",
  law_enforcement: "#3fa9ff",
  survey: "#9be34b",
  fishing: "#2ee6c0",
  own_asset: "#ffffff",
  other: "#9aa7bd",
};

const IDENTIFY_DEBOUNCE_MS = 2000;
const IDENTIFY_MS = 30000;

export interface Vessel {
  mmsi: number;
  lon: number;
  lat: number;
  course: number | null;
  heading: number | null;
  speed: number | null;
  at: string | null;
  shipname: string | null;
  category: Category;
  flag: string | null;
  ship_type: number | null;
  length_m: number | null;
}

interface Picture {
  as_of: string | null;
  count: number;
  mmsi: number[];
  lon: number[];
  lat: number[];
  course: (number | null)[];
  heading: (number | null)[];
  speed: (number | null)[];
  at: string[];
  shipname: (string | null)[];
  category: (string | null)[];
  flag: (string | null)[];
  ship_type: (number | null)[];
  length_m: (number | null)[];
}

export interface LivePosition {
  mmsi: number;
  lon: number | null;
  lat: number | null;
  course: number | null;
  heading: number | null;
  speed: number | null;
  received_at: string;
}

function category(value: string | null | undefined): Category {
  return (CATEGORIES as readonly string[]).includes(value ?? "") ? value as Category : "other";
}

/** The direction to draw: the true heading when sent (511 is "not available" and is
 * null by then), else the course over ground; null when neither is known. */
export function direction(v: { heading: number | null; course: number | null }): number | null {
  return v.heading ?? v.course;
}

export class VesselStore {
  readonly vessels = new Map<number, Vessel>();
  asOf: string | null = null;
  private listeners = new Set<() => void>();
  private unknown = new Set<number>();
  private identifyTimer: number | undefined;
  private lastIdentify = 0;

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  async load(): Promise<void> {
    const p = await api<Picture>("/api/map/picture");
    this.vessels.clear();
    for (let i = 0; i < p.count; i++) {
      this.vessels.set(p.mmsi[i], {
        mmsi: p.mmsi[i], lon: p.lon[i], lat: p.lat[i], course: p.course[i],
        heading: p.heading[i], speed: p.speed[i], at: p.at[i], shipname: p.shipname[i],
        category: category(p.category[i]), flag: p.flag[i], ship_type: p.ship_type[i],
        length_m: p.length_m[i],
      });
    }
    this.asOf = p.as_of;
    this.changed();
  }

  /** Positions from the stream (the newest per vessel of one batch). */
  ingest(items: LivePosition[]): void {
    for (const item of items) {
      if (item.lon === null || item.lat === null) continue;
      const known = this.vessels.get(item.mmsi);
      if (known && known.at && item.received_at < known.at) continue; // late, older
      if (known) {
        Object.assign(known, {
          lon: item.lon, lat: item.lat, course: item.course, heading: item.heading,
          speed: item.speed, at: item.received_at,
        });
      } else {
        this.vessels.set(item.mmsi, {
          mmsi: item.mmsi, lon: item.lon, lat: item.lat, course: item.course,
          heading: item.heading, speed: item.speed, at: item.received_at, shipname: null,
          category: "other", flag: null, ship_type: null, length_m: null,
        });
        this.unknown.add(item.mmsi);
      }
      if (!this.asOf || item.received_at > this.asOf) this.asOf = item.received_at;
    }
    this.changed();
    this.identify();
  }

  /** Vessels new to the page get their identity from the registry in one request (the
   * picture carries it) once the stream has been quiet about new ones for a moment, and
   * at most every IDENTIFY_MS: thousands of new vessels cost one request, not thousands. */
  private identify(): void {
    if (!this.unknown.size || this.identifyTimer !== undefined) return;
    const wait = Math.max(IDENTIFY_DEBOUNCE_MS, this.lastIdentify + IDENTIFY_MS - Date.now());
    this.identifyTimer = window.setTimeout(() => void this.fetchIdentities(), wait);
  }

  private async fetchIdentities(): Promise<void> {
    const wanted = this.unknown;
    this.unknown = new Set();
    this.lastIdentify = Date.now();
    try {
      const p = await api<Picture>("/api/map/picture");
      let found = 0;
      for (let i = 0; i < p.count; i++) {
        const known = wanted.has(p.mmsi[i]) ? this.vessels.get(p.mmsi[i]) : undefined;
        if (!known) continue;
        Object.assign(known, { shipname: p.shipname[i], category: category(p.category[i]),
          flag: p.flag[i], ship_type: p.ship_type[i], length_m: p.length_m[i] });
        found++;
      }
      if (found) this.changed();
    } catch {
      // the next new vessel tries again; meanwhile these are drawn as "other"
    } finally {
      this.identifyTimer = undefined;
    }
  }
}

export const store = new VesselStore();
