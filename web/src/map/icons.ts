// Vessel icons, drawn here (no image files, no sprite server): an arrow for a vessel with
// a known direction (rotated by the map), a dot for one without, one pair per category
// colour so that the symbols stay crisp without SDF.
import type { Map as MapLibreMap } from "maplibre-gl";
import { CATEGORIES, CATEGORY_COLOURS } from "../vessels";

const SIZE = 24;

function draw(colour: string, shape: "arrow" | "dot", ratio: number): ImageData {
  const px = SIZE * ratio;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = px;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2D canvas");
  ctx.scale(ratio, ratio);
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = "#071522";
  ctx.fillStyle = colour;
  ctx.beginPath();
  if (shape === "arrow") {
    // pointing north; the map turns it to the vessel's heading
    ctx.moveTo(12, 2);
    ctx.lineTo(19, 21);
    ctx.lineTo(12, 17);
    ctx.lineTo(5, 21);
    ctx.closePath();
  } else {
    ctx.arc(12, 12, 5, 0, 2 * Math.PI);
  }
  ctx.fill();
  ctx.stroke();
  return ctx.getImageData(0, 0, px, px);
}

export function addVesselIcons(map: MapLibreMap): void {
  const ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
  for (const category of CATEGORIES) {
    for (const shape of ["arrow", "dot"] as const) {
      const name = `${shape}-${category}`;
      if (!map.hasImage(name)) {
        map.addImage(name, draw(CATEGORY_COLOURS[category], shape, ratio), { pixelRatio: ratio });
      }
    }
  }
}
