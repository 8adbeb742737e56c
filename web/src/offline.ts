// The network and the app's own updates, as the page shows them: offline (the browser says so, or
// a request could not reach the server), and a new build installed by the service worker, waiting
// until the user switches to it (never in the middle of a form).
import { reactive } from 'vue'

export const connection = reactive({ online: navigator.onLine, update: false })

window.addEventListener('online', () => void probe())
window.addEventListener('offline', () => (connection.online = false))

let retry: ReturnType<typeof setTimeout> | undefined

/** What a request found: the server reached or not (while not, asked again every few seconds). */
export function reached(ok: boolean): void {
  connection.online = ok
  clearTimeout(retry)
  if (!ok) retry = setTimeout(() => void probe(), 5000)
}

/** Asks the server's liveness check: a page that made no request yet (the sign-in page) learns too. */
export async function probe(): Promise<void> {
  try {
    await fetch('/healthz', { cache: 'no-store' })
    reached(true)
  } catch {
    reached(false)
  }
}

/** Once the page has loaded: asks whether the server is reachable; once it is idle too, registers
 *  web/sw.js (built to /sw.js), whose precache of the shell would otherwise compete with what the page
 *  still fetches after its load (a set's chunk, its code tables, the select). */
export function registerWorker(): void {
  window.addEventListener('load', () => {
    void probe()
    if ('requestIdleCallback' in window) requestIdleCallback(() => void register(), { timeout: 5000 })
    else setTimeout(() => void register(), 2000)
  })
}

async function register(): Promise<void> {
  if (!('serviceWorker' in navigator)) return
  const registration = await navigator.serviceWorker.register('/sw.js').catch(() => null)
  if (!registration) return
  const waiting = (): void => {
    if (registration.waiting && navigator.serviceWorker.controller) connection.update = true
  }
  waiting()
  registration.addEventListener('updatefound', () => registration.installing?.addEventListener('statechange', waiting))
}

/** Switches to the waiting build: the new worker takes over, then the page reloads with it. */
export function applyUpdate(): void {
  navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true })
  void navigator.serviceWorker.getRegistration().then((r) => r?.waiting?.postMessage('update'))
}
