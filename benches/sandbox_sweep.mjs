// The sandbox's default action on the demo as a visitor meets it, timed in headless Chromium:
// light MLP, sweep the lambda grid, CPU backend, the bundle's default features. Reports the wall
// time from Train to the first lambda's point on the plot and to the finished row, the number of
// workers, and the longest main-thread stall; then each worker's timeline (when the page received
// each of its messages: the stages before training, every epoch, every finished lambda), which says
// where the time went. A benchmark, not a test (it asserts nothing).
//   node benches/sandbox_sweep.mjs [DIST] [BENCH]     (default: dist, vlrb-demo)
// VLRB_CORES=N makes the page see N logical processors (`navigator.hardwareConcurrency`, which
// sets the number of parallel workers); pin the run with `taskset -c 0` to give it one core.

import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const dist = resolve(process.argv[2] ?? 'dist');
const bench = process.argv[3] ?? 'vlrb-demo';
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };
const server = createServer((req, res) => {
    let file = normalize(join(dist, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(dist) || !existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
// Every training worker's messages, with the time the page received them.
await context.addInitScript(() => {
    window.__timeline = [];
    const Native = window.Worker;
    let count = 0;
    window.Worker = function (...args) {
        const worker = new Native(...args);
        const id = ++count;
        worker.addEventListener('message', (e) => {
            const text = typeof e.data === 'string' ? e.data : '';
            const m = text.match(/"type":"(\w+)"/);
            if (!m || m[1] === 'weights') return;
            const detail = m[1] === 'stage' ? JSON.parse(text).text
                : m[1] === 'progress' ? (({ lambda, epoch }) => `lambda ${lambda} epoch ${epoch}`)(JSON.parse(text))
                    : m[1] === 'lambda' ? `lambda ${JSON.parse(text).point?.lambda ?? ''} finished` : '';
            window.__timeline.push({ worker: id, ms: performance.now(), type: m[1], detail });
        });
        return worker;
    };
    window.Worker.prototype = Native.prototype;
});
const page = await context.newPage();
if (process.env.VLRB_CORES) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: Number(process.env.VLRB_CORES) });
}
await page.goto(`http://127.0.0.1:${server.address().port}/?bench=${bench}`);
await page.waitForSelector('main[data-state="ready"]', { timeout: 120000 });
await page.selectOption('#sandbox-router', 'mlp');
await page.selectOption('#sandbox-backend-choice', 'cpu');
await page.selectOption('#sandbox-lambda', 'sweep');
const features = await page.inputValue('#sandbox-features');
const cores = await page.evaluate(() => navigator.hardwareConcurrency);
await page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    window.__probe = setInterval(() => { const t = performance.now(); window.__gaps.push([t - last, t]); last = t; }, 16);
});
const t0 = Date.now();
const clicked = await page.evaluate(() => performance.now());
await page.click('#sandbox-train');
await page.waitForFunction(() => /lambda|λ/.test(document.querySelector('#sandbox-status')?.textContent ?? '') || document.querySelector('#sweep-points tr'), null, { timeout: 3600000 });
const started = Date.now() - t0;
await page.waitForSelector('#sweep-points tbody tr, #sandbox-done, #sandbox-error', { timeout: 3600000 });
const firstPoint = Date.now() - t0;
await page.waitForSelector('#sandbox-done, #sandbox-error', { timeout: 3600000 });
const done = Date.now() - t0;
const gaps = await page.evaluate(() => { clearInterval(window.__probe); return window.__gaps; });
const stall = Math.max(...gaps.map(([gap]) => gap));
const text = await page.textContent('#sandbox-done, #sandbox-error');
const timeline = await page.evaluate(() => window.__timeline);
const workerIds = [...new Set(timeline.map((e) => e.worker))];
console.log(JSON.stringify({ bench, features, cores, workers: workerIds.length, first_epoch_ms: started, first_points_ms: firstPoint, row_ms: done, longest_stall_ms: Math.round(stall), result: text.slice(0, 300) }, null, 1));
// The longest stalls, and when they ended (seconds since Train), to place them in the timeline.
const longest = [...gaps].sort((a, b) => b[0] - a[0]).slice(0, 5);
console.log(`longest stalls: ${longest.map(([gap, t]) => `${Math.round(gap)} ms ending at ${((t - clicked) / 1000).toFixed(2)} s`).join(', ')}`);
for (const worker of workerIds) {
    let last = clicked;
    console.log(`worker ${worker} (seconds since Train, and since its previous message):`);
    for (const e of timeline.filter((x) => x.worker === worker && x.ms >= clicked)) {
        console.log(`  ${((e.ms - clicked) / 1000).toFixed(2).padStart(7)} +${((e.ms - last) / 1000).toFixed(2).padStart(6)}  ${e.type} ${e.detail}`);
        last = e.ms;
    }
}
await browser.close();
server.close();
