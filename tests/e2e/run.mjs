// End-to-end tests of the web leaderboard in headless Chromium (playwright-core driving Debian's
// /usr/bin/chromium), against the built dist/ served by this script on 127.0.0.1, port 0.
//
//   node tests/e2e/run.mjs            (after `trunk build --release` and `cargo build --release --bin vlrb`)
//
// The site's benchmarks (bundles/index.json) are each loaded and checked; uploads are checked on the
// fixture tests/fixtures-official-tiny, packed as `official-tiny` and added to a served copy of
// dist/ when the site does not ship it.
// Environment: VLRB_BIN (default target/release/vlrb), DIST (default dist), CHROMIUM (default
// /usr/bin/chromium). Numbers are compared with the native CLI (`vlrb baselines|eval --json`) for
// the same bundle, exactly. Prints `N passed, N failed` last and exits non-zero on any failure.

import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const DIST = resolve(ROOT, process.env.DIST ?? 'dist');
const VLRB = resolve(ROOT, process.env.VLRB_BIN ?? 'target/release/vlrb');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FIXTURE = join(ROOT, 'tests/fixtures-official-tiny');
const FIXTURE_NAME = 'official-tiny';
const SHOTS = join(ROOT, 'tests/e2e/screenshots');
const OUT = join(ROOT, 'tests/e2e/out');
const READY = 'main[data-state="ready"]';
const METRICS = ['accuracy', 'avg_cost', 'rank_score'];

let passed = 0;
let failed = 0;
const measurements = [];
const consoleErrors = [];

function log(...args) { console.log(...args); }

