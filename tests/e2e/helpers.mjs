// The shared page helper of the end-to-end tests: each tests/e2e/*.test.mjs file imports it, calls
// `suite(...)` once, and so gets its own copy of the site on its own server (127.0.0.1, port 0), its
// own headless Chromium (playwright-core driving Debian's /usr/bin/chromium), console-error capture,
// screenshots and the native CLI for the expected numbers (`vlrb ... --json`).
//
// Environment: VLRB_BIN (default target/release/vlrb), DIST (default dist), CHROMIUM (default
// /usr/bin/chromium). Each file prints `N passed, N failed` last and exits non-zero on any failure.

import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const DIST = resolve(ROOT, process.env.DIST ?? 'dist');
export const VLRB = resolve(ROOT, process.env.VLRB_BIN ?? 'target/release/vlrb');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const FIXTURE = join(ROOT, 'tests/fixtures-official-tiny');
export const FIXTURE_NAME = 'official-tiny';
export const SHOTS = join(ROOT, 'tests/e2e/screenshots');
export const OUT = join(ROOT, 'tests/e2e/out');
const READY = 'main[data-state="ready"]';
const METRICS = ['accuracy', 'avg_cost', 'rank_score'];
/** The fixture's prediction files that score cleanly (uploaded by the upload and board tests). */
export const GOOD_UPLOADS = ['mixed_ids.csv', 'mixed_names.jsonl'].map((f) => join(FIXTURE, 'predictions', f));

let passed = 0;
let failed = 0;
const measurements = [];
const consoleErrors = [];

export function log(...args) { console.log(...args); }

/** Runs one named check, counting it as passed or failed (a failure does not stop the file). */
export async function test(name, body) {
    const t0 = Date.now();
    try {
        await body();
        passed++;
        log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
        failed++;
        log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
    }
}

export function assert(cond, message) { if (!cond) throw new Error(message); }

/** A figure printed after the file's checks (`measured: ...`). */
export function measure(line) { measurements.push(line); }

