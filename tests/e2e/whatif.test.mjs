// What-if views: a model pool and price edits (from a link and from the editors) give exactly the
// rows of `vlrb baselines/eval --pool ... --prices ... --json`, a router using an excluded model is
// marked and not scored, the permalink reproduces the view after a reload, and the way back to the
// benchmark as published. Also measures the recompute of the whole demo board after a pool change.
//   node tests/e2e/whatif.test.mjs

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    assert, board, FIXTURE_NAME, measure, newContext, openPage, OUT, rowOf, runEnded, suite, test, uploadFiles, vlrb,
    waitNotice, waitReady,
} from './helpers.mjs';

const OPTIMALITY = ['optimal_selection', 'cost_vs_oracle', 'accuracy_vs_oracle'];
const BASELINES = ['Oracle', 'StrongestGlobal', 'CheapestGlobal', 'StrongestPerDataset', 'Random'];

/** The row shows exactly the CLI entry's accuracy, cost, Rank Score and optimality figures. */
function sameEntry(row, expected, what) {
    for (const m of ['accuracy', 'avg_cost', 'rank_score', ...OPTIMALITY]) {
        const shown = Number.parseFloat(row.cells[m]);
        assert(Object.is(shown, expected[m]), `${what}: ${m} shown ${row.cells[m]}, CLI says ${expected[m]}`);
    }
}

/** The bar's per-model counts of a row (model id -> samples). */
async function picksOf(page, entry) {
    return page.$$eval(`tr[data-entry="${entry}"] .dist .seg`, (segs) => Object.fromEntries(segs.map((s) => [s.dataset.model, Number(s.dataset.count)])));
}

