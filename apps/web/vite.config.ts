import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.resolve(__dirname, '../..');

export default defineConfig({
  root: __dirname,
  plugins: [react()],
  resolve: {
    alias: {
      '@taizhang/domain': path.join(root, 'libs/domain/src/index.ts'),
      '@taizhang/ledger-core': path.join(root, 'libs/ledger-core/src/index.ts'),
    },
  },
  build: {
    outDir: path.join(root, 'dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    // the grid page carries Handsontable (about 1.7 MB minified), loaded only when a ledger opens
    chunkSizeWarningLimit: 2000,
  },
  server: {
    // `npm run dev:web` beside `npm start`: the API answers on 3000.
    proxy: {
      '/graphql': { target: 'http://localhost:3000', ws: true },
      '/export': 'http://localhost:3000',
      '/import': 'http://localhost:3000',
      '/attachments': 'http://localhost:3000',
    },
  },
});
