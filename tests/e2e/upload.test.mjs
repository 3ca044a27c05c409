// Uploads on the fixture benchmark (tests/fixtures-official-tiny): good files score like `vlrb eval`,
// bad files are rejected naming the culprit, uploads persist, can be renamed, removed and dropped.
// Each check starts from a fresh browser context with its own uploads.
//   node tests/e2e/upload.test.mjs

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    assert, board, entryOf, FIXTURE, FIXTURE_NAME, fixtureWithUploads, GOOD_UPLOADS, ROOT, rowOf, sameNumbers, suite, test, uploadFiles,
    vlrb, waitNotice, waitReady,
} from './helpers.mjs';

await suite(import.meta.url, async (env) => {
    await test(`upload good files to ${FIXTURE_NAME}: rows equal vlrb eval`, async () => {
        const { context, page, bundlePath } = await fixtureWithUploads(env);
        const rows = await board(page);
        for (const f of GOOD_UPLOADS) {
            const entry = entryOf(f);
            const row = rowOf(rows, entry);
            assert(row.kind === 'upload', `${entry} is ${row.kind}`);
            sameNumbers(row, vlrb('eval', bundlePath, f), entry);
        }
        await context.close();
    });

    await test('bad files are rejected naming the culprit; the board is unchanged', async () => {
        const { context, page } = await fixtureWithUploads(env);
        const before = await board(page);
        const culprits = JSON.parse(readFileSync(join(FIXTURE, 'expected/bad_predictions.json'), 'utf8'));
        for (const [file, culprit] of Object.entries(culprits)) {
            await uploadFiles(page, [join(FIXTURE, 'predictions', file)]);
            const notice = await waitNotice(page, file);
            assert(notice.error, `${file} was accepted: ${notice.text}`);
            assert(notice.text.includes(culprit), `${file}: message "${notice.text}" does not name ${culprit}`);
            const rows = await board(page);
            assert(JSON.stringify(rows) === JSON.stringify(before), `${file} changed the board`);
        }
        await context.close();
    });

    await test('a file made for another benchmark is rejected naming that benchmark', async () => {
        const { context, page } = await fixtureWithUploads(env);
        const before = await board(page);
        const file = join(ROOT, 'references/math-v/knn-concat.csv');
        await uploadFiles(page, [file]);
        const notice = await waitNotice(page, 'knn-concat.csv');
        assert(notice.error && notice.text.includes("benchmark math-v's") && notice.text.includes('unknown sample id'), `notice: ${notice.text}`);
        assert(JSON.stringify(await board(page)) === JSON.stringify(before), 'the board changed');
        await context.close();
    });

    await test('uploads survive a reload', async () => {
        const { context, page, bundlePath } = await fixtureWithUploads(env);
        await page.reload();
        await waitReady(page);
        const rows = await board(page);
        for (const f of GOOD_UPLOADS) {
            const entry = entryOf(f);
            sameNumbers(rowOf(rows, entry), vlrb('eval', bundlePath, f), `${entry} after reload`);
        }
        await context.close();
    });

    await test('uploads can be renamed and removed', async () => {
        const { context, page } = await fixtureWithUploads(env);
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
        await context.close();
    });

    await test('drag and drop adds a row', async () => {
        const { context, page, bundlePath } = await fixtureWithUploads(env);
        const text = readFileSync(GOOD_UPLOADS[0], 'utf8');
        await page.evaluate((csv) => {
            const dt = new DataTransfer();
            dt.items.add(new File([csv], 'dropped.csv', { type: 'text/csv' }));
            document.querySelector('.dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        }, text);
        const notice = await waitNotice(page, 'dropped.csv');
        assert(!notice.error, notice.text);
        sameNumbers(rowOf(await board(page), 'dropped'), vlrb('eval', bundlePath, GOOD_UPLOADS[0]), 'dropped');
        await page.click('li[data-upload="dropped"] button.remove');
        await page.waitForSelector('tr[data-entry="dropped"]', { state: 'detached' });
        await context.close();
    });
});
