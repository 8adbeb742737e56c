// The service worker: the app's shell (index.html and its hashed files, listed by the build in
// build.plugins.ts) precached, so the sign-in page and the frame load with no network. Hashed
// assets are served from the cache first (they never change), pages from the network first. API
// answers (/graphql, /files, …) never pass through here: they are always the server's, never stored.
// A new build installs beside the old one and waits; the page offers to switch (message 'update').
const VERSION = '__VERSION__'
const SHELL = __SHELL__
const CACHE = `tmis-${VERSION}`
const API = /^\/(graphql|files\/|healthz|readyz|metrics|-\/)/

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)))
})

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith('tmis-') && name !== CACHE) await caches.delete(name)
    await self.clients.claim()
  })())
})

self.addEventListener('message', (event) => {
  if (event.data === 'update') void self.skipWaiting()
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.origin !== self.location.origin || API.test(url.pathname)) return
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(async () => (await caches.match('/index.html', { cacheName: CACHE })) ?? Response.error()))
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request))
  } else {
    event.respondWith(fetch(request).catch(async () => (await caches.match(request)) ?? Response.error()))
  }
})

async function cacheFirst(request) {
  const hit = await caches.match(request)
  if (hit) return hit
  const answer = await fetch(request)
  if (answer.ok) await (await caches.open(CACHE)).put(request, answer.clone())
  return answer
}
