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
copyFileSync("index.html", "dist/index.html");
copyFileSync("src/styles.css", "dist/styles.css");
