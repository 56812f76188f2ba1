// Vite finds the package's wasm modules, stylesheet and lazy chunks by itself (each is a
// `new URL('…', import.meta.url)` in the package). Relative `base` so `dist/` can be served
// from any folder.
export default {
  base: './',
  build: { outDir: 'dist', target: 'es2022' },
};
