// Who is signed in. The cookie is HttpOnly (this script never sees it); the CSRF value
// from the sign-in answer is kept in memory and asked for again after a reload.
import { api, ApiError, setCsrf } from "./api";

export type Role = "watch_officer" | "analyst" | "sharing_officer" | "auditor" | "admin";

export interface Me {
  name: string;
  role: Role;
  csrf: string | null;
  idle_timeout_s: number;
}

let me: Me | null = null;
let keepalive: number | undefined;

export function current(): Me | null {
  return me;
}

function started(who: Me): Me {
  me = who;
  setCsrf(who.csrf);
  // the server keeps a session alive on signs of use; while the page is on screen, it
  // says so every few minutes (see pantau.api.sessions)
  window.clearInterval(keepalive);
  keepalive = window.setInterval(() => {
    if (document.visibilityState === "visible") void restore();
  }, 4 * 60 * 1000);
  return who;
}

export async function restore(): Promise<Me | null> {
  try {
    return started(await api<Me>("/api/session", { quiet401: true }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      me = null;
      return null;
    }
    throw e;
  }
}

export async function signIn(name: string, password: string): Promise<Me> {
  return started(await api<Me>("/api/session", {
    method: "POST", body: { name, password }, quiet401: true,
  }));
}

export async function signOut(): Promise<void> {
  try {
    await api<void>("/api/session", { method: "DELETE", quiet401: true });
  } finally {
    me = null;
    setCsrf(null);
    window.clearInterval(keepalive);
  }
}

// Which pages a role sees. The server decides what each role may do (403 otherwise);
// this only keeps out of sight what a role could not open anyway.
const READERS: Role[] = ["watch_officer", "analyst", "sharing_officer", "admin"];
export const PAGE_ROLES: Record<string, Role[]> = {
  map: READERS,
  alerts: READERS,
  incidents: [...READERS, "auditor"],
  vessel: READERS,
  presence: READERS,
  sharing: ["sharing_officer", "admin"],
  audit: ["auditor", "admin"],
};

export function may(page: string, role: Role | undefined = me?.role): boolean {
  return role !== undefined && (PAGE_ROLES[page] ?? []).includes(role);
}

/** May this role change alerts and incidents (the server's ACKNOWLEDGERS/CONTRIBUTORS). */
export function mayAct(role: Role | undefined = me?.role): boolean {
  return role === "watch_officer" || role === "analyst" || role === "admin";
}

/** May this role assign incidents and move them through their statuses (RUNNERS). */
export function mayRun(role: Role | undefined = me?.role): boolean {
  return role === "watch_officer" || role === "admin";
}
