import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// Standalone renderer build for the Chromium end-to-end tests and the renderer benchmark:
// the same sources electron-vite builds, emitted to out/renderer.
export default defineConfig({
  root: resolve(__dirname),
  base: './',
  plugins: [react()],
  build: { outDir: resolve(__dirname, '../out/renderer'), emptyOutDir: true },
})