async function test(name, body) {
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

function assert(cond, message) { if (!cond) throw new Error(message); }

function vlrb(...args) {
    return JSON.parse(execFileSync(VLRB, [...args, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

// ---- static server ----------------------------------------------------------------------------
const MIME = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
    '.css': 'text/css', '.json': 'application/json', '.csv': 'text/csv', '.tsv': 'text/tab-separated-values',
    '.jsonl': 'application/jsonl', '.vlrb': 'application/octet-stream', '.png': 'image/png', '.svg': 'image/svg+xml',
};

function serve(dir) {
    const server = createServer((req, res) => {
        const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
        let file = normalize(join(dir, path));
        if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
        if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
        if (!existsSync(file)) { res.writeHead(404).end('not found'); return; }
        const body = readFileSync(file);
        res.writeHead(200, {
            'content-type': MIME[extname(file)] ?? 'application/octet-stream',
            'content-length': body.length,
            'cache-control': 'no-store',
        });
        res.end(body);
    });
    return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

// ---- page helpers -----------------------------------------------------------------------------
async function openPage(context, url) {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`); });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    await page.goto(url);
    await waitReady(page);
    return page;
}

async function waitReady(page) {
    await page.waitForSelector(`${READY}, main[data-state="failed"]`, { timeout: 120000 });
    const failedLoad = await page.$('main[data-state="failed"]');
    if (failedLoad) throw new Error(`page failed to load: ${await page.textContent('#load-error')}`);
}

/** {entry: {accuracy, avg_cost, rank_score}} of every leaderboard row, in display order. */
async function board(page) {
    return page.$$eval('#leaderboard tbody tr[data-entry]', (rows) => rows.map((tr) => {
        const cells = {};
        for (const td of tr.querySelectorAll('td[data-metric]')) cells[td.dataset.metric] = td.dataset.value;
        return { entry: tr.dataset.entry, kind: tr.dataset.kind, cells };
    }));
}

function rowOf(rows, entry) {
    const row = rows.find((r) => r.entry === entry);
    assert(row, `no row tr[data-entry="${entry}"] (rows: ${rows.map((r) => r.entry).join(', ')})`);
    return row;
}

function sameNumbers(row, expected, what) {
    for (const m of METRICS) {
        const shown = Number.parseFloat(row.cells[m]);
        assert(Object.is(shown, expected[m]),
            `${what}: ${m} shown ${row.cells[m]} (parsed ${shown}), CLI says ${expected[m]}`);
    }
}

/** Starts timing the page's main thread: a 16 ms interval records the gap between its ticks. */
async function startStallProbe(page) {
    await page.evaluate(() => {
        window.__gaps = [];
        let last = performance.now();
        window.__probe = setInterval(() => { const t = performance.now(); window.__gaps.push(t - last); last = t; }, 16);
    });
}

/** Stops the probe; the longest main-thread stall it saw, in ms. */
async function stopStallProbe(page) {
    return page.evaluate(() => { clearInterval(window.__probe); return Math.max(...window.__gaps); });
}

/**
 * Waits for the sandbox run to end and fails on its error message; gives the `#sandbox-done` text
 * and the name of the row it added.
 */
async function runEnded(page, what) {
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
function gpuPicksAgainstCpu(gpuCsv, bundle, router, args) {
    const cpuCsv = join(OUT, `sandbox-cpu-${router}.csv`);
    vlrb('train', bundle, '--router', router, ...args, '--out', cpuCsv);
    const picks = (f) => new Map(readFileSync(f, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')));
    const [gpu, cpu] = [picks(gpuCsv), picks(cpuCsv)];
    const differ = [...gpu].filter(([id, m]) => cpu.get(id) !== m).length;
    assert(gpu.size === cpu.size && differ <= gpu.size / 100, `${router}: ${differ} of ${gpu.size} WebGPU test picks differ from the CPU's`);
    return `${differ} of ${gpu.size} test picks differ from the CPU's`;
}

/** Screenshot of one section; the sticky page header is unstuck first so it does not cover it. */
async function shot(page, selector, file) {
    await page.addStyleTag({ content: 'header.top { position: static !important; }' });
    await (await page.$(selector)).screenshot({ path: join(SHOTS, file) });
}

async function uploadFiles(page, files) {
    await page.setInputFiles('#upload', files);
}

async function waitNotice(page, fileName) {
    const sel = `#upload-messages li[data-file="${fileName}"]`;
    await page.waitForFunction((s) => {
        const li = document.querySelector(s);
        return li && (li.classList.contains('error') || /^Added /.test(li.textContent));
    }, sel, { timeout: 120000 });
    return page.$eval(sel, (li) => ({ error: li.classList.contains('error'), text: li.querySelector('.text').textContent }));
}

// ---- the run ----------------------------------------------------------------------------------
async function main() {
    assert(existsSync(join(DIST, 'index.html')), `${DIST}/index.html is missing: run trunk build --release first`);
    assert(existsSync(VLRB), `${VLRB} is missing: run cargo build --release --bin vlrb first`);
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync(OUT, { recursive: true });
    // Serve a copy of dist/ that also holds the fixture (packed now as `official-tiny`) when the
    // site does not ship it, so uploads are always checked against the fixture's expectations.
    const SITE = join(OUT, 'site');
    rmSync(SITE, { recursive: true, force: true });
    cpSync(DIST, SITE, { recursive: true });
    const index = JSON.parse(readFileSync(join(SITE, 'bundles/index.json'), 'utf8'));
    if (!index.some((b) => b.name === FIXTURE_NAME)) {
        execFileSync(VLRB, ['pack', FIXTURE, '--name', FIXTURE_NAME, '-o', join(SITE, 'bundles/e2e-official-tiny.vlrb')], { stdio: ['ignore', 'ignore', 'inherit'] });
        const packed = vlrb('info', join(SITE, 'bundles/e2e-official-tiny.vlrb'));
        index.push({ name: FIXTURE_NAME, file: 'e2e-official-tiny.vlrb', title: 'Official-layout fixture (test data)', synthetic: packed.synthetic, licence: 'test fixture' });
        writeFileSync(join(SITE, 'bundles/index.json'), JSON.stringify(index, null, 1));
        log(`added the fixture bundle ${FIXTURE_NAME} to the served copy of dist/`);
    }
    const submissions = JSON.parse(readFileSync(join(SITE, 'submissions/index.json'), 'utf8'));
    const server = await serve(SITE);
    const base = `http://127.0.0.1:${server.address().port}/`;
    log(`serving ${SITE} at ${base}`);
    const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        // launch() gives every run a fresh temporary profile (user-data-dir).
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });

    const fixtureBench = index.find((b) => b.name === FIXTURE_NAME);

    for (const bench of index) {
        const bundlePath = join(SITE, 'bundles', bench.file);
        await test(`load ${bench.name}: provenance, baselines and models equal the CLI`, async () => {
            const info = vlrb('info', bundlePath);
            assert(info.name === bench.name, `index.json name ${bench.name} but bundle says ${info.name}`);
            const t0 = Date.now();
            const page = await openPage(context, `${base}?bench=${encodeURIComponent(bench.name)}`);
            const wall = Date.now() - t0;
            const readyMs = Number.parseFloat(await page.getAttribute('main', 'data-ready-ms'));
            const parts = await page.getAttribute('main', 'data-load-timings');
            measurements.push(`${bench.name}: navigation to interactive leaderboard ${readyMs.toFixed(0)} ms (performance.now at ready; ${wall} ms wall incl. page.goto; ${parts})`);
            const bytes = readFileSync(bundlePath);
            const sha = createHash('sha256').update(bytes.subarray(60)).digest('hex');
            assert((await page.textContent('#bundle-sha256')).trim() === sha, 'bundle hash shown differs from the file');
            assert(((await page.textContent('#protocol-version')) ?? '').includes('vlrb-protocol'), 'protocol version missing');
            const banner = await page.$('#synthetic-banner');
            assert(Boolean(banner) === Boolean(info.synthetic), `synthetic banner ${Boolean(banner)} but bundle synthetic=${info.synthetic}`);
            const rows = await board(page);
            const baselines = vlrb('baselines', bundlePath);
            for (const [name, expected] of Object.entries(baselines)) sameNumbers(rowOf(rows, name), expected, name);
            const models = rows.filter((r) => r.kind === 'model').length;
            assert(models === info.num_models, `${models} single-model rows for ${info.num_models} models`);
            // Verified submissions: the browser's numbers equal `vlrb eval`.
            const errors = await page.$$eval('#submission-errors li', (l) => l.map((x) => x.textContent));
            assert(errors.length === 0, `submission errors: ${errors.join(' | ')}`);
            for (const sub of submissions.filter((s) => s.bench === bench.name)) {
                const expected = vlrb('eval', bundlePath, join(SITE, sub.file));
                const row = rowOf(rows, sub.meta.name);
                assert(row.kind === (sub.kind ?? 'verified'), `${sub.meta.name} is ${row.kind}`);
                sameNumbers(row, expected, `submission ${sub.meta.name}`);
            }
            await page.close();
        });
    }

    {
        const bench = fixtureBench;
        const bundlePath = join(SITE, 'bundles', bench.file);
        const url = `${base}?bench=${encodeURIComponent(bench.name)}`;
        const good = ['mixed_ids.csv', 'mixed_names.jsonl'].map((f) => join(FIXTURE, 'predictions', f));
        let page;
        let before;
        await test(`upload good files to ${bench.name}: rows equal vlrb eval`, async () => {
            page = await openPage(context, url);
            await uploadFiles(page, good);
            for (const f of good) {
                const name = f.split('/').pop();
                const notice = await waitNotice(page, name);
                assert(!notice.error, `${name} rejected: ${notice.text}`);
            }
            const rows = await board(page);
            for (const f of good) {
                const entry = f.split('/').pop().replace(/\.[^.]+$/, '');
                const row = rowOf(rows, entry);
                assert(row.kind === 'upload', `${entry} is ${row.kind}`);
                sameNumbers(row, vlrb('eval', bundlePath, f), entry);
            }
            before = rows;
        });

        await test('bad files are rejected naming the culprit; the board is unchanged', async () => {
            const culprits = JSON.parse(readFileSync(join(FIXTURE, 'expected/bad_predictions.json'), 'utf8'));
            for (const [file, culprit] of Object.entries(culprits)) {
                await uploadFiles(page, [join(FIXTURE, 'predictions', file)]);
                const notice = await waitNotice(page, file);
                assert(notice.error, `${file} was accepted: ${notice.text}`);
                assert(notice.text.includes(culprit), `${file}: message "${notice.text}" does not name ${culprit}`);
                const rows = await board(page);
                assert(JSON.stringify(rows) === JSON.stringify(before), `${file} changed the board`);
            }
        });

        await test('uploads survive a reload', async () => {
            await page.reload();
            await waitReady(page);
            const rows = await board(page);
            for (const f of good) {
                const entry = f.split('/').pop().replace(/\.[^.]+$/, '');
                sameNumbers(rowOf(rows, entry), vlrb('eval', bundlePath, f), `${entry} after reload`);
            }
        });

        await test('filtering by dataset recomputes with the global bounds (equals vlrb eval per_dataset)', async () => {
            const expected = vlrb('eval', bundlePath, good[0]);
            const ds = expected.per_dataset[0];
            await page.selectOption('#filter-dataset', ds.dataset);
            await page.waitForFunction((n) => document.querySelector('#subset').textContent.includes(`(${n} of`), ds.num_samples);
            sameNumbers(rowOf(await board(page), 'mixed_ids'), ds, `mixed_ids on ${ds.dataset}`);
            await page.selectOption('#filter-dataset', '');
        });

        await test('a permalink reproduces the view (filter, sort, selection)', async () => {
            const group = await page.$eval('#filter-group option:nth-child(2)', (o) => o.value);
            await page.selectOption('#filter-group', group);
            await page.click('button.sort[data-sort="accuracy"]');
            await page.click('button.sort[data-sort="accuracy"]');
            await page.check('tr[data-entry="mixed_ids"] input[type="checkbox"]');
            await page.waitForSelector('[data-breakdown="mixed_ids"]');
            const link = page.url();
            assert(link.includes('sel=mixed_ids') && link.includes('sort=accuracy'), `URL does not carry the view: ${link}`);
            const rows = await board(page);
            const other = await openPage(context, link);
            const again = await board(other);
            assert(JSON.stringify(again) === JSON.stringify(rows), 'rows differ when the link is followed');
            assert(await other.$eval('#filter-group', (s) => s.value) === group, 'group filter lost');
            assert(await other.isChecked('tr[data-entry="mixed_ids"] input[type="checkbox"]'), 'selection lost');
            assert(await other.$('[data-breakdown="mixed_ids"]'), 'breakdown of the selected row missing');
            const order = again.map((r) => Number.parseFloat(r.cells.accuracy));
            assert(order.every((v, i) => i === 0 || order[i - 1] <= v), 'rows not sorted by accuracy ascending');
            await other.close();
            await page.goto(url);
            await waitReady(page);
        });

        await test('keyboard: sort with Enter, select with Space', async () => {
            await page.focus('button.sort[data-sort="name"]');
            await page.keyboard.press('Enter');
            await page.waitForFunction(() => new URL(location.href).searchParams.get('sort') === 'name');
            const names = (await board(page)).map((r) => r.entry.toLowerCase());
            assert(names.every((n, i) => i === 0 || names[i - 1] <= n), `not sorted by name: ${names.join(', ')}`);
            await page.focus('tr[data-entry="Oracle"] input[type="checkbox"]');
            await page.keyboard.press('Space');
            await page.waitForSelector('[data-breakdown="Oracle"]');
            await page.goto(url);
            await waitReady(page);
        });

        await test('uploads can be renamed and removed', async () => {
            await page.fill('li[data-upload="mixed_names"] input.rename', 'renamed router');
            await page.press('li[data-upload="mixed_names"] input.rename', 'Enter');
            await page.waitForSelector('tr[data-entry="renamed router"]');
            await page.click('li[data-upload="renamed router"] button.remove');
            await page.waitForSelector('tr[data-entry="renamed router"]', { state: 'detached' });
            await page.reload();
            await waitReady(page);
            const rows = await board(page);
            assert(!rows.some((r) => r.entry === 'renamed router' || r.entry === 'mixed_names'), 'removed upload came back');
            rowOf(rows, 'mixed_ids');
        });

        await test('drag and drop adds a row', async () => {
            const text = readFileSync(good[0], 'utf8');
            await page.evaluate((csv) => {
                const dt = new DataTransfer();
                dt.items.add(new File([csv], 'dropped.csv', { type: 'text/csv' }));
                document.querySelector('.dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
            }, text);
            const notice = await waitNotice(page, 'dropped.csv');
            assert(!notice.error, notice.text);
            sameNumbers(rowOf(await board(page), 'dropped'), vlrb('eval', bundlePath, good[0]), 'dropped');
            await page.click('li[data-upload="dropped"] button.remove');
            await page.waitForSelector('tr[data-entry="dropped"]', { state: 'detached' });
        });

        await test('exports (CSV, JSON) and the template download', async () => {
            const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
            const csvText = readFileSync(await csv.path(), 'utf8');
            assert(csvText.includes('\nOracle,baseline,') && csvText.includes('# bundle sha256: '), 'CSV export lacks rows or provenance');
            const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
            const doc = JSON.parse(readFileSync(await json.path(), 'utf8'));
            const oracle = doc.rows.find((r) => r.entry === 'Oracle');
            const expected = vlrb('baselines', bundlePath).Oracle;
            assert(oracle && oracle.accuracy === expected.accuracy && oracle.avg_cost === expected.avg_cost, 'JSON export Oracle differs');
            const [tpl] = await Promise.all([page.waitForEvent('download'), page.click('#download-template')]);
            const tplPath = join(OUT, `template-${bench.name}.csv`);
            await tpl.saveAs(tplPath);
            vlrb('eval', bundlePath, tplPath);
        });
        await page.close();
    }

    // Router sandbox: training in a Web Worker gives the same test picks as `vlrb train`.
    const sandboxBench = index.find((b) => b.name === 'mathvista');
    assert(sandboxBench, 'the mathvista bundle (sandbox test) is not served');
    for (const run of [
        { router: 'knn', lambda: null, epochs: '', args: [] },
        { router: 'linear', lambda: '100', epochs: '5', args: ['--lambda', '100', '--epochs', '5'] },
        { router: 'mlp', lambda: null, epochs: '2', args: ['--epochs', '2'] },
    ]) {
        await test(`sandbox: ${run.router} on ${sandboxBench.name} trains in a Web Worker; its row equals vlrb train`, async () => {
            const page = await openPage(context, `${base}?bench=${sandboxBench.name}`);
            await page.selectOption('#sandbox-router', run.router);
            await page.selectOption('#sandbox-backend-choice', 'cpu');
            await page.selectOption('#sandbox-features', 'text');
            if (run.lambda) await page.selectOption('#sandbox-lambda', run.lambda);
            await page.fill('#sandbox-epochs', run.epochs);
            await startStallProbe(page);
            const t0 = Date.now();
            await page.click('#sandbox-train');
            await page.waitForSelector('#sandbox-done, #sandbox-error', { timeout: 300000 });
            const wall = Date.now() - t0;
            const maxGap = await stopStallProbe(page);
            const { done } = await runEnded(page, run.router);
            const expected = vlrb('train', join(SITE, 'bundles', sandboxBench.file), '--router', run.router, '--features', 'text', '--seed', '42', ...run.args);
            const lambda = expected.lambda === null ? '-' : String(expected.lambda);
            const name = `${run.router} text λ=${lambda} seed 42 (trained here)`;
            const row = rowOf(await board(page), name);
            assert(row.kind === 'upload', `${name} is ${row.kind}`);
            sameNumbers(row, expected, `sandbox ${run.router}`);
            // The exported test predictions score to the same row under `vlrb eval`.
            const [download] = await Promise.all([page.waitForEvent('download'), page.click('#sandbox-download')]);
            const exported = join(OUT, `sandbox-${run.router}.csv`);
            await download.saveAs(exported);
            sameNumbers(row, vlrb('eval', join(SITE, 'bundles', sandboxBench.file), exported), `sandbox ${run.router} export`);
            const lines = await page.$$eval('#sandbox-chart polyline', (l) => l.length);
            assert(lines >= 1, 'the progress chart has no line');
            mkdirSync(SHOTS, { recursive: true });
            await shot(page, 'section.sandbox', `sandbox-${run.router}.png`);
            measurements.push(`${sandboxBench.name}: sandbox ${run.router} (${run.args.join(' ') || 'protocol settings'}) trained in the worker in ${wall} ms wall; longest main-thread stall ${maxGap.toFixed(0)} ms; ${done.trim()}`);
            assert(maxGap < 1000, `the page froze for ${maxGap.toFixed(0)} ms while training`);
            await page.close();
        });
    }

    // A lambda sweep draws the router's trade-off on the plot, each lambda scored like any row, and
    // the run's settings go into the URL (a link pre-fills the sandbox).
    await test(`sandbox: a linear λ sweep on ${sandboxBench.name} is drawn on the plot, equal to vlrb train per λ; settings in the URL`, async () => {
        const page = await openPage(context, `${base}?bench=${sandboxBench.name}`);
        await page.selectOption('#sandbox-router', 'linear');
        await page.selectOption('#sandbox-backend-choice', 'cpu');
        await page.selectOption('#sandbox-features', 'text');
        await page.fill('#sandbox-epochs', '3');
        await page.click('#sandbox-sweep');
        const { added } = await runEnded(page, 'linear sweep');
        const expected = vlrb('train', join(SITE, 'bundles', sandboxBench.file), '--router', 'linear', '--features', 'text', '--epochs', '3');
        const shown = await page.$$eval('#sweep-points tbody tr', (rows) => rows.map((tr) => ({
            lambda: tr.querySelector('th').textContent, accuracy: tr.dataset.accuracy, avg_cost: tr.dataset.avgCost })));
        assert(shown.length === expected.sweep.length, `${shown.length} sweep points shown, vlrb train has ${expected.sweep.length}`);
        for (const p of expected.sweep) {
            const row = shown.find((r) => r.lambda === `λ=${p.lambda}`);
            assert(row, `no sweep point λ=${p.lambda}: ${JSON.stringify(shown)}`);
            assert(Object.is(Number.parseFloat(row.accuracy), p.test.accuracy) && Object.is(Number.parseFloat(row.avg_cost), p.test.avg_cost),
                `λ=${p.lambda}: shown ${row.accuracy} / ${row.avg_cost}, vlrb train ${p.test.accuracy} / ${p.test.avg_cost}`);
        }
        // One dot per lambda on the plot (labels that would overlap are left out; the table has all).
        const dots = await page.$$eval('#pareto-plot circle[r="3"][fill="#DC9628"]', (c) => c.length);
        assert(dots === expected.sweep.length, `${dots} sweep dots on the plot`);
        assert((await page.innerHTML('#pareto-plot')).includes('λ='), 'the sweep has no label on the plot');
        // An earlier test's linear λ=100 row persists in this browser: the new row's name is in the message.
        assert(added && added.startsWith(`linear text λ=${expected.lambda} seed 42 (trained here)`), `new row ${added}`);
        sameNumbers(rowOf(await board(page), added), expected, 'sandbox sweep');
        const url = new URL(page.url());
        assert(url.searchParams.get('router') === 'linear' && url.searchParams.get('lambda') === 'sweep' && url.searchParams.get('epochs') === '3',
            `the URL lacks the run's settings: ${url.search}`);
        await shot(page, 'section.plot', 'sandbox-sweep-plot.png');
        const linked = await openPage(context, url.toString());
        const form = await linked.evaluate(() => ['router', 'features', 'lambda', 'epochs', 'backend-choice']
            .map((id) => document.querySelector(`#sandbox-${id}`).value));
        assert(JSON.stringify(form) === JSON.stringify(['linear', 'text', 'sweep', '3', 'cpu']), `the link pre-filled ${form}`);
        await linked.close();
        await page.close();
    });

    // WebGPU asked for in a browser without an adapter: the page says so and trains on the CPU,
    // with exactly the CPU's numbers.
    const mathv = index.find((b) => b.name === 'math-v');
    assert(mathv, 'the math-v bundle (WebGPU test) is not served');
    await test('sandbox: with WebGPU unavailable the MLP falls back to the CPU, says so, and equals vlrb train', async () => {
        const page = await openPage(context, `${base}?bench=math-v`);
        await page.selectOption('#sandbox-backend-choice', 'webgpu');
        await page.selectOption('#sandbox-lambda', '100');
        await page.fill('#sandbox-epochs', '1');
        await page.click('#sandbox-train');
        await runEnded(page, 'CPU fallback');
        const note = await page.textContent('#sandbox-backend');
        assert(/CPU/.test(note) && /WebGPU is unavailable/.test(note), `backend note: ${note}`);
        const expected = vlrb('train', join(SITE, 'bundles', mathv.file), '--router', 'mlp', '--lambda', '100', '--epochs', '1');
        sameNumbers(rowOf(await board(page), 'mlp concat λ=100 seed 42 (trained here)'), expected, 'CPU fallback');
        measurements.push(`math-v: WebGPU unavailable: ${note.trim()}`);
        await page.close();
    });

    // The default MLP on MATH-V on Chromium's WebGPU (SwiftShader: slow, so one epoch).
    await test('sandbox: the default MLP (then every router) trains on WebGPU; its row equals vlrb eval of its export; weights download; a lost device falls back to the CPU', async () => {
        const gpuBrowser = await chromium.launch({
            executablePath: CHROMIUM,
            headless: true,
            args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync'],
        });
        try {
            const gpuContext = await gpuBrowser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
            const page = await openPage(gpuContext, `${base}?bench=math-v`);
            assert(await page.evaluate(async () => Boolean(navigator.gpu && await navigator.gpu.requestAdapter())), 'this Chromium gives no WebGPU adapter');
            assert(await page.inputValue('#sandbox-backend-choice') === 'webgpu', 'WebGPU is not the default backend');
            await page.selectOption('#sandbox-lambda', '100');
            await page.fill('#sandbox-epochs', '1');
            await startStallProbe(page);
            const t0 = Date.now();
            await page.click('#sandbox-train');
            // A one-epoch line is a single point (no area): wait for it in the DOM, not for visibility.
            await page.waitForSelector('#sandbox-chart polyline, #sandbox-error', { state: 'attached', timeout: 300000 });
            await page.waitForSelector('#sandbox-done, #sandbox-error', { timeout: 300000 });
            const wall = Date.now() - t0;
            const maxGap = await stopStallProbe(page);
            await runEnded(page, 'mlp on WebGPU');
            const note = await page.textContent('#sandbox-backend');
            assert(/^Ran on WebGPU: /.test(note.trim()) && !/CPU/.test(note), `backend note: ${note}`);
            const row = rowOf(await board(page), 'mlp concat λ=100 seed 42 (trained here)');
            const [download] = await Promise.all([page.waitForEvent('download'), page.click('#sandbox-download')]);
            const exported = join(OUT, 'sandbox-webgpu-mlp.csv');
            await download.saveAs(exported);
            sameNumbers(row, vlrb('eval', join(SITE, 'bundles', mathv.file), exported), 'WebGPU MLP export');
            const [weights] = await Promise.all([page.waitForEvent('download'), page.click('#sandbox-weights')]);
            const weightsPath = join(OUT, 'sandbox-webgpu-mlp.weights.json');
            await weights.saveAs(weightsPath);
            const doc = JSON.parse(readFileSync(weightsPath, 'utf8'));
            const dims = doc.model?.net?.dims;
            assert(doc.router === 'mlp' && doc.lambda === '100' && Array.isArray(dims) && dims.length === 3 && dims[1] === 256
                && doc.model.net.weights[0].length === dims[0] * dims[1] && doc.scaler.mean.length === dims[0], `weights JSON: ${JSON.stringify(doc).slice(0, 300)}`);
            const differ = gpuPicksAgainstCpu(exported, join(SITE, 'bundles', mathv.file), 'mlp', ['--lambda', '100', '--epochs', '1']);
            await shot(page, 'section.sandbox', 'sandbox-webgpu.png');
            measurements.push(`math-v: sandbox light MLP, 1 epoch on WebGPU (${note.trim()}) in ${wall} ms wall; longest main-thread stall ${maxGap.toFixed(0)} ms; ${differ}`);
            // Every other router on WebGPU too (few epochs): same tolerance against `vlrb train`.
            for (const [router, args] of [['linear', ['--lambda', '100', '--epochs', '2']], ['knn', []], ['prknn', []], ['ovr', ['--epochs', '3']], ['prototype', []]]) {
                await page.selectOption('#sandbox-router', router);
                await page.fill('#sandbox-epochs', args.includes('--epochs') ? args[args.indexOf('--epochs') + 1] : '');
                await page.click('#sandbox-train');
                const { done } = await runEnded(page, `${router} on WebGPU`);
                const ran = await page.textContent('#sandbox-backend');
                assert(/^Ran on WebGPU: /.test(ran.trim()), `${router} backend note: ${ran}`);
                const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#sandbox-download')]);
                const gpuCsv = join(OUT, `sandbox-webgpu-${router}.csv`);
                await dl.saveAs(gpuCsv);
                const differ = gpuPicksAgainstCpu(gpuCsv, join(SITE, 'bundles', mathv.file), router, args);
                measurements.push(`math-v: sandbox ${router} (${args.join(' ') || 'protocol settings'}) on WebGPU: ${done} ${differ}`);
            }
            await page.close();
            // A device lost mid-run (destroyed 3 s after the worker opens it, while the MLP trains):
            // the run says so and is retrained on the CPU, with exactly the CPU's numbers.
            const lost = await openPage(gpuContext, `${base}?bench=math-v`);
            lost.on('worker', (worker) => worker.evaluate(() => {
                const open = GPUAdapter.prototype.requestDevice;
                GPUAdapter.prototype.requestDevice = async function (descriptor) {
                    const device = await open.call(this, descriptor);
                    setTimeout(() => device.destroy(), 3000);
                    return device;
                };
            }).catch(() => {}));
            await lost.selectOption('#sandbox-lambda', '100');
            await lost.fill('#sandbox-epochs', '1');
            await lost.click('#sandbox-train');
            const { added: lostName } = await runEnded(lost, 'after a lost device');
            const lostNote = await lost.textContent('#sandbox-backend');
            assert(/^Ran on CPU/.test(lostNote.trim()) && /WebGPU failed during training/.test(lostNote), `backend note after a lost device: ${lostNote}`);
            const cpuRun = vlrb('train', join(SITE, 'bundles', mathv.file), '--router', 'mlp', '--lambda', '100', '--epochs', '1');
            sameNumbers(rowOf(await board(lost), lostName), cpuRun, 'retrained on the CPU after a lost device');
            measurements.push(`math-v: WebGPU device destroyed mid-run: ${lostNote.trim()}`);
            await lost.close();
        } finally {
            await gpuBrowser.close();
        }
    });

    // Scoring time of a full-size upload, and responsiveness with a 50 MB file, per benchmark.
    for (const bench of index) {
        await test(`${bench.name}: template upload timing and a 50 MB file keeps the page responsive`, async () => {
            const page = await openPage(context, `${base}?bench=${encodeURIComponent(bench.name)}`);
            const [tpl] = await Promise.all([page.waitForEvent('download'), page.click('#download-template')]);
            const tplPath = join(OUT, `full-${bench.name}.csv`);
            await tpl.saveAs(tplPath);
            const lines = readFileSync(tplPath, 'utf8').trimEnd().split('\n');
            const notice = await (async () => { await uploadFiles(page, [tplPath]); return waitNotice(page, `full-${bench.name}.csv`); })();
            assert(!notice.error, notice.text);
            const ms = /scored in ([0-9.]+) ms/.exec(notice.text)?.[1];
            measurements.push(`${bench.name}: parse + resolve of a ${lines.length - 1}-row upload in the browser: ${ms} ms`);
            // Bootstrap intervals for every row (recomputed after the upload added one).
            await page.waitForFunction(() => /computed in/.test(document.querySelector('#interval-note')?.textContent ?? ''), null, { timeout: 60000 });
            const rowsNow = (await board(page)).length;
            const bootMs = /computed in ([0-9.]+) ms/.exec(await page.textContent('#interval-note'))[1];
            measurements.push(`${bench.name}: 95% bootstrap intervals for all ${rowsNow} rows: ${bootMs} ms (in slices, page responsive)`);
            // Sort and filter latency: from the input event to the next frame after the table changed.
            const latency = async (action) => page.evaluate(async (action) => {
                const tbody = document.querySelector('#leaderboard tbody');
                const changed = new Promise((done) => new MutationObserver((_, o) => { o.disconnect(); done(); })
                    .observe(tbody, { childList: true, subtree: true, characterData: true, attributes: true }));
                const t0 = performance.now();
                if (action.sort) {
                    document.querySelector(`button.sort[data-sort="${action.sort}"]`).click();
                } else {
                    const select = document.querySelector('#filter-dataset');
                    select.value = action.dataset;
                    select.dispatchEvent(new Event('change', { bubbles: true }));
                }
                const timedOut = await Promise.race([changed.then(() => false), new Promise((done) => setTimeout(() => done(true), 10000))]);
                if (timedOut) throw new Error(`the table did not change within 10 s after ${JSON.stringify(action)}`);
                await new Promise((done) => requestAnimationFrame(() => done()));
                return performance.now() - t0;
            }, action);
            const sortMs = await latency({ sort: 'accuracy' });
            const datasets = await page.$$eval('#filter-dataset option', (o) => o.map((x) => x.value).filter(Boolean));
            const filterMs = await latency({ dataset: datasets[0] });
            const clearMs = await latency({ dataset: '' });
            measurements.push(`${bench.name}: sort ${sortMs.toFixed(0)} ms; filter to ${datasets[0]} ${filterMs.toFixed(0)} ms; clear filter ${clearMs.toFixed(0)} ms (input to next frame, ${rowsNow} rows)`);
            // 50 MB: the same rows with a padding column.
            const pad = 'x'.repeat(Math.max(1, Math.ceil(50e6 / (lines.length - 1)) - lines[1].length - 2));
            const big = [lines[0] + ',note', ...lines.slice(1).map((l) => `${l},${pad}`)].join('\n');
            const bigPath = join(OUT, `big-${bench.name}.csv`);
            writeFileSync(bigPath, big);
            await startStallProbe(page);
            const t0 = Date.now();
            await uploadFiles(page, [bigPath]);
            const big_notice = await waitNotice(page, `big-${bench.name}.csv`);
            const wall = Date.now() - t0;
            const maxGap = await stopStallProbe(page);
            assert(!big_notice.error, big_notice.text);
            measurements.push(`${bench.name}: ${(big.length / 1e6).toFixed(1)} MB upload accepted in ${wall} ms; longest main-thread stall ${maxGap.toFixed(0)} ms`);
            assert(maxGap < 2000, `the page froze for ${maxGap.toFixed(0)} ms`);
            await page.close();
        });
    }

    await test('integrity errors and unknown benchmarks are shown plainly', async () => {
        const bench = index[0];
        const bytes = Buffer.from(readFileSync(join(SITE, 'bundles', bench.file)));
        bytes[bytes.length - 10] ^= 0xff;
        const page = await context.newPage();
        await page.route(`**/bundles/${bench.file}`, (route) => route.fulfill({ status: 200, body: bytes, contentType: 'application/octet-stream' }));
        await page.goto(`${base}?bench=${encodeURIComponent(bench.name)}`);
        await page.waitForSelector('main[data-state="failed"]', { timeout: 60000 });
        const text = await page.textContent('#load-error');
        assert(/checksum mismatch/.test(text), `corrupt bundle message: ${text}`);
        assert(!(await page.$('#leaderboard')), 'a board was shown for a corrupt bundle');
        await page.goto(`${base}?bench=no-such-benchmark`);
        await page.waitForSelector('main[data-state="failed"]', { timeout: 60000 });
        const unknown = await page.textContent('#load-error');
        assert(unknown.includes('no-such-benchmark') && unknown.includes(bench.name), `unknown bench message: ${unknown}`);
        await page.close();
    });

    await test('screenshots: desktop and phone, light and dark', async () => {
        for (const [scheme, width, height] of [['light', 1280, 900], ['dark', 1280, 900], ['light', 390, 844], ['dark', 390, 844]]) {
            const ctx = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
            const bench = index[0];
            const p = await openPage(ctx, `${base}?bench=${encodeURIComponent(bench.name)}&sel=Oracle`);
            await p.waitForFunction(() => document.querySelector('.ci'), null, { timeout: 60000 });
            const scrollWidth = await p.evaluate(() => document.documentElement.scrollWidth);
            assert(scrollWidth <= width, `the page is ${scrollWidth} px wide in a ${width} px viewport`);
            const file = join(SHOTS, `${width < 600 ? 'phone' : 'desktop'}-${scheme}.png`);
            await p.screenshot({ path: file, fullPage: true });
            await p.screenshot({ path: file.replace('.png', '-top.png') });
            await ctx.close();
        }
    });

    await test('no console errors', async () => {
        assert(consoleErrors.length === 0, consoleErrors.join('\n'));
    });

    await browser.close();
    server.close();
    log('');
    for (const m of measurements) log(`measured: ${m}`);
}

main()
    .catch((e) => { failed++; log(`FAIL harness: ${e && e.stack ? e.stack : e}`); })
    .finally(() => {
        log(`${passed} passed, ${failed} failed`);
        process.exit(failed === 0 ? 0 : 1);
    });
