// Sharing (sharing officers and admins): agreements with their status and terms, what
// was released under each, and suspend, resume or exit, each confirmed first. Audit
// (auditors and admins): the log, whether its chain verifies, the oversight reports.
// Both say plainly when this pantau has no such API yet (404) or the role may not (403).
import { api, ApiError } from "../api";
import { h, label, replace, table, toast, utc } from "../dom";

interface Agreement {
  agreement_id: string;
  title: string;
  partners: string[];
  status: string;
  status_now: string;
  signed: string;
  in_force_from: string;
  expires: string | null;
  binding: boolean;
  share: Record<string, unknown>;
  note: string | null;
  history: { at: string; status: string; actor: string; reason: string }[];
}

interface AuditEntry { seq: number; at: string; actor: string; action: string;
  agreement_id: string | null; entry: unknown; hash: string }

function unavailable(e: unknown, what: string): HTMLElement {
  if (e instanceof ApiError && e.status === 404) {
    return h("p", { class: "notice", id: "api-missing" },
      `The ${what} API is not in this pantau yet; this page fills in when it is.`);
  }
  if (e instanceof ApiError && e.status === 403) {
    return h("p", { class: "error", id: "api-forbidden" }, e.detail);
  }
  return h("p", { class: "error" }, `${what} could not be read: ${(e as Error).message}`);
}

function terms(share: Record<string, unknown>): string {
  return Object.entries(share).map(([k, v]) =>
    `${label(k)}: ${Array.isArray(v) ? v.join(", ") || "none" : String(v)}`).join("; ");
}

/** A confirmation dialog: resolves with the reason given, or null when cancelled. */
function confirmChange(question: string): Promise<string | null> {
  return new Promise((resolve) => {
    const reason = h("textarea", { id: "change-reason", rows: 3, maxlength: 2000 });
    const dialog = h("dialog", { class: "confirm", "aria-labelledby": "confirm-title" },
      h("form", { method: "dialog" },
        h("h2", { id: "confirm-title" }, question),
        h("p", {}, "This takes effect at once: releases under the agreement stop or resume."),
        h("label", { for: "change-reason" }, "Reason, for the audit log"), reason,
        h("div", { class: "row" },
          h("button", { value: "cancel", type: "submit" }, "Cancel"),
          h("button", { value: "confirm", type: "submit", class: "danger" }, "Confirm"))));
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "confirm" ? reason.value : null);
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function sharingPage(): HTMLElement {
  const out = h("div", { id: "sharing-out" }, h("p", { class: "muted" }, "Loading…"));
  const element = h("section", { class: "page", "aria-labelledby": "sharing-title" },
    h("h1", { id: "sharing-title" }, "Sharing"), out);

  async function change(a: Agreement, verb: "suspend" | "resume" | "exit"): Promise<void> {
    const reason = await confirmChange(`${verb[0].toUpperCase()}${verb.slice(1)} "${a.title}"?`);
    if (reason === null) return;
    try {
      await api(`/api/agreements/${encodeURIComponent(a.agreement_id)}/${verb}`,
        { method: "POST", body: { confirm: true, reason } });
      toast(`${a.title}: ${verb} done`);
      await load();
    } catch (e) {
      toast(e instanceof ApiError ? e.detail : String(e), "error");
    }
  }

  async function releases(a: Agreement, box: HTMLElement): Promise<void> {
    try {
      const r = await api<{ total: number; items: AuditEntry[] }>(
        `/api/agreements/${encodeURIComponent(a.agreement_id)}/releases`, { query: { limit: 100 } });
      replace(box, r.items.length ? table(["#", "when", "who", "what"], r.items.map((e) =>
        [String(e.seq), utc(e.at, true), e.actor, label(e.action)]),
      `${r.total} releases and denials, newest first`) : h("p", { class: "muted" }, "Nothing released yet."));
    } catch (e) {
      replace(box, unavailable(e, "releases"));
    }
  }

  function agreement(a: Agreement): HTMLElement {
    const box = h("div", {});
    const verbs: ("suspend" | "resume" | "exit")[] = a.status_now === "in_force"
      ? ["suspend", "exit"] : a.status_now === "suspended" ? ["resume", "exit"] : [];
    return h("article", { class: "panel agreement", "data-agreement-id": a.agreement_id },
      h("h2", {}, a.title),
      h("p", {}, h("span", { class: `badge st-${a.status_now}` }, label(a.status_now)),
        ` · partners ${a.partners.join(", ")} · ${a.binding ? "binding" : "non-binding"}`),
      h("dl", { class: "facts" },
        h("dt", {}, "Signed"), h("dd", {}, a.signed.slice(0, 10)),
        h("dt", {}, "In force from"), h("dd", {}, a.in_force_from.slice(0, 10)),
        h("dt", {}, "Expires"), h("dd", {}, a.expires?.slice(0, 10) ?? "no date"),
        h("dt", {}, "Terms"), h("dd", {}, terms(a.share))),
      a.note ? h("p", { class: "muted" }, a.note) : null,
      h("div", { class: "row" }, verbs.map((v) => h("button", { type: "button",
        class: v === "exit" ? "danger" : "", onclick: () => void change(a, v) },
      `${v[0].toUpperCase()}${v.slice(1)}…`))),
      h("details", { ontoggle: (e: Event) => {
        if ((e.target as HTMLDetailsElement).open) void releases(a, box);
      } }, h("summary", {}, "Released to the partner"), box));
  }

  async function load(): Promise<void> {
    try {
      const r = await api<{ items: Agreement[] }>("/api/agreements");
      replace(out, r.items.length ? r.items.map(agreement)
        : h("p", { class: "muted" }, "No agreements yet (pantau share add)."));
    } catch (e) {
      replace(out, unavailable(e, "sharing"));
    }
  }

  void load();
  return element;
}

export function auditPage(): HTMLElement {
  const status = h("div", { id: "audit-verify", "aria-live": "polite" });
  const out = h("div", { id: "audit-out" }, h("p", { class: "muted" }, "Loading…"));
  const element = h("section", { class: "page", "aria-labelledby": "audit-title" },
    h("h1", { id: "audit-title" }, "Audit"), status, out);

  void (async () => {
    try {
      const v = await api<{ ok: boolean; entries: number; message: string }>("/api/audit/verify");
      replace(status, h("p", { class: v.ok ? "notice ok" : "error" },
        v.ok ? "The chain verifies. " : "The chain does NOT verify: ", v.message));
    } catch (e) {
      replace(status, unavailable(e, "audit"));
      replace(out);
      return;
    }
    try {
      const log = await api<{ total: number; items: AuditEntry[] }>("/api/audit", { query: { limit: 200 } });
      const agreements = [...new Set(log.items.map((e) => e.agreement_id).filter(Boolean))] as string[];
      replace(out,
        agreements.length ? h("section", { class: "panel" }, h("h2", {}, "Oversight reports"),
          h("ul", {}, agreements.map((id) => h("li", {}, h("a", { target: "_blank", rel: "noopener",
            href: `/api/audit/report/${encodeURIComponent(id)}` }, id))))) : null,
        table(["#", "when", "who", "what", "agreement", "hash"], log.items.map((e) => [
          String(e.seq), utc(e.at, true), e.actor, label(e.action), e.agreement_id ?? "–",
          h("code", {}, e.hash.slice(0, 12))]), `${log.total} entries, newest first`));
    } catch (e) {
      replace(out, unavailable(e, "audit"));
    }
  })();
  return element;
}
