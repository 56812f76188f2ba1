// webpack 5 finds the package's wasm modules, stylesheet and lazy chunks by itself (each is a
// `new URL('…', import.meta.url)` in the package, emitted as an asset).
import path from 'node:path';

export default {
  mode: 'production',
  entry: './main.js',
  output: {
    path: path.resolve(import.meta.dirname, 'dist'),
    filename: 'main.js',
    // Assets and chunks relative to the page (the entry is a module script: no currentScript).
    publicPath: '',
    clean: true,
  },
  performance: { hints: false },
};
