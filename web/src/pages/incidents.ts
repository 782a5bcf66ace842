// The incident board: one column per status; an incident opens beside the board with
// its log, notes, links, assignment and the moves its status allows.
import { api, ApiError } from "../api";
import { h, label, replace, table, toast, utc } from "../dom";
import { current, mayAct, mayRun } from "../session";

const STATUSES = ["new", "triaged", "responding", "closed"] as const;
// the moves pantau.incidents.lifecycle.TRANSITIONS allows; the server decides (409)
const NEXT: Record<string, string[]> = {
  new: ["triaged", "closed"], triaged: ["responding", "closed"], responding: ["closed"],
  closed: ["triaged"],
};

interface Incident {
  incident_id: string;
  title: string;
  severity: string;
  status: string;
  assignee: string | null;
  created_at: string;
  updated_at: string;
  created_by: string;
  alerts: string[];
  events: string[];
  vessels: number[];
  notes: { text: string; author: string; at: string }[];
  evidence: { since: string; until: string; mmsis: number[] }[];
}

interface Detail extends Incident {
  log: { seq: number; at: string; actor: string; action: string; detail: unknown }[];
  linked_events: { event_id: string; kind: string; mmsi: number; other_mmsi: number | null;
    start: string; end: string; zone: string | null }[];
  linked_vessels: { mmsi: number; shipname?: string | null; category?: string | null;
    flag?: string | null }[];
}

/** The linked vessels' tracks from an hour before the first linked event to an hour
 * after the last, as an evidence request; null when nothing is linked. */
function evidenceWindow(d: Detail): { since: string; until: string; mmsis: number[] } | null {
  const mmsis = new Set<number>(d.vessels);
  d.linked_events.forEach((e) => {
    mmsis.add(e.mmsi);
    if (e.other_mmsi) mmsis.add(e.other_mmsi);
  });
  if (!d.linked_events.length || !mmsis.size) return null;
  const hour = 3600e3;
  const since = Math.min(...d.linked_events.map((e) => Date.parse(e.start))) - hour;
  const until = Math.max(...d.linked_events.map((e) => Date.parse(e.end))) + hour;
  return { since: new Date(since).toISOString(), until: new Date(until).toISOString(),
    mmsis: [...mmsis].slice(0, 100) };
}

