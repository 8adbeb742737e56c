// Build to web/dist (served by the gateway at /); `npm run dev` proxies the API to a running gateway.
import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

const gateway = process.env.TMIS_GATEWAY_URL ?? 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: { proxy: { '/graphql': gateway, '/files': gateway } },
  build: {
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // the UI library changes rarely: its own long-cached chunk
        advancedChunks: { groups: [{ name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus)/ }, { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router)[\\/]/ }] },
      },
    },
  },
  test: { include: ['src/**/*.test.ts'] },
})
