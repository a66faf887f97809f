// Vite build of the kefu web front end. Element Plus components and the
// imperative helpers (ElMessage, ElMessageBox) are imported on demand, so the
// bundle only carries what the screens use.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    AutoImport({ resolvers: [ElementPlusResolver()], dts: false }),
    Components({ resolvers: [ElementPlusResolver()], dts: false }),
  ],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npm run dev` talks to a kefu server started separately (KEFU_DEV_API, default :8080).
    proxy: { '/api': process.env.KEFU_DEV_API || 'http://127.0.0.1:8080' },
  },
})
