// Alerts: newest first, with severity; acknowledge, open an incident, or show on the map.
import { api, ApiError } from "../api";
import { h, label, replace, toast, utc } from "../dom";
import { mayAct } from "../session";

export interface Alert {
  alert_id: string;
  rule: string;
  severity: "low" | "medium" | "high";
  event_id: string;
  kind: string;
  mmsi: number;
  other_mmsi: number | null;
  start: string;
  lat: number | null;
  lon: number | null;
  zone: string | null;
  title: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  incident_id: string | null;
}

export async function unacknowledged(): Promise<number> {
  const r = await api<{ total: number }>("/api/alerts",
    { query: { acknowledged: false, severity: "medium", limit: 1 } });
  return r.total;
}

export function alertsPage(onChange: () => void): HTMLElement {
  const list = h("div", { id: "alert-list", "aria-busy": "true" });
  const severity = h("select", { id: "alert-severity", onchange: () => void load() },
    h("option", { value: "low" }, "all"), h("option", { value: "medium", selected: true },
      "medium and high"), h("option", { value: "high" }, "high only"));
  const open = h("input", { type: "checkbox", id: "alert-open", onchange: () => void load() });
  const element = h("section", { class: "page", "aria-labelledby": "alerts-title" },
    h("h1", { id: "alerts-title" }, "Alerts"),
    h("div", { class: "row filters" },
      h("label", { for: "alert-severity" }, "Severity"), severity,
      h("label", { class: "check" }, open, "unacknowledged only")),
    list);

  async function act(run: () => Promise<unknown>, done: string): Promise<void> {
    list.setAttribute("aria-busy", "true");
    try {
      await run();
      toast(done);
      onChange();
      await load();
    } catch (e) {
      toast(e instanceof ApiError ? e.detail : String(e), "error");
    }
  }

  function row(a: Alert): HTMLElement {
    const acting = mayAct();
    const ack = a.acknowledged_by
      ? h("span", { class: "muted" }, `acknowledged by ${a.acknowledged_by}`)
      : acting ? h("button", { type: "button", class: "ack",
        onclick: () => void act(() => api(`/api/alerts/${a.alert_id}/ack`, { method: "POST" }),
          `Alert acknowledged: ${a.title}`) }, "Acknowledge") : null;
    const incident = a.incident_id
      ? h("a", { href: `#/incidents/${a.incident_id}` }, `incident ${a.incident_id.slice(4, 12)}`)
      : acting ? h("button", { type: "button", class: "open-incident",
        onclick: () => void act(async () => {
          const inc = await api<{ incident_id: string }>("/api/incidents",
            { method: "POST", body: { alert_ids: [a.alert_id] } });
          location.hash = `#/incidents/${inc.incident_id}`;
        }, `Incident opened from: ${a.title}`) }, "Open incident") : null;
    const where = a.lon !== null && a.lat !== null
      ? h("a", { href: `#/map/${a.lon.toFixed(4)},${a.lat.toFixed(4)}/${a.mmsi}` }, "show on map")
      : null;
    return h("li", { class: `alert sev-${a.severity}`, "data-alert-id": a.alert_id },
      h("span", { class: `badge sev-${a.severity}` }, a.severity),
      h("div", { class: "alert-body" },
        h("strong", {}, a.title),
        h("div", { class: "muted" }, utc(a.start), " · ", label(a.kind),
          a.zone ? ` · ${a.zone}` : "", " · ",
          h("a", { href: `#/vessel/${a.mmsi}` }, String(a.mmsi)),
          a.other_mmsi ? [" and ", h("a", { href: `#/vessel/${a.other_mmsi}` },
            String(a.other_mmsi))] : null)),
      h("div", { class: "alert-actions" }, ack, incident, where));
  }

  async function load(): Promise<void> {
    list.setAttribute("aria-busy", "true");
    try {
      const found = await api<{ total: number; items: Alert[] }>("/api/alerts", { query: {
        severity: severity.value, acknowledged: open.checked ? false : null, limit: 1000 } });
      const items = [...found.items].sort((x, y) => y.start.localeCompare(x.start));
      replace(list, items.length
        ? h("ol", { class: "alerts", "aria-label": `${items.length} alerts, newest first` },
          items.map(row))
        : h("p", { class: "muted" }, "No alerts."));
    } catch (e) {
      replace(list, h("p", { class: "error" }, `Alerts could not be read: ${(e as Error).message}`));
    } finally {
      list.setAttribute("aria-busy", "false");
    }
  }

  void load();
  (element as HTMLElement & { reload?: () => Promise<void> }).reload = load;
  return element;
}
