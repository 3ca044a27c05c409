// First and return visits to the published demo, in headless Chromium (BENCHMARKS.md, "Return
// visits"): time to the board (`main[data-shown-ms]`: rows and plot painted, from the snapshot the
// site was built with or an earlier visit kept, or scored from the bundle) and to everything loaded
// (`main[data-ready-ms]`, milliseconds since navigation) of the page served under /vlrb/ as GitHub
// Pages serves a project site (`cache-control: max-age=600`, ETag and Last-Modified, 304 on a
// matching conditional request).
//
//   scripts/build-site.sh /tmp/site && node benches/visits.mjs /tmp/site [RUNS]
//
// Each run is a fresh browser context (empty HTTP cache, no service worker): visit 1, then visit 2
// and visit 3 in new tabs of the same context (the service worker installed by visit 1 and the HTTP
// cache warm), then visit 4 with the service worker stopped first (a visitor coming back later).
// Prints each visit's figure with the page's own split (`main[data-load-timings]`), when the HTML,
// the app's wasm, the benchmark list and the bundle arrived (resource timing), what the server
// sent, then the medians. CHROMIUM overrides /usr/bin/chromium.

import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [siteArg = '/tmp/site', runsArg = '5'] = process.argv.slice(2);
const SITE = resolve(siteArg);
const RUNS = Number.parseInt(runsArg, 10);
const BASE = '/vlrb/';
const MIME = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
    '.json': 'application/json', '.csv': 'text/csv', '.vlrb': 'application/octet-stream',
};

if (!existsSync(join(SITE, 'version.json'))) {
    console.error(`${SITE} is not a site built by scripts/build-site.sh (no version.json)`);
    process.exit(2);
}

/** Bytes and requests the server sent since the last call, with the count of 304 answers. */
let sent = { requests: 0, notModified: 0, bytes: 0 };
function takeSent() { const s = sent; sent = { requests: 0, notModified: 0, bytes: 0 }; return s; }

