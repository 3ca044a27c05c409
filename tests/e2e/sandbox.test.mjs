// The router sandbox on the CPU: training in a Web Worker gives the same test picks as `vlrb train`
// (kNN, linear, MLP), and a linear λ sweep is drawn on the plot with its settings in the URL. Each
// check trains in a fresh browser context.
//   node tests/e2e/sandbox.test.mjs

import { join } from 'node:path';
import {
    assert, board, measure, newContext, openPage, OUT, rowOf, runEnded, sameNumbers, shot, startStallProbe,
    stopStallProbe, suite, test, vlrb,
} from './helpers.mjs';

await suite(import.meta.url, async ({ browser, bundle, find, url }) => {
    const sandboxBench = find('mathvista');
    for (const run of [
        { router: 'knn', lambda: null, epochs: '', args: [] },
        { router: 'linear', lambda: '100', epochs: '5', args: ['--lambda', '100', '--epochs', '5'] },
        { router: 'mlp', lambda: null, epochs: '2', args: ['--epochs', '2'] },
    ]) {
        await test(`sandbox: ${run.router} on ${sandboxBench.name} trains in a Web Worker; its row equals vlrb train`, async () => {
            const context = await newContext(browser);
            const page = await openPage(context, url(sandboxBench));
            await page.selectOption('#sandbox-router', run.router);
            await page.selectOption('#sandbox-backend-choice', 'cpu');
            await page.selectOption('#sandbox-features', 'text');
            if (run.lambda) await page.selectOption('#sandbox-lambda', run.lambda);
            // Routers without epochs (kNN) have the field disabled.
            const epochsEnabled = await page.isEnabled('#sandbox-epochs');
            assert(epochsEnabled === (run.router !== 'knn'), `max epochs enabled=${epochsEnabled} for ${run.router}`);
            if (epochsEnabled) await page.fill('#sandbox-epochs', run.epochs);
            await startStallProbe(page);
            const t0 = Date.now();
            await page.click('#sandbox-train');
            await page.waitForSelector('#sandbox-done, #sandbox-error', { timeout: 300000 });
            const wall = Date.now() - t0;
            const maxGap = await stopStallProbe(page);
            const { done } = await runEnded(page, run.router);
            const expected = vlrb('train', bundle(sandboxBench), '--router', run.router, '--features', 'text', '--seed', '42', ...run.args);
            const lambda = expected.lambda === null ? '-' : String(expected.lambda);
            const name = `${run.router} text λ=${lambda} seed 42 (trained here)`;
            const row = rowOf(await board(page), name);
            assert(row.kind === 'upload', `${name} is ${row.kind}`);
            sameNumbers(row, expected, `sandbox ${run.router}`);
            // The exported test predictions score to the same row under `vlrb eval`.
            const [download] = await Promise.all([page.waitForEvent('download'), page.click('#sandbox-download')]);
            const exported = join(OUT, `sandbox-${run.router}.csv`);
            await download.saveAs(exported);
            sameNumbers(row, vlrb('eval', bundle(sandboxBench), exported), `sandbox ${run.router} export`);
            const lines = await page.$$eval('#sandbox-chart polyline', (l) => l.length);
            assert(lines >= 1, 'the progress chart has no line');
            await shot(page, 'section.sandbox', `sandbox-${run.router}.png`);
            measure(`${sandboxBench.name}: sandbox ${run.router} (${run.args.join(' ') || 'protocol settings'}) trained in the worker in ${wall} ms wall; longest main-thread stall ${maxGap.toFixed(0)} ms; ${done.trim()}`);
            assert(maxGap < 1000, `the page froze for ${maxGap.toFixed(0)} ms while training`);
            await context.close();
        });
    }

    // A lambda sweep draws the router's trade-off on the plot, each lambda scored like any row, and
    // the run's settings go into the URL (a link pre-fills the sandbox).
    await test(`sandbox: a linear λ sweep on ${sandboxBench.name} is drawn on the plot, equal to vlrb train per λ; settings in the URL`, async () => {
        const context = await newContext(browser);
        const page = await openPage(context, url(sandboxBench));
        await page.selectOption('#sandbox-router', 'linear');
        await page.selectOption('#sandbox-backend-choice', 'cpu');
        await page.selectOption('#sandbox-features', 'text');
        await page.fill('#sandbox-epochs', '3');
        // One Train button, labelled by the lambda mode (sweep is the default); the slider is off.
        assert(/λ grid/.test(await page.textContent('#sandbox-train')), `Train says ${await page.textContent('#sandbox-train')}`);
        assert(await page.isDisabled('#sandbox-lambda-slider'), 'the λ slider is live in sweep mode');
        assert(!(await page.isVisible('#sandbox-sweep')), 'a second sweep button shows in sweep mode');
        await page.click('#sandbox-train');
        const { added } = await runEnded(page, 'linear sweep');
        const expected = vlrb('train', bundle(sandboxBench), '--router', 'linear', '--features', 'text', '--epochs', '3');
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
        // The new row's name is in the message (a same-named row from an earlier run would get a suffix).
        assert(added && added.startsWith(`linear text λ=${expected.lambda} seed 42 (trained here)`), `new row ${added}`);
        sameNumbers(rowOf(await board(page), added), expected, 'sandbox sweep');
        const link = new URL(page.url());
        assert(link.searchParams.get('router') === 'linear' && link.searchParams.get('lambda') === 'sweep' && link.searchParams.get('epochs') === '3',
            `the URL lacks the run's settings: ${link.search}`);
        await shot(page, 'section.plot', 'sandbox-sweep-plot.png');
        const linked = await openPage(context, link.toString());
        const form = await linked.evaluate(() => ['router', 'features', 'lambda', 'epochs', 'backend-choice']
            .map((id) => document.querySelector(`#sandbox-${id}`).value));
        assert(JSON.stringify(form) === JSON.stringify(['linear', 'text', 'sweep', '3', 'cpu']), `the link pre-filled ${form}`);
        await context.close();
    });
});
