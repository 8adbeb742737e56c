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
import { serviceWorker, signedInPreload, trustedDocuments } from './build.plugins'

const gateway = process.env.TMIS_GATEWAY_URL ?? 'http://127.0.0.1:8000'
// the record page's own modules (its later parts left out: sets, the select, the conflict dialog) with the
// Element Plus parts it and the frame import (the menu's drawer, the message box), those its sets need (so
// their chunk needs nothing of element-plus-more), and the styles of the parts its fields look like
const RECORD = new RegExp([
  /src[\\/](layout[\\/]|pages[\\/]teacher[\\/]|components[\\/]record[\\/](?!SetSection|CodeSelect|ConflictDialog)|(format|codes|within|drafts|shrink)\.ts)/.source,
  /element-plus[\\/]es[\\/]components[\\/](card|tag|collapse|collapse-item|collapse-transition|empty|menu|menu-item|sub-menu|drawer|dialog|overlay|message-box|popconfirm)[\\/]/.source,
  /element-plus[\\/]es[\\/]components[\\/](select|option|option-group|scrollbar|radio|radio-group)[\\/]style[\\/]/.source,
].join('|'))

export default defineConfig({
  plugins: [
    vue(),
    AutoImport({ resolvers: [ElementPlusResolver()], dts: 'src/auto-imports.d.ts' }),
    // no components.d.ts: el- tags stay untyped in templates, as with the global install before
    Components({ resolvers: [ElementPlusResolver()], dts: false, dirs: [] }),
    trustedDocuments(),
    serviceWorker(),
    signedInPreload(),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: { proxy: { '/graphql': gateway, '/files': gateway } },
  build: {
    rolldownOptions: {
      output: {
        // Few files, and on each page only what it shows: a first visit on a county line (1.6 Mbps, 150 ms a round
        // trip, one request at a time per connection) waits for every byte and every round trip of them.
        // - the entry (index): everything the sign-in page and the frame need, libraries included, in one file;
        // - record: the teacher's record page (the frame, the record editor and the Element Plus parts they show,
        //   with the styles of the select its code fields look like until used), fetched while `me` is asked;
        // - element-plus-select: the select, for the first code field used (the page loads it when idle);
        // - element-plus-more: every other Element Plus part (the school's, reviewers' and admins' pages).
        // echarts stays with the statistics page's chart (StatChart).
        codeSplitting: { groups: [
          { name: 'index', tags: ['$initial'], priority: 4 },
          { name: 'record', test: RECORD, priority: 3 },
          { name: 'element-plus-select', test: /element-plus[\\/]es[\\/]components[\\/](select|option|option-group)[\\/]/, priority: 2 },
          { name: 'element-plus-more', test: /node_modules[\\/](?!echarts|zrender)/, priority: 1 },
        ] },
      },
    },
  },
  test: { include: ['src/**/*.test.ts'] },
})
