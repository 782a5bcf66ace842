// The time slider: replays the last hours of the archive in fixed steps, frame by frame
// (from /api/map/replay), then goes back to the live picture.
import { api } from "../api";
import { h, replace, utc } from "../dom";
import type { MapView, ReplayFrame } from "./mapview";

interface Replay {
  times: string[];
  step_s: number;
  mmsi: number[];
  lon: (number | null)[][];
  lat: (number | null)[][];
  heading: (number | null)[][];
}

export class ReplayControl {
  readonly element: HTMLElement;
  frame = -1;
  private data: Replay | null = null;
  private timer: number | undefined;
  private slider: HTMLInputElement;
  private hours: HTMLSelectElement;
  private clock: HTMLElement;
  private play: HTMLButtonElement;
  private live: HTMLButtonElement;
  private load: HTMLButtonElement;

  constructor(private view: MapView) {
    this.hours = h("select", { id: "replay-hours" },
      ...[1, 3, 6, 12, 24].map((n) => h("option", { value: n, selected: n === 3 }, `${n} h`)));
    this.load = h("button", { type: "button", onclick: () => void this.fetch() }, "Load");
    this.slider = h("input", {
      type: "range", id: "replay-slider", min: 0, max: 0, value: 0, step: 1, disabled: true,
      "aria-label": "Replay time", oninput: () => this.show(Number(this.slider.value)),
    });
    this.play = h("button", { type: "button", disabled: true, "aria-pressed": "false",
      onclick: () => this.toggle() }, "Play");
    this.live = h("button", { type: "button", disabled: true,
      onclick: () => this.backToLive() }, "Back to live");
    this.clock = h("p", { class: "replay-clock", "aria-live": "polite" }, "Live picture");
    this.element = h("section", { class: "panel", "aria-labelledby": "replay-title" },
      h("h2", { id: "replay-title" }, "Replay"),
      h("div", { class: "row" }, h("label", { for: "replay-hours" }, "Last"), this.hours,
        this.load),
      this.slider, this.clock, h("div", { class: "row" }, this.play, this.live));
  }

  async fetch(): Promise<void> {
    this.stop();
    const hours = Number(this.hours.value);
    const step = hours <= 3 ? 120 : hours <= 12 ? 300 : 600;
    replace(this.clock, "Loading the replay…");
    try {
      this.data = await api<Replay>("/api/map/replay", { query: { hours, step_s: step } });
    } catch (e) {
      replace(this.clock, `Replay failed: ${(e as Error).message}`);
      return;
    }
    const n = this.data.times.length;
    if (!n) {
      replace(this.clock, "No positions archived yet");
      return;
    }
    this.slider.max = String(n - 1);
    this.slider.disabled = this.play.disabled = this.live.disabled = false;
    this.show(0);
    this.slider.focus();
  }

  show(k: number): void {
    const d = this.data;
    if (!d || !d.times.length) return;
    k = Math.max(0, Math.min(d.times.length - 1, k));
    this.frame = k;
    this.slider.value = String(k);
    const frame: ReplayFrame = {
      mmsi: d.mmsi, lon: d.lon.map((r) => r[k]), lat: d.lat.map((r) => r[k]),
      heading: d.heading.map((r) => r[k]),
    };
    this.view.showReplay(frame);
    const time = utc(d.times[k]);
    this.slider.setAttribute("aria-valuetext", time);
    replace(this.clock, h("strong", {}, "Replay "), time, ` (${k + 1} of ${d.times.length})`);
  }

  private toggle(): void {
    if (this.timer !== undefined) {
      this.stop();
      return;
    }
    if (!this.data) return;
    if (this.frame >= this.data.times.length - 1) this.show(0);
    this.play.textContent = "Pause";
    this.play.setAttribute("aria-pressed", "true");
    this.timer = window.setInterval(() => {
      if (!this.data || this.frame >= this.data.times.length - 1) this.stop();
      else this.show(this.frame + 1);
    }, 400);
  }

  stop(): void {
    window.clearInterval(this.timer);
    this.timer = undefined;
    this.play.textContent = "Play";
    this.play.setAttribute("aria-pressed", "false");
  }

  backToLive(): void {
    this.stop();
    this.data = null;
    this.frame = -1;
    this.slider.disabled = this.play.disabled = this.live.disabled = true;
    this.view.showLive();
    replace(this.clock, "Live picture");
  }
}
