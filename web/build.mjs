// Builds the web page into ../src/pantau/web/static (run by `npm run build`, which
// hatch_build.py runs at pip install): one script and one stylesheet with content hashes
// in their names, MapLibre's worker copied beside them, and index.html naming all three.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "pantau", "web", "static");
const assets = join(out, "assets");
const hash = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 12);

rmSync(out, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

// MapLibre loads its worker from a URL it is given: the file is copied, never edited
const workerSrc = join(here, "node_modules", "maplibre-gl", "dist", "maplibre-gl-worker.mjs");
const worker = readFileSync(workerSrc);
const workerName = `maplibre-gl-worker-${hash(worker)}.mjs`;
copyFileSync(workerSrc, join(assets, workerName));

const result = await esbuild.build({
  entryPoints: { app: join(here, "src", "main.ts") },
  bundle: true,
  format: "esm",
  target: ["es2022"],
  minify: true,
  sourcemap: false,
  outdir: assets,
  entryNames: "[name]-[hash]",
  assetNames: "[name]-[hash]",
  metafile: true,
  legalComments: "linked",
  define: { __MAPLIBRE_WORKER__: JSON.stringify(`/assets/${workerName}`) },
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((p) => p.split("/").pop());
const script = outputs.find((f) => f.startsWith("app-") && f.endsWith(".js"));
const style = outputs.find((f) => f.startsWith("app-") && f.endsWith(".css"));
if (!script || !style) throw new Error(`build: missing outputs in ${outputs.join(", ")}`);

const page = readFileSync(join(here, "src", "index.html"), "utf8")
  .replace("%SCRIPT%", `/assets/${script}`)
  .replace("%STYLE%", `/assets/${style}`);
writeFileSync(join(out, "index.html"), page);
console.log(`pantau web: built ${script}, ${style} and ${workerName} into ${out}`);