export function incidentsPage(openId: string | null): HTMLElement {
  const board = h("div", { class: "board", id: "incident-board" });
  const detail = h("section", { class: "panel incident-detail", id: "incident-detail",
    "aria-live": "polite", "aria-label": "Incident", "aria-busy": "true" });
  const title = h("input", { id: "new-title", required: true, maxlength: 2000 });
  const severity = h("select", { id: "new-severity" },
    ["low", "medium", "high"].map((s) => h("option", { value: s }, s)));
  const create = mayAct() ? h("form", { class: "row", onsubmit: (e: Event) => {
    e.preventDefault();
    void act(async () => {
      const inc = await api<Incident>("/api/incidents", { method: "POST",
        body: { title: title.value, severity: severity.value } });
      title.value = "";
      location.hash = `#/incidents/${inc.incident_id}`;
    }, "Incident opened");
  } }, h("label", { for: "new-title" }, "New incident"), title,
  h("label", { for: "new-severity" }, "severity"), severity,
  h("button", { type: "submit" }, "Open")) : null;

  const element = h("section", { class: "page", "aria-labelledby": "incidents-title" },
    h("h1", { id: "incidents-title" }, "Incidents"), create,
    h("div", { class: "board-and-detail" }, board, detail));

  // busy from the click until the board and the incident are drawn again (screen readers
  // hear it; the browser tests wait on it)
  async function act(run: () => Promise<unknown>, done: string): Promise<void> {
    detail.setAttribute("aria-busy", "true");
    try {
      await run();
      toast(done);
      await load();
    } catch (e) {
      toast(e instanceof ApiError ? e.detail : String(e), "error");
    } finally {
      detail.setAttribute("aria-busy", "false");
    }
  }

  function card(i: Incident): HTMLElement {
    return h("li", { class: `incident sev-${i.severity}`, "data-incident-id": i.incident_id },
      h("a", { href: `#/incidents/${i.incident_id}`, class: "incident-link" }, i.title),
      h("div", { class: "muted" }, h("span", { class: `badge sev-${i.severity}` }, i.severity),
        " ", i.assignee ? `assigned to ${i.assignee}` : "unassigned", " · ", utc(i.updated_at)));
  }

  async function load(): Promise<void> {
    try {
      const found = await api<{ items: Incident[] }>("/api/incidents", { query: { limit: 1000 } });
      replace(board, STATUSES.map((s) => {
        const items = found.items.filter((i) => i.status === s);
        return h("section", { class: "column", "aria-labelledby": `col-${s}` },
          h("h2", { id: `col-${s}` }, `${label(s)} (${items.length})`),
          h("ul", { class: "cards", "data-status": s }, items.map(card)));
      }));
      if (openId) await show(openId);
      else replace(detail, h("p", { class: "muted" }, "Choose an incident to see and run it."));
    } catch (e) {
      replace(board, h("p", { class: "error" }, `Incidents could not be read: ${(e as Error).message}`));
    }
  }

  async function first(): Promise<void> {
    await load();
    detail.setAttribute("aria-busy", "false");
  }

  async function show(id: string): Promise<void> {
    let d: Detail;
    try {
      d = await api<Detail>(`/api/incidents/${id}`);
    } catch (e) {
      replace(detail, h("p", { class: "error" }, (e as Error).message));
      return;
    }
    const post = (path: string, body: unknown, done: string) => act(
      () => api(`/api/incidents/${id}/${path}`, { method: "POST", body }), done);
    const assignee = h("input", { id: "assignee", value: d.assignee ?? "", maxlength: 64,
      "aria-describedby": "assignee-hint" });
    const note = h("textarea", { id: "note-text", rows: 3, maxlength: 2000 });
    const running = mayRun() && d.status !== "closed";
    replace(detail,
      h("h2", {}, d.title),
      h("p", {}, h("span", { class: `badge sev-${d.severity}` }, d.severity), " ",
        h("span", { class: "status", id: "incident-status" }, label(d.status)),
        ` · opened by ${d.created_by} ${utc(d.created_at)}`),
      mayRun() ? h("div", { class: "row", role: "group", "aria-label": "Move to" },
        (NEXT[d.status] ?? []).map((s) => h("button", { type: "button", "data-move": s,
          onclick: () => void post("status", { status: s }, `Moved to ${s}`) },
        `Move to ${label(s)}`))) : null,
      running ? h("form", { class: "row", onsubmit: (e: Event) => {
        e.preventDefault();
        void post("assign", { assignee: assignee.value.trim() || null },
          assignee.value.trim() ? `Assigned to ${assignee.value.trim()}` : "Unassigned");
      } }, h("label", { for: "assignee" }, "Assignee"), assignee,
      h("button", { type: "submit" }, "Assign"),
      h("button", { type: "button", onclick: () => {
        assignee.value = current()?.name ?? "";
      } }, "Me"),
      h("span", { id: "assignee-hint", class: "muted" }, "a user name; empty unassigns"))
        : h("p", {}, `Assignee: ${d.assignee ?? "none"}`),
      h("h3", {}, "Notes"),
      d.notes.length ? h("ul", { class: "notes" }, d.notes.map((n) => h("li", {},
        h("div", { class: "muted" }, `${n.author} ${utc(n.at)}`), n.text)))
        : h("p", { class: "muted" }, "No notes yet."),
      mayAct() && d.status !== "closed" ? h("form", { onsubmit: (e: Event) => {
        e.preventDefault();
        if (note.value.trim()) void post("notes", { text: note.value.trim() }, "Note added");
      } }, h("label", { for: "note-text" }, "Add a note"), note,
      h("button", { type: "submit" }, "Add note")) : null,
      h("h3", {}, "Linked events"),
      d.linked_events.length ? table(["kind", "start", "end", "vessels", "zone"],
        d.linked_events.map((e) => [label(e.kind), utc(e.start), utc(e.end),
          [h("a", { href: `#/vessel/${e.mmsi}` }, String(e.mmsi)),
            e.other_mmsi ? [" / ", h("a", { href: `#/vessel/${e.other_mmsi}` },
              String(e.other_mmsi))] : null], e.zone ?? "–"]))
        : h("p", { class: "muted" }, "None."),
      h("h3", {}, "Linked vessels"),
      d.linked_vessels.length ? table(["MMSI", "name", "category", "flag"],
        d.linked_vessels.map((v) => [h("a", { href: `#/vessel/${v.mmsi}` }, String(v.mmsi)),
          v.shipname ?? "–", label(v.category ?? "–"), v.flag ?? "–"]))
        : h("p", { class: "muted" }, "None."),
      h("h3", {}, "Evidence"),
      d.evidence.length ? table(["since", "until", "vessels"], d.evidence.map((e) =>
        [utc(e.since), utc(e.until), e.mmsis.join(", ")]))
        : h("p", { class: "muted" }, "No positions attached yet."),
      mayAct() && d.status !== "closed" && evidenceWindow(d) ? h("button", { type: "button",
        id: "attach-evidence", onclick: () => void post("evidence", evidenceWindow(d),
          "Tracks attached as evidence") },
      "Attach the vessels' tracks around the linked events") : null,
      h("p", {}, h("a", { href: `/api/incidents/${encodeURIComponent(d.incident_id)}/pack`,
        target: "_blank", rel: "noopener", id: "evidence-pack" },
        "Evidence pack (HTML: log, events, vessels, track map, hashes)")),
      h("details", {}, h("summary", {}, `Log (${d.log.length} changes)`),
        table(["#", "when", "who", "what", "detail"], d.log.map((l) => [String(l.seq),
          utc(l.at, true), l.actor, label(l.action), JSON.stringify(l.detail)]))));
  }

  void first();
  return element;
}
