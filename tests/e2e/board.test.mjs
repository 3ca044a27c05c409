// The leaderboard's view on the fixture benchmark with two uploads: dataset filter (equal to
// `vlrb eval` per dataset), permalinks, keyboard use, exports and the template download. Each check
// starts from a fresh browser context with its own uploads.
//   node tests/e2e/board.test.mjs

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    assert, board, fixtureWithUploads, FIXTURE_NAME, GOOD_UPLOADS, OUT, openPage, rowOf, sameNumbers, suite, test, vlrb,
} from './helpers.mjs';

await suite(import.meta.url, async (env) => {
    await test('filtering by dataset recomputes with the global bounds (equals vlrb eval per_dataset)', async () => {
        const { context, page, bundlePath } = await fixtureWithUploads(env);
        const expected = vlrb('eval', bundlePath, GOOD_UPLOADS[0]);
        const ds = expected.per_dataset[0];
        await page.selectOption('#filter-dataset', ds.dataset);
        await page.waitForFunction((n) => document.querySelector('#subset').textContent.includes(`(${n} of`), ds.num_samples);
        sameNumbers(rowOf(await board(page), 'mixed_ids'), ds, `mixed_ids on ${ds.dataset}`);
        await page.selectOption('#filter-dataset', '');
        await context.close();
    });

    await test('a permalink reproduces the view (filter, sort, selection)', async () => {
        const { context, page } = await fixtureWithUploads(env);
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
        await context.close();
    });

    await test('keyboard: sort with Enter, select with Space', async () => {
        const { context, page } = await fixtureWithUploads(env);
        await page.focus('button.sort[data-sort="name"]');
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => new URL(location.href).searchParams.get('sort') === 'name');
        const names = (await board(page)).map((r) => r.entry.toLowerCase());
        assert(names.every((n, i) => i === 0 || names[i - 1] <= n), `not sorted by name: ${names.join(', ')}`);
        await page.focus('tr[data-entry="Oracle"] input[type="checkbox"]');
        await page.keyboard.press('Space');
        await page.waitForSelector('[data-breakdown="Oracle"]');
        // The rows are written again on a re-sort (one markup string): the selection and the
        // focused checkbox follow the Oracle's row to its new place (a script's click() sorts
        // without moving the focus).
        const before = (await board(page)).findIndex((r) => r.entry === 'Oracle');
        await page.evaluate(() => document.querySelector('button.sort[data-sort="name"]').click());
        await page.waitForSelector('th[aria-sort="descending"] button.sort[data-sort="name"]');
        const after = (await board(page)).findIndex((r) => r.entry === 'Oracle');
        assert(after !== before, `the re-sort did not move the Oracle's row (${before} -> ${after})`);
        const focused = await page.evaluate(() => {
            const el = document.activeElement;
            return { entry: el?.closest('tr')?.dataset.entry, checkbox: el?.type === 'checkbox', checked: el?.checked, rowSelected: el?.closest('tr')?.classList.contains('selected') };
        });
        assert(focused.entry === 'Oracle' && focused.checkbox && focused.checked && focused.rowSelected, `after the re-sort: ${JSON.stringify(focused)}`);
        // Unselecting from the keyboard updates the row in place.
        await page.keyboard.press('Space');
        await page.waitForSelector('[data-breakdown="Oracle"]', { state: 'detached' });
        assert(!(await page.$eval('tr[data-entry="Oracle"]', (tr) => tr.classList.contains('selected') || tr.querySelector('input').checked)), 'Oracle still marked selected');
        await context.close();
    });

    await test('exports (CSV, JSON) and the template download', async () => {
        const { context, page, bundlePath } = await fixtureWithUploads(env);
        const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
        const csvText = readFileSync(await csv.path(), 'utf8');
        assert(csvText.includes('\nOracle,baseline,') && csvText.includes('# bundle sha256: '), 'CSV export lacks rows or provenance');
        const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
        const doc = JSON.parse(readFileSync(await json.path(), 'utf8'));
        const oracle = doc.rows.find((r) => r.entry === 'Oracle');
        const expected = vlrb('baselines', bundlePath).Oracle;
        assert(oracle && oracle.accuracy === expected.accuracy && oracle.avg_cost === expected.avg_cost, 'JSON export Oracle differs');
        const [tpl] = await Promise.all([page.waitForEvent('download'), page.click('#download-template')]);
        const tplPath = join(OUT, `template-${FIXTURE_NAME}.csv`);
        await tpl.saveAs(tplPath);
        vlrb('eval', bundlePath, tplPath);
        await context.close();
    });
});
