// Presence: days present and ship-days per month (or day) in a zone, for each vessel
// category, as grouped bar charts drawn in SVG, each with its numbers in a table too.
import { api } from "../api";
import { h, label, replace, table } from "../dom";
import { CATEGORIES, CATEGORY_COLOURS, type Category } from "../vessels";

interface Period { period: string; days_present: number; ship_days: number; vessels: number;
  days_with_data: number }
interface Presence { rule: { statement: string; version: string }; periods: Period[] }

const SVG = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>,
  ...children: (SVGElement | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/** A grouped bar chart: one group per period, one bar per category with data. */
export function barChart(title: string, periods: string[],
  series: { category: Category; values: number[] }[]): SVGSVGElement {
  const width = 720;
  const height = 260;
  const left = 44;
  const bottom = 40;
  const top = 16;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const plotH = height - top - bottom;
  const groupW = (width - left - 10) / Math.max(1, periods.length);
  const barW = Math.max(2, Math.min(28, (groupW - 8) / Math.max(1, series.length)));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img",
    "aria-label": title });
  chart.append(svg("title", {}, title));
  const ticks = 4;
  for (let t = 0; t <= ticks; t++) {
    const v = Math.round((max * t) / ticks);
    chart.append(svg("line", { x1: left, x2: width - 10, y1: y(v), y2: y(v), class: "grid" }),
      svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", class: "tick" }, String(v)));
  }
  periods.forEach((p, i) => {
    const x0 = left + i * groupW + (groupW - barW * series.length) / 2;
    series.forEach((s, j) => {
      const v = s.values[i];
      const bar = svg("rect", { x: x0 + j * barW, y: y(v), width: barW - 1,
        height: Math.max(0, top + plotH - y(v)), fill: CATEGORY_COLOURS[s.category] });
      bar.append(svg("title", {}, `${label(s.category)}, ${p}: ${v}`));
      chart.append(bar);
    });
    chart.append(svg("text", { x: left + i * groupW + groupW / 2, y: height - bottom + 16,
      "text-anchor": "middle", class: "tick" }, p));
  });
  return chart;
}

export function presencePage(): HTMLElement {
  const zone = h("select", { id: "presence-zone" });
  const by = h("select", { id: "presence-by" }, h("option", { value: "month" }, "month"),
    h("option", { value: "day" }, "day"));
  const out = h("div", { id: "presence-out", "aria-live": "polite" });
  const element = h("section", { class: "page", "aria-labelledby": "presence-title" },
    h("h1", { id: "presence-title" }, "Presence"),
    h("form", { class: "row filters", onsubmit: (e: Event) => {
      e.preventDefault();
      void draw();
    } }, h("label", { for: "presence-zone" }, "Zone"), zone,
    h("label", { for: "presence-by" }, "per"), by, h("button", { type: "submit" }, "Show")),
    out);

  async function draw(): Promise<void> {
    replace(out, h("p", { class: "muted" }, "Counting…"));
    out.setAttribute("aria-busy", "true");
    try {
      const results = await Promise.all(CATEGORIES.map((category) => api<Presence>(
        "/api/presence", { query: { zone: zone.value, category, by: by.value } })
        .then((r) => ({ category, r }))));
      const periods = [...new Set(results.flatMap(({ r }) => r.periods.map((p) => p.period)))].sort();
      const present = results.filter(({ r }) => r.periods.some((p) => p.days_present > 0));
      const series = (key: "days_present" | "ship_days") => present.map(({ category, r }) => ({
        category, values: periods.map((p) => r.periods.find((x) => x.period === p)?.[key] ?? 0),
      }));
      if (!periods.length || !present.length) {
        replace(out, h("p", { class: "muted" }, `No vessels seen in ${zone.value}.`));
        return;
      }
      const legend = h("ul", { class: "legend" }, present.map(({ category }) => h("li", {},
        h("span", { class: "swatch", style: `background:${CATEGORY_COLOURS[category]}`,
          "aria-hidden": "true" }), label(category))));
      const numbers = (key: "days_present" | "ship_days", name: string) => h("details", {},
        h("summary", {}, `${name} as a table`),
        table(["category", ...periods], series(key).map((s) => [label(s.category),
          ...s.values.map(String)]), `${name} in ${zone.value} per ${by.value}`));
      replace(out, legend,
        h("h2", {}, `Days present in ${zone.value}`),
        barChart(`Days present per ${by.value} in ${zone.value}, by category`, periods,
          series("days_present")), numbers("days_present", "Days present"),
        h("h2", {}, `Ship-days in ${zone.value}`),
        barChart(`Ship-days per ${by.value} in ${zone.value}, by category`, periods,
          series("ship_days")), numbers("ship_days", "Ship-days"),
        h("p", { class: "muted rule" }, `Rule ${results[0].r.rule.version}: `,
          results[0].r.rule.statement.replace(/category \S+/, "category C")));
    } catch (e) {
      replace(out, h("p", { class: "error" }, `Presence could not be counted: ${(e as Error).message}`));
    } finally {
      out.setAttribute("aria-busy", "false");
    }
  }

  void (async () => {
    const zones = await api<{ features: { properties: { name: string; kind: string } ;
      geometry: { type: string } }[] }>("/api/zones");
    const areas = zones.features.filter((f) => f.geometry.type !== "Point")
      .map((f) => f.properties);
    replace(zone, areas.map((z) => h("option", { value: z.name,
      selected: z.name === "Luconia Shoals" }, `${z.name} (${label(z.kind)})`)));
    if (areas.length) await draw();
  })().catch((e: Error) => replace(out, h("p", { class: "error" }, e.message)));
  return element;
}
