// Calls to the pantau API with the session cookie; state-changing calls carry the CSRF
// header. A 401 means the session is over: the page goes back to sign-in.

export class ApiError extends Error {
  constructor(public status: number, public detail: string) {
    super(`${status}: ${detail}`);
  }
}

let csrf: string | null = null;
const RETRIES_503 = 5;
let onSignedOut: () => void = () => undefined;

export function setCsrf(value: string | null): void {
  csrf = value;
}

export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== null && v !== undefined && v !== "") params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function detailOf(response: Response): Promise<string> {
  try {
    const body = await response.json();
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail)) {
      return body.detail.map((d: { msg?: string }) => d.msg ?? JSON.stringify(d)).join("; ");
    }
    return JSON.stringify(body);
  } catch {
    return response.statusText || "request failed";
  }
}

export async function api<T>(path: string, options: {
  method?: string; body?: unknown; query?: Query; quiet401?: boolean;
} = {}): Promise<T> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD" && csrf) headers["X-Pantau-CSRF"] = csrf;
  let response: Response;
  for (let attempt = 0; ; attempt++) {
    response = await fetch(withQuery(path, options.query), {
      method, headers, credentials: "same-origin",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    // 503 while another request or process writes the store: the API says when to
    // come back (Retry-After), and a few tries ride out the usual change
    if (response.status !== 503 || attempt >= RETRIES_503) break;
    const after = Number(response.headers.get("Retry-After") ?? "1");
    await new Promise((r) => setTimeout(r, 1000 * (Number.isFinite(after) ? after : 1)));
  }
  if (!response.ok) {
    const detail = await detailOf(response);
    if (response.status === 401 && !options.quiet401) onSignedOut();
    throw new ApiError(response.status, detail);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
