// Opening a benchmark of VL-RouterBench's size from long-format files in the page (BENCHMARKS.md,
// "Your own benchmark"): a generated records.csv of 30,540 samples x 17 models (about 25 MB, cost
// column) with its samples.csv, chosen through #open-bundle on the page served from dist/. Prints,
// per run, the time from choosing the files to the opened benchmark's board being ready, and the
// longest main-thread stall meanwhile (a 16 ms interval's largest gap), then the medians.
//
//   trunk build --release && node benches/open_local.mjs [RUNS]
//
// CHROMIUM overrides /usr/bin/chromium.

import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const RUNS = Number.parseInt(process.argv[2] ?? '3', 10);
const DIST = resolve('dist');
const DATA = resolve('target/bench-open-local');
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };

/** records.csv and samples.csv of 30,540 samples x 17 models (deterministic). */
function writeData() {
    mkdirSync(DATA, { recursive: true });
    let s = 12345;
    const next = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
    const models = Array.from({ length: 17 }, (_, j) => `vendor-${j}/model-${j}-instruct`);
    const samples = ['sample_id,split,dataset,question'];
    const records = ['sample_id,model,correct,cost'];
    for (let i = 0; i < 30540; i++) {
        const id = `DATASET_${i % 14}/${i}`;
        samples.push(`${id},${['train', 'train', 'train', 'train', 'train', 'train', 'train', 'dev', 'test', 'test'][i % 10]},DATASET_${i % 14},What is shown in figure ${i}?`);
        for (let j = 0; j < 17; j++) records.push(`${id},${models[j]},${next() < 0.3 + j / 30 ? 1 : 0},${(1e-5 * (j + 1) * (1 + next())).toFixed(10)}`);
    }
    writeFileSync(join(DATA, 'records.csv'), `${records.join('\n')}\n`);
    writeFileSync(join(DATA, 'samples.csv'), `${samples.join('\n')}\n`);
    return statSync(join(DATA, 'records.csv')).size;
}

const server = createServer((req, res) => {
    let file = normalize(join(DIST, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(DIST) || !existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(readFileSync(file));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}/`;
const size = writeData();
console.log(`records.csv: ${(size / 1e6).toFixed(1)} MB (30,540 x 17 rows)`);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const times = [];
const stalls = [];
for (let run = 1; run <= RUNS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}?bench=mathvista`);
    await page.waitForSelector('main[data-state="ready"]', { timeout: 120000 });
    await page.evaluate(() => {
        window.__gaps = [];
        let last = performance.now();
        window.__probe = setInterval(() => { const t = performance.now(); window.__gaps.push(t - last); last = t; }, 16);
    });
    const t0 = Date.now();
    await page.setInputFiles('#open-bundle', ['records.csv', 'samples.csv'].map((f) => join(DATA, f)));
    await page.waitForSelector('#open-status.ok, #open-error', { timeout: 120000 });
    if (await page.$('#open-error')) throw new Error(await page.textContent('#open-error'));
    await page.waitForSelector('main[data-state="ready"]', { timeout: 120000 });
    const ms = Date.now() - t0;
    const stall = await page.evaluate(() => { clearInterval(window.__probe); return Math.max(...window.__gaps); });
    const timings = await page.getAttribute('main', 'data-load-timings');
    console.log(`run ${run}: ${ms} ms to the board, longest main-thread stall ${stall.toFixed(0)} ms (page: ${timings})`);
    times.push(ms);
    stalls.push(stall);
    await context.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`median: ${median(times)} ms to the board, longest stall ${median(stalls).toFixed(0)} ms`);
await browser.close();
server.close();
