// Full-page screenshots, desktop and phone, light and dark (tests/e2e/screenshots/); the page never
// scrolls sideways.
//   node tests/e2e/screenshots.test.mjs

import { join } from 'node:path';
import { assert, openPage, SHOTS, suite, test } from './helpers.mjs';

await suite(import.meta.url, async ({ browser, index, base }) => {
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
});
