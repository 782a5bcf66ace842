// The live stream (/api/stream, a WebSocket with the session cookie): positions go to
// the vessel store, events and alerts to whoever listens (the alerts badge and panel). Reconnects
// with backoff; a close for a bad or expired session (4401) or a role (4403) stops.
import { store, type LivePosition } from "./vessels";

export interface LiveEvent {
  event_id: string;
  kind: string;
  mmsi: number;
  start: string;
  lat: number;
  lon: number;
  zone: string | null;
}

type State = "connecting" | "open" | "closed" | "refused";

let socket: WebSocket | null = null;
let backoffMs = 1000;
let timer: number | undefined;
let stopped = true;
const eventListeners = new Set<(e: LiveEvent) => void>();
const stateListeners = new Set<(s: State) => void>();
let received = 0;

export function onEvent(listener: (e: LiveEvent) => void): void {
  eventListeners.add(listener);
}

export function onState(listener: (s: State) => void): void {
  stateListeners.add(listener);
}

function set(state: State): void {
  stateListeners.forEach((l) => l(state));
}

export function messagesReceived(): number {
  return received;
}

export function start(): void {
  stopped = false;
  connect();
}

export function stop(): void {
  stopped = true;
  window.clearTimeout(timer);
  socket?.close(1000);
  socket = null;
}

function connect(): void {
  if (stopped) return;
  set("connecting");
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/api/stream`);
  socket = ws;
  ws.onopen = () => {
    backoffMs = 1000;
    set("open");
  };
  ws.onmessage = (message) => {
    received++;
    let data: { type: string; items?: LivePosition[]; event?: LiveEvent; alert?: unknown };
    try {
      data = JSON.parse(String(message.data));
    } catch {
      return;
    }
    if (data.type === "positions" && data.items) store.ingest(data.items);
    else if ((data.type === "event" && data.event) || (data.type === "alert" && data.alert)) {
      // an event, or an alert an event raised: the alerts badge, rings and list refresh
      const e = (data.event ?? data.alert) as LiveEvent;
      eventListeners.forEach((l) => l(e));
    }
  };
  ws.onclose = (close) => {
    if (socket !== ws) return;
    socket = null;
    if (close.code === 4401 || close.code === 4403) {
      set("refused");
      return;
    }
    set("closed");
    if (!stopped) {
      timer = window.setTimeout(connect, backoffMs);
      backoffMs = Math.min(backoffMs * 2, 30000);
    }
  };
}