await suite(import.meta.url, async (env) => {
    const mathv = env.find('math-v');
    const bundlePath = env.bundle(mathv);
    const info = vlrb('info', bundlePath);
    assert(info.tokens === true, 'math-v ships its token counts');
    // A pool of six models and two edited prices (one model of the pool, one outside it).
    const pool = info.models.slice(2, 8);
    const outside = info.models[0];
    const edits = [[pool[1], 0.125, 7.5], [outside, 0.5, 1]];
    const pricesCsv = join(OUT, 'whatif-prices.csv');
    writeFileSync(pricesCsv, `model,price_input_usd_per_mtok,price_output_usd_per_mtok\n${edits.map((e) => e.join(',')).join('\n')}\n`);
    const cliArgs = ['--pool', pool.join(','), '--prices', pricesCsv];
    const query = `&pool=${encodeURIComponent(pool.join(','))}&prices=${encodeURIComponent(edits.map((e) => e.join(':')).join(','))}`;

    await test('a what-if link equals vlrb baselines/eval --pool --prices; excluded routers are marked; reload keeps it', async () => {
        const context = await newContext(env.browser);
        const page = await openPage(context, env.url(mathv) + query);
        await page.waitForSelector('#whatif-banner');
        const banner = await page.textContent('#whatif-banner');
        assert(banner.includes(`6 of ${info.num_models} models`) && banner.includes('prices edited for 2 models'), `banner: ${banner}`);
        const expected = vlrb('baselines', bundlePath, ...cliArgs);
        let rows = await board(page);
        for (const name of BASELINES) sameEntry(rowOf(rows, name), expected[name], `${name} under the pool`);
        // Only the pool's single models are rows.
        const models = rows.filter((r) => r.kind === 'model').length;
        assert(models === pool.length, `${models} single-model rows, the pool has ${pool.length}`);
        // Routing distribution: the Oracle's bar equals the CLI's picks_per_model.
        const picks = await picksOf(page, 'Oracle');
        for (const [id, n] of Object.entries(expected.Oracle.picks_per_model)) {
            assert((picks[id] ?? 0) === n, `Oracle picks ${id}: bar ${picks[id]}, CLI ${n}`);
        }

        // Uploads: the template (every test sample) rewritten to alternate two pool models, and a
        // copy that sends every fifth sample to a model outside the pool.
        const [tpl] = await Promise.all([page.waitForEvent('download'), page.click('#download-template')]);
        const lines = readFileSync(await tpl.path(), 'utf8').trim().split('\n');
        const body = lines.slice(1).map((l) => l.split(',')[0]);
        const inPool = join(OUT, 'whatif_in_pool.csv');
        writeFileSync(inPool, `sample_id,model\n${body.map((id, i) => `${id},${pool[i % 2 === 0 ? 0 : 3]}`).join('\n')}\n`);
        const mixed = join(OUT, 'whatif_uses_excluded.csv');
        const excludedCount = body.filter((_, i) => i % 5 === 0).length;
        writeFileSync(mixed, `sample_id,model\n${body.map((id, i) => `${id},${i % 5 === 0 ? outside : pool[0]}`).join('\n')}\n`);
        await uploadFiles(page, [inPool, mixed]);
        for (const f of ['whatif_in_pool.csv', 'whatif_uses_excluded.csv']) {
            const notice = await waitNotice(page, f);
            assert(!notice.error, `${f} rejected: ${notice.text}`);
        }
        await page.waitForSelector('tr[data-entry="whatif_uses_excluded"][data-excluded]');
        rows = await board(page);
        sameEntry(rowOf(rows, 'whatif_in_pool'), vlrb('eval', bundlePath, inPool, ...cliArgs), 'in-pool upload');
        const marked = await page.$eval('tr[data-entry="whatif_uses_excluded"]', (tr) => ({ n: Number(tr.dataset.excluded), text: tr.textContent, metrics: tr.querySelectorAll('td[data-metric]').length }));
        assert(marked.n === excludedCount && marked.text.includes(`uses excluded models (${excludedCount} samples)`), `excluded row: ${JSON.stringify(marked)}`);
        assert(marked.metrics === 0, 'an excluded row shows no numbers');

        // The sandbox trains on the pool: its kNN row equals `vlrb train --pool --prices`.
        await page.selectOption('#sandbox-router', 'knn');
        await page.selectOption('#sandbox-backend-choice', 'cpu');
        await page.selectOption('#sandbox-features', 'text');
        assert((await page.textContent('#sandbox-pool-note')).includes(`6 of ${info.num_models} models`), 'no pool note in the sandbox');
        await page.click('#sandbox-train');
        const { added: entry } = await runEnded(page, 'knn on the pool');
        assert(entry && entry.includes('on a pool of 6'), `sandbox row name ${entry}`);
        const trained = vlrb('train', bundlePath, '--router', 'knn', '--features', 'text', '--seed', '42', ...cliArgs);
        sameEntry(rowOf(await board(page), entry), trained, 'sandbox kNN on the pool');
        rows = await board(page);

        // The permalink reproduces the view after a reload (uploads are kept in this browser).
        const link = page.url();
        assert(link.includes('pool=') && link.includes('prices='), `the URL lacks the what-if: ${link}`);
        await page.reload();
        await waitReady(page);
        await page.waitForSelector('tr[data-entry="whatif_uses_excluded"][data-excluded]');
        const again = await board(page);
        assert(JSON.stringify(again.map((r) => [r.entry, r.cells])) === JSON.stringify(rows.map((r) => [r.entry, r.cells])), 'the board differs after a reload');

        // One click back to the benchmark as published.
        await page.click('#whatif-back');
        await page.waitForSelector('#whatif-banner', { state: 'detached' });
        assert(!page.url().includes('pool='), `the URL still has the pool: ${page.url()}`);
        const published = vlrb('baselines', bundlePath);
        sameEntry(rowOf(await board(page), 'Oracle'), published.Oracle, 'Oracle as published');
        await context.close();
    });

    await test('the editors: a preset and a price edit give the CLI\'s rows; a bundle without tokens says why', async () => {
        const context = await newContext(env.browser);
        const page = await openPage(context, env.url(mathv));
        await page.click('#whatif summary');
        await page.fill('#cheapest-n', '4');
        await page.click('button[data-preset="cheapest"]');
        await page.waitForSelector('#whatif-banner');
        const chosen = await page.$$eval('input[data-pool-model]', (xs) => xs.filter((x) => x.checked).map((x) => x.dataset.poolModel));
        assert(chosen.length === 4, `the preset chose ${chosen.length} models`);
        // The 4 cheapest by mean cost, independently from the exported cost matrix is overkill here:
        // the CLI scores the same pool, and the URL names it.
        const inUrl = new URL(page.url()).searchParams.get('pool').split(',');
        assert(JSON.stringify(inUrl) === JSON.stringify(chosen), `URL pool ${inUrl} vs checked ${chosen}`);
        const edited = chosen[0];
        await page.fill(`input[data-price-in="${edited}"]`, '3');
        await page.press(`input[data-price-in="${edited}"]`, 'Enter');
        await page.waitForFunction(() => new URL(location.href).searchParams.has('prices'));
        const out = await page.$eval(`input[data-price-out="${edited}"]`, (x) => x.value);
        const pricesCsv2 = join(OUT, 'whatif-prices-2.csv');
        writeFileSync(pricesCsv2, `model,price_input_usd_per_mtok,price_output_usd_per_mtok\n${edited},3,${out}\n`);
        const expected = vlrb('baselines', bundlePath, '--pool', chosen.join(','), '--prices', pricesCsv2);
        const rows = await board(page);
        for (const name of BASELINES) sameEntry(rowOf(rows, name), expected[name], `${name} after the editors`);
        // Fewer than two models is refused with a message, and the pool stays.
        for (const id of chosen.slice(0, 3)) await page.uncheck(`input[data-pool-model="${id}"]`).catch(() => {});
        const note = await page.textContent('#whatif-note');
        assert(note.includes('at least 2 models'), `no message for a one-model pool: ${note}`);

        // The fixture bundle has no token counts: the price editor says why.
        const fixture = await openPage(context, env.url(env.find(FIXTURE_NAME)));
        await fixture.click('#whatif summary');
        const why = await fixture.textContent('#prices-unavailable');
        assert(why.includes('no token counts'), `fixture price note: ${why}`);
        await context.close();
    });

    await test('recomputing the whole demo board after a pool change (measured)', async () => {
        const context = await newContext(env.browser);
        const page = await openPage(context, env.url(env.find('vlrb-demo')));
        const times = [];
        for (const preset of ['without-dearest', 'all', 'cheapest', 'all']) {
            await page.click('#whatif summary').catch(() => {});
            const before = await page.$eval('main', (m) => m.dataset.boardMs);
            const t = await page.evaluate(async (p) => {
                const t0 = performance.now();
                document.querySelector(`button[data-preset="${p}"]`).click();
                await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
                return performance.now() - t0;
            }, preset);
            const after = await page.$eval('main', (m) => m.dataset.boardMs);
            assert(after !== undefined, 'main[data-board-ms] missing');
            times.push({ preset, click_to_paint_ms: t, compute_ms: Number(after), changed: before !== after });
        }
        measure(`demo board recompute after a pool change: ${times.map((x) => `${x.preset} compute ${x.compute_ms.toFixed(1)} ms / click-to-paint ${x.click_to_paint_ms.toFixed(1)} ms`).join('; ')}`);
        await context.close();
    });
});
