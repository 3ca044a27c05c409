// A corrupt bundle and an unknown benchmark are shown plainly (no board).
//   node tests/e2e/errors.test.mjs

import { readFileSync } from 'node:fs';
import { assert, newContext, openPage, suite, test } from './helpers.mjs';

await suite(import.meta.url, async ({ browser, bundle, index, url }) => {
    await test('integrity errors and unknown benchmarks are shown plainly', async () => {
        const bench = index[0];
        const bytes = Buffer.from(readFileSync(bundle(bench)));
        bytes[bytes.length - 10] ^= 0xff;
        // Not openPage: these pages log their failed loads as console errors on purpose.
        const context = await newContext(browser);
        const page = await context.newPage();
        await page.route(`**/bundles/${bench.file}`, (route) => route.fulfill({ status: 200, body: bytes, contentType: 'application/octet-stream' }));
        await page.goto(url(bench));
        await page.waitForSelector('main[data-state="failed"]', { timeout: 60000 });
        const text = await page.textContent('#load-error');
        assert(/checksum mismatch/.test(text), `corrupt bundle message: ${text}`);
        assert(!(await page.$('#leaderboard')), 'a board was shown for a corrupt bundle');
        await page.goto(url({ name: 'no-such-benchmark' }));
        await page.waitForSelector('main[data-state="failed"]', { timeout: 60000 });
        const unknown = await page.textContent('#load-error');
        assert(unknown.includes('no-such-benchmark') && unknown.includes(bench.name), `unknown bench message: ${unknown}`);
        await context.close();
    });

    await test('a link with a bad sort says so and sorts by Rank Score; a one-dataset benchmark says "1 dataset"', async () => {
        const context = await newContext(browser);
        const page = await openPage(context, `${url(index.find((b) => b.name === 'math-v'))}&sort=bogus`);
        const note = await page.textContent('#url-note');
        assert(note.includes('sort=bogus is not a column') && note.includes('Rank Score'), `url note: ${note}`);
        const sorted = await page.$eval('button.sort[data-sort="rank_score"]', (b) => b.closest('th').getAttribute('aria-sort'));
        assert(sorted === 'descending', `rank score aria-sort ${sorted}`);
        const facts = await page.textContent('section.provenance');
        assert(/x \d+ models, 1 dataset(?!s)/.test(facts) && !facts.includes('1 datasets'), `provenance: ${facts}`);
        await context.close();
    });
});
