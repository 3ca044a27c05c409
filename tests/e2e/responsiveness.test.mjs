// Per benchmark: the scoring time of a full-size upload (the site's own template), bootstrap
// intervals, sort and filter latency, and a 50 MB file that must not freeze the page.
//   node tests/e2e/responsiveness.test.mjs

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    assert, board, measure, newContext, openPage, OUT, startStallProbe, stopStallProbe, suite, test, uploadFiles,
    waitNotice,
} from './helpers.mjs';

await suite(import.meta.url, async ({ browser, index, url }) => {
    const context = await newContext(browser);
    for (const bench of index) {
        await test(`${bench.name}: template upload timing and a 50 MB file keeps the page responsive`, async () => {
            const page = await openPage(context, url(bench));
            const [tpl] = await Promise.all([page.waitForEvent('download'), page.click('#download-template')]);
            const tplPath = join(OUT, `full-${bench.name}.csv`);
            await tpl.saveAs(tplPath);
            const lines = readFileSync(tplPath, 'utf8').trimEnd().split('\n');
            const notice = await (async () => { await uploadFiles(page, [tplPath]); return waitNotice(page, `full-${bench.name}.csv`); })();
            assert(!notice.error, notice.text);
            const ms = /scored in ([0-9.]+) ms/.exec(notice.text)?.[1];
            measure(`${bench.name}: parse + resolve of a ${lines.length - 1}-row upload in the browser: ${ms} ms`);
            // Bootstrap intervals for every row (recomputed after the upload added one).
            await page.waitForFunction(() => /computed in/.test(document.querySelector('#interval-note')?.textContent ?? ''), null, { timeout: 60000 });
            const rowsNow = (await board(page)).length;
            const bootMs = /computed in ([0-9.]+) ms/.exec(await page.textContent('#interval-note'))[1];
            measure(`${bench.name}: 95% bootstrap intervals for all ${rowsNow} rows: ${bootMs} ms (in slices, page responsive)`);
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
            measure(`${bench.name}: sort ${sortMs.toFixed(0)} ms; filter to ${datasets[0]} ${filterMs.toFixed(0)} ms; clear filter ${clearMs.toFixed(0)} ms (input to next frame, ${rowsNow} rows)`);
            // 50 MB: the same rows with a padding column.
            const pad = 'x'.repeat(Math.max(1, Math.ceil(50e6 / (lines.length - 1)) - lines[1].length - 2));
            const big = [lines[0] + ',note', ...lines.slice(1).map((l) => `${l},${pad}`)].join('\n');
            const bigPath = join(OUT, `big-${bench.name}.csv`);
            writeFileSync(bigPath, big);
            await startStallProbe(page);
            const t0 = Date.now();
            await uploadFiles(page, [bigPath]);
            const bigNotice = await waitNotice(page, `big-${bench.name}.csv`);
            const wall = Date.now() - t0;
            const maxGap = await stopStallProbe(page);
            assert(!bigNotice.error, bigNotice.text);
            measure(`${bench.name}: ${(big.length / 1e6).toFixed(1)} MB upload accepted in ${wall} ms; longest main-thread stall ${maxGap.toFixed(0)} ms`);
            assert(maxGap < 2000, `the page froze for ${maxGap.toFixed(0)} ms`);
            await page.close();
        });
    }
    await context.close();
});
