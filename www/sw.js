// Service worker of the leaderboard: return visits load without refetching the app or the bundles,
// and the site opens offline once visited. Registered by index.html with a relative URL, so its
// scope is the folder the site is served from (`/`, `/vlrb/`, ...). Copied by Trunk (index.html).
//
// - Immutable files, whose names carry a content hash (Trunk's `name-<hex hash>.js`, `_bg.wasm`,
//   `.css`; scripts/build-site.sh's `bundles/<stem>-<16 hex>.vlrb` and the submissions'
//   `<stem>-<16 hex>.csv` or `.jsonl`): cache first, kept until the page, bundles/index.json or
//   submissions/index.json fetched from the network no longer names them.
// - Bundles without a hash (development builds: trunk build, scripts/serve.sh): not handled here,
//   so the browser's HTTP cache and the server decide.
// - Everything else of the site (index.html, bundles/index.json, submissions/index.json, the
//   submissions and references of a development build, version.json, the training worker's
//   files): network first, the cached copy when offline.
// - What the first visit fetched before this worker controlled it (the page, the app's files, the
//   lists, version.json) is cached when that visit's board is up (index.html asks).
'use strict';

const IMMUTABLE = 'vlrb-immutable-v1';
const PAGES = 'vlrb-pages-v1';
const HASHED = /-[0-9a-f]{12,16}(?:_bg\.wasm|\.js|\.css|\.vlrb|\.csv|\.jsonl)$/;
const APP_FILE = /(?:\.wasm|\.js|\.css)$/;
const SUBMISSION_FILE = /(?:\.csv|\.jsonl)$/;
const UNHASHED_BUNDLE = /\.vlrb$/;
/** The message index.html sends when its first visit's board is up. */
const CACHE_FIRST_VISIT = 'cache-first-visit';

self.addEventListener('install', () => self.skipWaiting());

// The page that registered this worker asks for its own files to be cached once its board is up
// (index.html), so the caching does not compete with that first visit's loading.
self.addEventListener('message', (event) => {
    if (event.data === CACHE_FIRST_VISIT) event.waitUntil(cacheFirstVisit());
});

/** Caches what the visit that registered this worker fetched before the worker controlled it: the
 * page, the app's hashed files it names (JS, wasm, CSS), the benchmark and submission lists and
 * the build's version. Without this the next visit would fetch them through the worker and only
 * then cache them, so a single visit did not open offline (BENCHMARKS.md, "Return visits"). They
 * come from the browser's HTTP cache, which that visit has just filled; whatever cannot be cached
 * now is cached by the fetch handler when next asked for. */
async function cacheFirstVisit() {
    try {
        const scope = self.registration.scope;
        const page = await fetch(scope);
        if (page.status !== 200) throw new Error(`the page answered ${page.status}`);
        const html = await page.clone().text();
        const pages = await caches.open(PAGES);
        await pages.put(scope, page);
        const lists = ['bundles/index.json', 'submissions/index.json', 'version.json'];
        await Promise.all(lists.map(async (name) => {
            const response = await fetch(new URL(name, scope));
            if (response.status === 200) await pages.put(new URL(name, scope), response);
        }));
        const names = [...html.matchAll(/["']\.\/([^"'/]+)["']/g)].map((m) => m[1]);
        const files = [...new Set(names)].filter((name) => HASHED.test(name) && APP_FILE.test(name));
        const immutable = await caches.open(IMMUTABLE);
        await Promise.all(files.map(async (name) => {
            const url = new URL(name, scope);
            if (!(await immutable.match(url))) await immutable.add(url);
        }));
    } catch (error) {
        console.warn('what this visit fetched is cached on the next one instead:', error);
    }
}

self.addEventListener('activate', (event) => {
    event.waitUntil((async () => {
        for (const name of await caches.keys()) {
            if (name !== IMMUTABLE && name !== PAGES) await caches.delete(name);
        }
        await self.clients.claim();
    })());
});

self.addEventListener('fetch', (event) => {
    const request = event.request;
    const url = new URL(request.url);
    if (request.method !== 'GET' || url.origin !== self.location.origin) return;
    if (!url.pathname.startsWith(new URL(self.registration.scope).pathname)) return;
    if (HASHED.test(url.pathname)) {
        event.respondWith(cacheFirst(request));
    } else if (!UNHASHED_BUNDLE.test(url.pathname)) {
        event.respondWith(networkFirst(event, request, url));
    }
});

/** The cached response, else the network's (cached when complete and OK). */
async function cacheFirst(request) {
    const cache = await caches.open(IMMUTABLE);
    const cached = await cache.match(request);
    if (cached) return cached;
    const response = await fetch(request);
    if (response.status === 200) await cache.put(request, response.clone());
    return response;
}

/** The network's response (cached), else the cached copy when the network fails. */
async function networkFirst(event, request, url) {
    const cache = await caches.open(PAGES);
    let response;
    try {
        response = await fetch(request);
    } catch (error) {
        const cached = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
        if (cached) return cached;
        throw error;
    }
    if (response.status === 200) {
        // Cached and pruned after the page has its response (waitUntil keeps the worker alive).
        const key = request.mode === 'navigate' ? new Request(url.origin + url.pathname) : request;
        const html = (response.headers.get('content-type') || '').startsWith('text/html');
        const copy = response.clone();
        const prune = request.mode === 'navigate' && html ? () => pruneAssets(response.clone())
            : url.pathname.endsWith('/bundles/index.json') ? () => pruneBundles(response.clone(), url)
                : url.pathname.endsWith('/submissions/index.json') ? () => pruneSubmissions(response.clone(), url)
                    : null;
        const pruning = prune ? prune() : null;
        event.waitUntil(cache.put(key, copy).then(() => pruning));
    }
    return response;
}

/** Drops cached app files (JS, wasm, CSS) the page no longer names. */
async function pruneAssets(page) {
    const html = await page.text();
    await prune((path) => APP_FILE.test(path) && !html.includes(path.split('/').pop()));
}

/** Drops cached bundles that bundles/index.json no longer lists. */
async function pruneBundles(indexResponse, indexUrl) {
    const files = (await indexResponse.json()).map((entry) => new URL(entry.file, indexUrl).pathname);
    await prune((path) => path.endsWith('.vlrb') && !files.includes(path));
}

/** Drops cached submission files that submissions/index.json no longer lists. */
async function pruneSubmissions(manifestResponse, manifestUrl) {
    const site = new URL('..', manifestUrl);
    const files = (await manifestResponse.json()).map((entry) => new URL(entry.file, site).pathname);
    await prune((path) => SUBMISSION_FILE.test(path) && !files.includes(path));
}

async function prune(stale) {
    const cache = await caches.open(IMMUTABLE);
    for (const request of await cache.keys()) {
        if (stale(new URL(request.url).pathname)) await cache.delete(request);
    }
}
