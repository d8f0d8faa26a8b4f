/// <reference lib="webworker" />
/**
 * The kiosk's service worker: keeps the last good copy of the page's own files (HTML, JS, CSS,
 * fonts) so that if the page is ever loaded while the station daemon is down (Chromium started
 * before the daemon at boot, a reload during a restart), the kiosk still opens and shows its calm
 * "Đang kết nối…" banner instead of a browser error page. Network first: whenever the daemon
 * answers, its files win, so a new build is never hidden by the cache. API calls and socket.io are
 * never cached.
 */
export {};
declare const self: ServiceWorkerGlobalScope;

const CACHE = 'openshelf-kiosk-v1';
const SHELL = ['./', 'index.html', 'app.js', 'app.css'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io/')) return;
  event.respondWith(
    fetch(req)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          void caches.open(CACHE).then((c) => c.put(req, copy));
        }
        return res;
      })
      .catch(async () => {
        const hit = (await caches.match(req)) ?? (req.mode === 'navigate' ? await caches.match('index.html') : undefined);
        return hit ?? Response.error();
      }),
  );
});
