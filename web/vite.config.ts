// Build to web/dist (served by the gateway at /); `npm run dev` proxies the API to a running gateway.
// Element Plus is imported on demand: a plain `<el-…>` tag, a `v-loading`, or `ElMessage` used
// without an import bring in that component and its styles only (unplugin-vue-components and
// unplugin-auto-import with the ElementPlusResolver); an explicit `import { ElMessage } from
// 'element-plus'` works too (main.ts loads the styles of the service components).
import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import Components from 'unplugin-vue-components/vite'
import { defineConfig } from 'vitest/config'
import { serviceWorker, trustedDocuments } from './build.plugins'

const gateway = process.env.TMIS_GATEWAY_URL ?? 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [
    vue(),
    AutoImport({ resolvers: [ElementPlusResolver()], dts: 'src/auto-imports.d.ts' }),
    // no components.d.ts: el- tags stay untyped in templates, as with the global install before
    Components({ resolvers: [ElementPlusResolver()], dts: false, dirs: [] }),
    trustedDocuments(),
    serviceWorker(),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: { proxy: { '/graphql': gateway, '/files': gateway } },
  build: {
    rolldownOptions: {
      output: {
        // the libraries change rarely: their own long-cached chunks (Element Plus: only the parts some page uses),
        // fetched at once rather than discovered page by page (a round trip each on a county line)
        advancedChunks: { groups: [{ name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|lodash-unified|lodash-es|@vueuse|async-validator|dayjs|@ctrl)[\\/]/ }, { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router)[\\/]/ }] },
      },
    },
  },
  test: { include: ['src/**/*.test.ts'] },
})
