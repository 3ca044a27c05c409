// Every benchmark of the site loads: provenance (hash, protocol, synthetic banner), baselines,
// single models and verified submissions equal the native CLI, exactly.
//   node tests/e2e/load.test.mjs

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, board, measure, newContext, openPage, rowOf, sameNumbers, suite, test, vlrb } from './helpers.mjs';

await suite(import.meta.url, async ({ index, submissions, site, browser, bundle, url }) => {
    const context = await newContext(browser);
    for (const bench of index) {
        const bundlePath = bundle(bench);
        await test(`load ${bench.name}: provenance, baselines and models equal the CLI`, async () => {
            const info = vlrb('info', bundlePath);
            assert(info.name === bench.name, `index.json name ${bench.name} but bundle says ${info.name}`);
            if (bench.datasets) {
                assert(JSON.stringify([...bench.datasets].sort()) === JSON.stringify([...info.datasets].sort()),
                    `index.json lists datasets ${bench.datasets} for ${bench.name}, the bundle has ${info.datasets}`);
            }
            const t0 = Date.now();
            const page = await openPage(context, url(bench));
            const wall = Date.now() - t0;
            const readyMs = Number.parseFloat(await page.getAttribute('main', 'data-ready-ms'));
            const parts = await page.getAttribute('main', 'data-load-timings');
            measure(`${bench.name}: navigation to interactive leaderboard ${readyMs.toFixed(0)} ms (performance.now at ready; ${wall} ms wall incl. page.goto; ${parts})`);
            const bytes = readFileSync(bundlePath);
            const sha = createHash('sha256').update(bytes.subarray(60)).digest('hex');
            assert((await page.textContent('#bundle-sha256')).trim() === sha, 'bundle hash shown differs from the file');
            assert(((await page.textContent('#protocol-version')) ?? '').includes('vlrb-protocol'), 'protocol version missing');
            // The footer names the build: dist/ of a plain trunk build says so; a published site its commit.
            const version = JSON.parse(readFileSync(join(site, 'version.json'), 'utf8'));
            const build = version.commit === null ? 'development' : 'release';
            await page.waitForSelector(`#build-version[data-build="${build}"]`, { timeout: 10000 });
            if (build === 'development') assert((await page.textContent('#build-version')).trim() === 'development build', 'footer text');
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
                const expected = vlrb('eval', bundlePath, join(site, sub.file));
                const row = rowOf(rows, sub.meta.name);
                assert(row.kind === (sub.kind ?? 'verified'), `${sub.meta.name} is ${row.kind}`);
                sameNumbers(row, expected, `submission ${sub.meta.name}`);
            }
            await page.close();
        });
    }
    await context.close();
});
