// Bundles the counter UI into dist/ (embedded into the app by `cargo build`).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist");
await build({
  entryPoints: ["src/app.ts"],
  bundle: true,
  format: "esm",
  target: "es2021",
  minify: true,
  sourcemap: false,
  outfile: "dist/app.js",
  loader: { ".html": "text", ".ftl": "text" },
  logLevel: "warning",
});
// The card window's script (src-tauri/src/card_window.rs serves it): a
// classic script, since its page is made by the core, not this build.
await build({
  entryPoints: ["src/card/card.ts"],
  bundle: true,
  format: "iife",
  target: "es2021",
  minify: true,
  sourcemap: false,
  outfile: "dist/card.js",
  logLevel: "warning",
});
copyFileSync("src/card/card.css", "dist/card.css");
copyFileSync("index.html", "dist/index.html");
copyFileSync("src/styles.css", "dist/styles.css");