/** `vlrb ARGS --json`, parsed. */
export function vlrb(...args) {
    return JSON.parse(execFileSync(VLRB, [...args, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

// ---- static server ----------------------------------------------------------------------------
const MIME = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
    '.css': 'text/css', '.json': 'application/json', '.csv': 'text/csv', '.tsv': 'text/tab-separated-values',
    '.jsonl': 'application/jsonl', '.vlrb': 'application/octet-stream', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/**
 * Serves `dir` at `basePath` (`/`, or a sub-path such as `/vlrb/`, as a static host serves a project
 * site: the base without its slash is redirected, anything outside it is 404). Every request is
 * recorded in `requests` as { path, status }.
 */
function serve(dir, basePath = '/', requests = []) {
    const server = createServer((req, res) => {
        const url = new URL(req.url, 'http://x');
        const answer = (status, headers, body) => {
            requests.push({ path: url.pathname, status });
            res.writeHead(status, headers).end(body);
        };
        if (`${url.pathname}/` === basePath) { answer(301, { location: basePath + url.search }); return; }
        if (!url.pathname.startsWith(basePath)) { answer(404, {}, 'not found'); return; }
        const path = decodeURIComponent(`/${url.pathname.slice(basePath.length)}`);
        let file = normalize(join(dir, path));
        if (!file.startsWith(dir)) { answer(403, {}); return; }
        if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
        if (!existsSync(file)) { answer(404, {}, 'not found'); return; }
        const body = readFileSync(file);
        answer(200, {
            'content-type': MIME[extname(file)] ?? 'application/octet-stream',
            'content-length': body.length,
            'cache-control': 'no-store',
        }, body);
    });
    return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/**
 * A copy of dist/ for one test file (OUT/site-NAME) that also holds the fixture (packed now as
 * `official-tiny`) when the site does not ship it, so uploads are always checked against the
 * fixture's expectations.
 */
function prepareSite(name, dist) {
    const site = join(OUT, `site-${name}`);
    rmSync(site, { recursive: true, force: true });
    cpSync(dist, site, { recursive: true });
    const index = JSON.parse(readFileSync(join(site, 'bundles/index.json'), 'utf8'));
    if (!index.some((b) => b.name === FIXTURE_NAME)) {
        execFileSync(VLRB, ['pack', FIXTURE, '--name', FIXTURE_NAME, '-o', join(site, 'bundles/e2e-official-tiny.vlrb')], { stdio: ['ignore', 'ignore', 'inherit'] });
        const packed = vlrb('info', join(site, 'bundles/e2e-official-tiny.vlrb'));
        index.push({ name: FIXTURE_NAME, file: 'e2e-official-tiny.vlrb', title: 'Official-layout fixture (test data)', synthetic: packed.synthetic, licence: 'test fixture' });
        writeFileSync(join(site, 'bundles/index.json'), JSON.stringify(index, null, 1));
        log(`added the fixture bundle ${FIXTURE_NAME} to the served copy of dist/`);
    }
    return { site, index };
}

/**
 * Headless Chromium with a fresh temporary profile. `webgpu: true` gives Chromium's WebGPU
 * (SwiftShader); otherwise the GPU is off and `navigator.gpu` has no adapter.
 */
export function launchBrowser({ webgpu = false } = {}) {
    return chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', webgpu ? '--enable-unsafe-webgpu' : '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
}

/** A fresh browser context (its own storage: no uploads or trained rows from another check). */
export function newContext(browser, options = {}) {
    return browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...options });
}

/**
 * Runs one test file: serves its copy of the site, launches Chromium, runs `body` with
 * { site, index, submissions, base, browser, requests, bundle(bench), url(bench) }, then checks
 * that no page logged a console error, prints the measurements and `N passed, N failed`, and exits.
 * Options: `dist`, the built site to copy (default DIST); `basePath`, the path it is served under
 * (default `/`; `base` then ends with it). `requests` lists every request the server answered.
 * `prepare`, when given, runs first (inside the harness) and gives the `dist` to copy.
 */
export async function suite(file, body, { dist = DIST, basePath = '/', prepare } = {}) {
    const name = basename(file).replace(/\.test\.mjs$/, '');
    let server;
    let browser;
    try {
        if (prepare) dist = prepare();
        assert(existsSync(join(dist, 'index.html')), `${dist}/index.html is missing: run trunk build --release first`);
        assert(existsSync(VLRB), `${VLRB} is missing: run cargo build --release --bin vlrb first`);
        mkdirSync(SHOTS, { recursive: true });
        mkdirSync(OUT, { recursive: true });
        const { site, index } = prepareSite(name, dist);
        const submissions = JSON.parse(readFileSync(join(site, 'submissions/index.json'), 'utf8'));
        const requests = [];
        server = await serve(site, basePath, requests);
        const base = `http://127.0.0.1:${server.address().port}${basePath}`;
        log(`${name}: serving ${site} at ${base}`);
        browser = await launchBrowser();
        const find = (benchName) => {
            const bench = index.find((b) => b.name === benchName);
            assert(bench, `the ${benchName} bundle is not served`);
            return bench;
        };
        await body({
            site, index, submissions, base, browser, find, requests,
            bundle: (bench) => join(site, 'bundles', bench.file),
            url: (bench) => `${base}?bench=${encodeURIComponent(bench.name)}`,
        });
        await test('no console errors', async () => {
            assert(consoleErrors.length === 0, consoleErrors.join('\n'));
        });
    } catch (e) {
        failed++;
        log(`FAIL harness: ${e && e.stack ? e.stack : e}`);
    } finally {
        await browser?.close().catch(() => {});
        server?.close();
    }
    log('');
    for (const m of measurements) log(`measured: ${m}`);
    log(`${passed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
}

// ---- page helpers -----------------------------------------------------------------------------
/** Opens `url` in a new page of `context`, recording its console errors, and waits for the board. */
export async function openPage(context, url) {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`); });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    await page.goto(url);
    await waitReady(page);
    return page;
}

/** Waits for the page to be ready; throws the page's load error if it failed. */
export async function waitReady(page) {
    await page.waitForSelector(`${READY}, main[data-state="failed"]`, { timeout: 120000 });
    const failedLoad = await page.$('main[data-state="failed"]');
    if (failedLoad) throw new Error(`page failed to load: ${await page.textContent('#load-error')}`);
}

/** {entry: {accuracy, avg_cost, rank_score}} of every leaderboard row, in display order. */
export async function board(page) {
    return page.$$eval('#leaderboard tbody tr[data-entry]', (rows) => rows.map((tr) => {
        const cells = {};
        for (const td of tr.querySelectorAll('td[data-metric]')) cells[td.dataset.metric] = td.dataset.value;
        return { entry: tr.dataset.entry, kind: tr.dataset.kind, cells };
    }));
}

export function rowOf(rows, entry) {
    const row = rows.find((r) => r.entry === entry);
    assert(row, `no row tr[data-entry="${entry}"] (rows: ${rows.map((r) => r.entry).join(', ')})`);
    return row;
}

/** The row's shown accuracy, average cost and rank score are exactly the CLI's. */
export function sameNumbers(row, expected, what) {
    for (const m of METRICS) {
        const shown = Number.parseFloat(row.cells[m]);
        assert(Object.is(shown, expected[m]),
            `${what}: ${m} shown ${row.cells[m]} (parsed ${shown}), CLI says ${expected[m]}`);
    }
}

/** Starts timing the page's main thread: a 16 ms interval records the gap between its ticks. */
export async function startStallProbe(page) {
    await page.evaluate(() => {
        window.__gaps = [];
        let last = performance.now();
        window.__probe = setInterval(() => { const t = performance.now(); window.__gaps.push(t - last); last = t; }, 16);
    });
}

/** Stops the probe; the longest main-thread stall it saw, in ms. */
export async function stopStallProbe(page) {
    return page.evaluate(() => { clearInterval(window.__probe); return Math.max(...window.__gaps); });
}

/**
 * Waits for the sandbox run to end and fails on its error message; gives the `#sandbox-done` text
 * and the name of the row it added.
 */
export async function runEnded(page, what) {
    await page.waitForSelector('#sandbox-done, #sandbox-error', { timeout: 300000 });
    const error = await page.$('#sandbox-error');
    assert(!error, `${what}: sandbox error: ${error && await error.textContent()}`);
    const done = (await page.textContent('#sandbox-done')).trim();
    return { done, added: /^Added (.*?): trained/.exec(done)?.[1] };
}

/**
 * The test picks of a WebGPU run's exported CSV against `vlrb train ARGS` on the CPU: the GPU
 * path may differ in float rounding, on at most 1% of the test picks. Gives the count that differ.
 */
export function gpuPicksAgainstCpu(gpuCsv, bundle, router, args) {
    const cpuCsv = join(OUT, `sandbox-cpu-${router}.csv`);
    vlrb('train', bundle, '--router', router, ...args, '--out', cpuCsv);
    const picks = (f) => new Map(readFileSync(f, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')));
    const [gpu, cpu] = [picks(gpuCsv), picks(cpuCsv)];
    const differ = [...gpu].filter(([id, m]) => cpu.get(id) !== m).length;
    assert(gpu.size === cpu.size && differ <= gpu.size / 100, `${router}: ${differ} of ${gpu.size} WebGPU test picks differ from the CPU's`);
    return `${differ} of ${gpu.size} test picks differ from the CPU's`;
}

/** Screenshot of one section; the sticky page header is unstuck first so it does not cover it. */
export async function shot(page, selector, file) {
    await page.addStyleTag({ content: 'header.top { position: static !important; }' });
    await (await page.$(selector)).screenshot({ path: join(SHOTS, file) });
}

export async function uploadFiles(page, files) {
    await page.setInputFiles('#upload', files);
}

/** Waits until the upload notice of `fileName` says Added or shows an error; gives it. */
export async function waitNotice(page, fileName) {
    const sel = `#upload-messages li[data-file="${fileName}"]`;
    await page.waitForFunction((s) => {
        const li = document.querySelector(s);
        return li && (li.classList.contains('error') || /^Added /.test(li.textContent));
    }, sel, { timeout: 120000 });
    return page.$eval(sel, (li) => ({ error: li.classList.contains('error'), text: li.querySelector('.text').textContent }));
}

/** The entry name an upload of `file` gets (its file name without the extension). */
export function entryOf(file) {
    return file.split('/').pop().replace(/\.[^.]+$/, '');
}

/** Uploads GOOD_UPLOADS to an open page and fails unless each was added. */
export async function uploadGood(page) {
    await uploadFiles(page, GOOD_UPLOADS);
    for (const f of GOOD_UPLOADS) {
        const name = f.split('/').pop();
        const notice = await waitNotice(page, name);
        assert(!notice.error, `${name} rejected: ${notice.text}`);
    }
}

/**
 * A fresh context on the fixture benchmark with GOOD_UPLOADS added: the state the board and
 * upload checks start from. Gives { context, page, url, bundlePath }.
 */
export async function fixtureWithUploads(env) {
    const bench = env.find(FIXTURE_NAME);
    const context = await newContext(env.browser);
    const url = env.url(bench);
    const page = await openPage(context, url);
    await uploadGood(page);
    return { context, page, url, bundlePath: env.bundle(bench) };
}
