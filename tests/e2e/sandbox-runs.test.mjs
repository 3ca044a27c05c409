// No sandbox run is lost (issue 16): kNN on the demo with its default features (Normalize-Concat)
// completes in the worker, its row and test picks equal `vlrb train`'s, and its weights download
// is built lazily in a compact form; a worker that crashes mid-sweep keeps the finished lambdas as
// rows. The crash comes from the worker's test hook: localStorage `vlrb-test-worker-crash-after`
// = N makes the worker trap (as an out-of-memory abort does) after posting N finished lambdas.
//   node tests/e2e/sandbox-runs.test.mjs

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
    assert, board, measure, newContext, openPage, OUT, ROOT, rowOf, sameNumbers, shot, suite, test, vlrb,
} from './helpers.mjs';

/** sample_id -> model of a predictions CSV (upload format, no quoted commas in these ids). */
function picksOf(file) {
    return new Map(readFileSync(file, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')));
}

/** Trains a linear text sweep (2 epochs per lambda, CPU) and waits for the run to end. */
async function linearSweep(page) {
    await page.selectOption('#sandbox-router', 'linear');
    await page.selectOption('#sandbox-backend-choice', 'cpu');
    await page.selectOption('#sandbox-features', 'text');
    await page.selectOption('#sandbox-lambda', 'sweep');
    await page.fill('#sandbox-epochs', '2');
    await page.click('#sandbox-train');
    await page.waitForSelector('#sandbox-done, #sandbox-error', { timeout: 300000 });
}

await suite(import.meta.url, async ({ browser, bundle, find, url }) => {
    const demo = find('vlrb-demo');
    await test('sandbox: kNN on the demo with default features completes; row and picks equal vlrb train; weights are compact', async () => {
        const context = await newContext(browser);
        const page = await openPage(context, url(demo));
        await page.selectOption('#sandbox-router', 'knn');
        await page.selectOption('#sandbox-backend-choice', 'cpu');
        const features = await page.inputValue('#sandbox-features');
        assert(features === 'concat', `the demo's default features are ${features}`);
        const t0 = Date.now();
        await page.click('#sandbox-train');
        await page.waitForSelector('#sandbox-done, #sandbox-error', { timeout: 1500000 });
        const wall = Date.now() - t0;
        const error = await page.$('#sandbox-error');
        assert(!error, `kNN failed: ${error && await error.textContent()}`);
        const name = 'knn concat λ=inf seed 42 (trained here)';
        const row = rowOf(await board(page), name);
        // The same router trained natively by `vlrb train public/bundles/demo.vlrb --router knn
        // --features concat --seed 42 --out references/vlrb-demo/knn-concat.csv`
        // (scripts/make-references.sh); scored here by `vlrb eval`.
        const reference = join(ROOT, 'references/vlrb-demo/knn-concat.csv');
        sameNumbers(row, vlrb('eval', bundle(demo), reference), 'sandbox kNN vs vlrb train');
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#sandbox-download')]);
        const exported = join(OUT, 'sandbox-knn-demo.csv');
        await download.saveAs(exported);
        const [mine, cli] = [picksOf(exported), picksOf(reference)];
        const differ = [...cli].filter(([id, m]) => mine.get(id) !== m).length;
        assert(mine.size === cli.size && differ === 0, `${differ} of ${cli.size} test picks differ from vlrb train's`);
        // The weights are built when asked (a round trip to the worker) and name the reference rows.
        const t1 = Date.now();
        const [weights] = await Promise.all([page.waitForEvent('download'), page.click('#sandbox-weights')]);
        const weightsFile = join(OUT, 'sandbox-knn-demo.weights.json');
        await weights.saveAs(weightsFile);
        const weightsMs = Date.now() - t1;
        const size = statSync(weightsFile).size;
        const w = JSON.parse(readFileSync(weightsFile, 'utf8'));
        assert(w.format === 'vlrb-sandbox-weights/2' && w.router === 'knn' && w.features === 'concat', `weights header ${w.format} ${w.router} ${w.features}`);
        assert(w.model.kind === 'knn' && !('refs' in w.model), `weights model ${Object.keys(w.model)}`);
        const info = vlrb('info', bundle(demo));
        assert(w.model.references.sample_ids.length === w.model.labels.length
            && w.model.references.sample_ids.length <= info.splits.train, `${w.model.references.sample_ids.length} reference rows`);
        assert(size < 2 * 1024 * 1024, `the kNN weights file is ${size} bytes`);
        await shot(page, 'section.sandbox', 'sandbox-knn-demo.png');
        measure(`vlrb-demo: sandbox kNN (concat, CPU) ${wall} ms wall from Train to the row; weights file ${size} bytes built in ${weightsMs} ms`);
        await context.close();
    });

    const small = find('mathvista');
    await test(`sandbox: a worker crash mid-sweep on ${small.name} keeps the finished lambdas as rows equal to vlrb train's`, async () => {
        const context = await newContext(browser);
        const page = await openPage(context, url(small));
        await page.evaluate(() => localStorage.setItem('vlrb-test-worker-crash-after', '2'));
        await linearSweep(page);
        assert(!(await page.$('#sandbox-done')), 'the run ended normally: the crash hook did not fire');
        const message = await page.textContent('#sandbox-error');
        // The sweep's lambdas train in parallel workers, each crashing after 2 of its own: at least 2
        // and not all 6 lambdas finished, and exactly those are kept.
        const kept = /Kept (\d+) finished lambda\(s\) as rows: (.*)\.$/.exec(message.trim());
        assert(/failed/.test(message) && kept, `error: ${message}`);
        const keptNames = kept[2].split('; ');
        assert(Number(kept[1]) === keptNames.length && keptNames.length >= 2 && keptNames.length < 6, `kept: ${kept[0]}`);
        const expected = vlrb('train', bundle(small), '--router', 'linear', '--features', 'text', '--epochs', '2');
        const rows = await board(page);
        for (const p of expected.sweep) {
            const name = `linear text λ=${p.lambda} seed 42 (trained here, failed)`;
            if (keptNames.includes(name)) {
                const row = rowOf(rows, name);
                assert(row.kind === 'upload', `kept λ=${p.lambda} is ${row.kind}`);
                sameNumbers(row, p.test, `kept λ=${p.lambda}`);
            } else {
                assert(!rows.some((r) => r.entry.startsWith(`linear text λ=${p.lambda} `)), `λ=${p.lambda} was never finished but has a row`);
            }
        }
        // The kept rows are stored like uploads: a reload still shows them.
        await page.reload();
        await page.waitForSelector('main[data-state="ready"]');
        rowOf(await board(page), keptNames[0]);
        await shot(page, 'section.sandbox', 'sandbox-crash-kept.png');
        await context.close();
    });

    await test(`sandbox: after a reload a finished run's downloads remain (weights rebuilt from its settings, identical)`, async () => {
        const context = await newContext(browser);
        const page = await openPage(context, url(small));
        await linearSweep(page);
        assert(!(await page.$('#sandbox-error')), `the run failed: ${await page.textContent('#sandbox-error').catch(() => '')}`);
        const save = async (selector, file) => {
            const [d] = await Promise.all([page.waitForEvent('download', { timeout: 300000 }), page.click(selector)]);
            const path = join(OUT, file);
            await d.saveAs(path);
            return readFileSync(path, 'utf8');
        };
        const weights = await save('#sandbox-weights', 'stored-before.weights.json');
        const predictions = await save('#sandbox-download', 'stored-before.csv');
        await page.reload();
        await page.waitForSelector('main[data-state="ready"]');
        assert(!(await page.$('#sandbox-weights')), 'the last run\'s buttons survived the reload');
        await page.click('#sandbox-stored-runs summary');
        const item = '#sandbox-stored-runs li';
        assert((await page.$$(item)).length === 1, 'no stored run listed after the reload');
        const rebuilt = await save(`${item} .stored-weights`, 'stored-after.weights.json');
        const again = await save(`${item} .stored-predictions`, 'stored-after.csv');
        assert(rebuilt === weights, `the rebuilt weights differ (${rebuilt.length} vs ${weights.length} bytes)`);
        assert(again === predictions, 'the stored predictions differ');
        await context.close();
    });
});