const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    sent.requests++;
    if (!path.startsWith(BASE)) { res.writeHead(404).end(); return; }
    let file = normalize(join(SITE, decodeURIComponent(path.slice(BASE.length))));
    if (!file.startsWith(SITE)) { res.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) { res.writeHead(404).end(); return; }
    const body = readFileSync(file);
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    const headers = {
        'cache-control': 'max-age=600', etag, 'last-modified': statSync(file).mtime.toUTCString(),
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    };
    if (req.headers['if-none-match'] === etag) {
        sent.notModified++;
        res.writeHead(304, headers).end();
        return;
    }
    sent.bytes += body.length;
    res.writeHead(200, { ...headers, 'content-length': body.length }).end(body);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}${BASE}`;

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** Opens the page in a new tab, waits for the board, gives its figures. */
async function visit(context) {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('main[data-state="ready"]', { timeout: 60000 });
    const readyMs = Number.parseFloat(await page.getAttribute('main', 'data-ready-ms'));
    const shownMs = Number.parseFloat(await page.getAttribute('main', 'data-shown-ms'));
    const firstSource = await page.evaluate(() => window.vlrbFirstSource);
    const timings = await page.getAttribute('main', 'data-load-timings');
    // The frame after the board became ready, painted (the init script's mark).
    await page.waitForFunction(() => window.vlrbPaintedMs !== undefined, null, { timeout: 60000 });
    const paintedMs = await page.evaluate(() => window.vlrbPaintedMs);
    const controlled = await page.evaluate(() => Boolean(navigator.serviceWorker.controller));
    // Where the start-up goes: the page's HTML, the app's wasm, the app asking for the benchmark
    // list (its code is running), the bundle, the submissions manifest and its files (ms since
    // navigation: start-end).
    const marks = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const res = performance.getEntriesByType('resource');
        const span = (re) => {
            const e = res.find((r) => re.test(r.name));
            return e ? `${Math.round(e.startTime)}-${Math.round(e.responseEnd)}` : '?';
        };
        const files = res.filter((r) => /\/(references|submissions)\/.+\.(csv|jsonl?)$/.test(r.name) && !/index\.json$/.test(r.name));
        const last = files.length ? `${Math.round(Math.min(...files.map((r) => r.startTime)))}-${Math.round(Math.max(...files.map((r) => r.responseEnd)))}` : '?';
        return `html 0-${Math.round(nav.responseEnd)}, wasm ${span(/_bg\.wasm$/)}, index.json ${span(/bundles\/index\.json$/)}, bundle ${span(/\.vlrb$/)}, `
            + `submissions manifest ${span(/submissions\/index\.json$/)}, its ${files.length} files ${last}`;
    });
    // Let the service worker finish caching what this visit fetched before the tab closes.
    if (!process.env.NOSW) await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForTimeout(500);
    await page.close();
    return { readyMs, shownMs, firstSource, paintedMs, timings, marks, controlled, sent: takeSent() };
}

/** Marks `window.vlrbPaintedMs` once the frame after `main[data-state="ready"]` has painted
 * (a requestAnimationFrame callback runs before that frame's paint, a task it queues after). */
function markPainted() {
    const check = () => {
        if (document.querySelector('main[data-state="ready"]') && window.vlrbPaintedMs === undefined) {
            observer.disconnect();
            requestAnimationFrame(() => setTimeout(() => { window.vlrbPaintedMs = performance.now(); }, 0));
        }
    };
    // Where the board's first rows came from (`data-board-source` when they appeared).
    const rows = new MutationObserver(() => {
        if (window.vlrbFirstSource === undefined && document.querySelector('#leaderboard tbody tr')) {
            window.vlrbFirstSource = document.querySelector('main').dataset.boardSource;
            rows.disconnect();
        }
    });
    rows.observe(document, { subtree: true, childList: true });
    const observer = new MutationObserver(check);
    observer.observe(document, { subtree: true, attributes: true, childList: true, attributeFilter: ['data-state'] });
}

/** Stops the context's service workers, as the browser does once they idle (about 30 s): the
 * next visit starts its worker, as a visitor returning later does. */
async function stopServiceWorkers(context) {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    await page.close();
}

const VISITS = ['visit 1', 'visit 2', 'visit 3', 'visit 4 (worker stopped first)'];
const figures = VISITS.map(() => []);
const shown = VISITS.map(() => []);
const painted = VISITS.map(() => []);
for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(markPainted);
    for (let v = 0; v < VISITS.length; v++) {
        if (v === 3) await stopServiceWorkers(context);
        const r = await visit(context);
        figures[v].push(r.readyMs);
        shown[v].push(r.shownMs);
        painted[v].push(r.paintedMs);
        console.log(`run ${run + 1} ${VISITS[v]}: board shown at ${r.shownMs.toFixed(0)} ms (${r.firstSource}), ready at ${r.readyMs.toFixed(0)} ms, painted at ${r.paintedMs.toFixed(0)} ms (${r.timings}; ${r.marks}); `
            + `service worker controlling: ${r.controlled}; server sent ${r.sent.requests} answers, ${r.sent.notModified} x 304, ${r.sent.bytes} B`);
    }
    await context.close();
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
for (let v = 0; v < VISITS.length; v++) {
    const xs = figures[v];
    const ps = painted[v];
    const ss = shown[v];
    console.log(`${VISITS[v]}: board shown median ${median(ss).toFixed(0)} ms, min ${Math.min(...ss).toFixed(0)}, max ${Math.max(...ss).toFixed(0)}; `
        + `ready median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)} over ${xs.length} runs; `
        + `ready painted: median ${median(ps).toFixed(0)} ms, min ${Math.min(...ps).toFixed(0)}, max ${Math.max(...ps).toFixed(0)}`);
}
await browser.close();
server.close();
