// A screen's template, bundled as text by esbuild (build.mjs).
declare module "*.html" {
  const markup: string;
  export default markup;
}

// A Fluent catalog (locales/<language>/ui.ftl), bundled as text by esbuild.
declare module "*.ftl" {
  const source: string;
  export default source;
}
