// A corrupt bundle and an unknown benchmark are shown plainly (no board).
//   node tests/e2e/errors.test.mjs

import { readFileSync } from 'node:fs';
import { assert, newContext, suite, test } from './helpers.mjs';

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
});
