// A screen's template, bundled as text by esbuild (build.mjs).
declare module "*.html" {
  const markup: string;
  export default markup;
}
