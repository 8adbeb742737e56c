// Element Plus comes on demand (vite.config.ts); the service components called as functions
// (ElMessage, ElMessageBox, v-loading) bring their styles here, as an explicit import does not.
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/loading/style/css'
import { createApp } from 'vue'
import App from '@/App.vue'
import { registerWorker } from '@/offline'
import { router } from '@/router'
import '@/styles.css'

createApp(App).use(router).mount('#app')
if (import.meta.env.PROD) registerWorker()
