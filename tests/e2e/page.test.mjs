// The page as a researcher meets it (issue 16): the plot's markers match the legend and every
// label sits beside its own marker (light and dark, desktop and phone), tooltips, the Oracle
// toggle; the header's links are served; the metrics panel explains Rank Score and the demo's
// Oracle; an unknown benchmark is not shown as the demo; invalid sandbox fields are marked.
//   node tests/e2e/page.test.mjs

import { assert, measure, newContext, openPage, shot, suite, test } from './helpers.mjs';

/** For each labelled point: its label's box and the distances to every marker (SVG units). */
async function labelPlacement(page) {
    return page.$$eval('#pareto-plot svg', ([svg]) => {
        const tips = [...svg.querySelectorAll('circle.tip')].map((c) => ({
            name: c.dataset.name, x: Number(c.getAttribute('cx')), y: Number(c.getAttribute('cy')) }));
        const names = new Set(tips.map((t) => t.name));
        const out = [];
        for (const text of svg.querySelectorAll('text')) {
            const label = text.textContent.trim().replace(/ \(upper bound\)$/, '');
            if (!names.has(label)) continue;
            const b = text.getBBox();
            const dist = (t) => Math.hypot(Math.max(b.x - t.x, 0, t.x - (b.x + b.width)), Math.max(b.y - t.y, 0, t.y - (b.y + b.height)));
            const mine = tips.filter((t) => t.name === label);
            const own = Math.min(...mine.map(dist));
            // Points drawn at the very same place (CheapestGlobal is the cheapest model's routing)
            // share their neighbourhood; every other marker must be farther from the label.
            const elsewhere = (t) => mine.every((m) => Math.hypot(m.x - t.x, m.y - t.y) > 0.5);
            const nearestOther = tips.filter((t) => t.name !== label && elsewhere(t)).reduce((best, t) => {
                const d = dist(t);
                return d < best.d ? { name: t.name, d } : best;
            }, { name: null, d: Infinity });
            out.push({ label, own, nearestOther });
        }
        return { tips: tips.length, labels: out };
    });
}

/** The legend's glyph colour per kind, and whether the plot uses it (and no marker is filled with the text colour). */
async function legendColours(page) {
    return page.evaluate(() => {
        const plot = document.querySelector('#pareto-plot svg');
        const svg = plot.outerHTML.toUpperCase();
        // Marker shapes (text is drawn in the theme's text colour on purpose).
        const textFilled = [...plot.querySelectorAll('polygon, circle, rect')]
            .filter((e) => (e.getAttribute('fill') ?? '').toLowerCase() === 'currentcolor')
            .map((e) => e.outerHTML.slice(0, 120));
        const hex = (rgb) => `#${rgb.match(/\d+/g).slice(0, 3).map((n) => Number(n).toString(16).padStart(2, '0')).join('')}`.toUpperCase();
        const kinds = [...document.querySelectorAll('.legend .glyph')].filter((g) => !g.classList.contains('line') && !g.classList.contains('sweep'));
        return {
            used: kinds.map((g) => ({ kind: g.className, colour: hex(getComputedStyle(g).color) })).map((k) => ({ ...k, inPlot: svg.includes(k.colour) })),
            filledWithText: textFilled,
        };
    });
}

await suite(import.meta.url, async ({ browser, base, find, url }) => {
    const demo = find('vlrb-demo');
    for (const [width, height] of [[1440, 900], [390, 844]]) {
        for (const scheme of ['light', 'dark']) {
            await test(`plot ${width}x${height} ${scheme}: markers in the legend's colours, each label nearest its own marker, a tooltip per point`, async () => {
                const context = await newContext(browser, { viewport: { width, height }, colorScheme: scheme });
                const page = await openPage(context, url(demo));
                // Select a model row so a selected point is labelled too.
                await page.check('#leaderboard tbody tr[data-kind="model"] input[type="checkbox"]');
                const colours = await legendColours(page);
                assert(colours.filledWithText.length === 0, `markers filled with the theme text colour: ${colours.filledWithText.join(' | ')}`);
                // Kinds present on the demo board: baseline, model, reference.
                for (const k of colours.used.filter((c) => /baseline|model|reference/.test(c.kind))) {
                    assert(k.inPlot, `${k.kind} ${k.colour} is not used in the plot`);
                }
                const { tips, labels } = await labelPlacement(page);
                const rows = await page.$$eval('#leaderboard tbody tr[data-entry]', (r) => r.length);
                assert(tips === rows, `${tips} tooltips for ${rows} rows`);
                assert(labels.length >= 3, `${labels.length} labels`);
                for (const l of labels) {
                    assert(l.own < l.nearestOther.d, `label "${l.label}" is ${l.own.toFixed(1)} from its marker but ${l.nearestOther.d.toFixed(1)} from ${l.nearestOther.name}`);
                }
                await page.screenshot({ path: `tests/e2e/screenshots/page-${width}x${height}-${scheme}.png`, fullPage: false });
                await shot(page, 'section.plot', `plot-${width}-${scheme}.png`);
                measure(`plot ${width}x${height} ${scheme}: ${labels.length} labels of ${tips} points, all nearest their own marker`);
                await context.close();
            });
        }
    }

    await test('plot: hiding the Oracle refits the accuracy axis; zoom to the frontier keeps the frontier', async () => {
        const context = await newContext(browser);
        const page = await openPage(context, url(find('math-v')));
        const oracleShown = await page.$$eval('#pareto-plot circle.tip[data-name="Oracle"]', (c) => c.length);
        assert(oracleShown === 1, 'the Oracle is not plotted by default');
        await page.uncheck('#plot-oracle');
        await page.waitForFunction(() => !document.querySelector('#pareto-plot circle.tip[data-name="Oracle"]'));
        const ticks = await page.$$eval('#pareto-plot svg text', (t) => t.map((x) => x.textContent).filter((x) => /^\d+$/.test(x)).map(Number));
        assert(Math.max(...ticks) < 60, `the accuracy axis still reaches ${Math.max(...ticks)} without the Oracle`);
        await page.check('#plot-zoom');
        const frontier = await page.$$eval('#plot-data tbody tr', (r) => r.filter((tr) => tr.lastElementChild.textContent === 'yes').map((tr) => tr.querySelector('th').textContent));
        const shown = await page.$$eval('#pareto-plot circle.tip', (c) => c.map((x) => x.dataset.name));
        for (const f of frontier) assert(shown.includes(f), `frontier point ${f} is off the zoomed view`);
        await shot(page, 'section.plot', 'plot-math-v-zoomed.png');
        await context.close();
    });

    await test('header: paper, protocol, how to submit links; the protocol and submission guide are served', async () => {
        const context = await newContext(browser);
        const page = await openPage(context, url(demo));
        assert(await page.getAttribute('#link-paper', 'href') === 'https://arxiv.org/abs/2512.23562', 'paper link');
        for (const id of ['#link-protocol', '#link-submit']) {
            const href = await page.getAttribute(id, 'href');
            const response = await page.request.get(new URL(href, base).toString());
            assert(response.ok(), `${id} ${href}: HTTP ${response.status()}`);
            assert((await response.text()).length > 500, `${id} ${href} is nearly empty`);
        }
        await context.close();
    });

    await test('metrics panel: Rank Score formula with beta and the bounds; the demo Oracle explained against the paper', async () => {
        const context = await newContext(browser);
        const page = await openPage(context, url(demo));
        await page.click('#metrics-panel summary');
        const text = await page.textContent('#metrics-panel');
        assert(/β = 0\.1/.test(text), 'no beta');
        assert(/cmin = \$/.test(text) && /cmax = \$/.test(text), 'no bounds');
        const oracleRow = await page.$eval('#leaderboard tr[data-entry="Oracle"] td[data-metric="rank_score"]', (td) => Number(td.dataset.value));
        const note = await page.textContent('#metrics-oracle-note');
        assert(note.includes((100 * oracleRow).toFixed(2)) && note.includes('93.68') && /synthetic/.test(note), `note: ${note}`);
        await shot(page, 'header.top', 'metrics-panel.png');
        await context.close();
    });

    await test('an unknown ?bench= is shown as such in the picker, not as the demo', async () => {
        const context = await newContext(browser);
        const page = await context.newPage();
        await page.goto(`${base}?bench=nope`);
        await page.waitForSelector('main[data-state="failed"]', { timeout: 60000 });
        const shown = await page.$eval('#bench', (s) => s.options[s.selectedIndex].textContent);
        assert(/nope \(no such benchmark\)/.test(shown), `the picker shows ${shown}`);
        await context.close();
    });

    await test('sandbox: an invalid field is marked aria-invalid with its message beside it', async () => {
        const context = await newContext(browser);
        const page = await openPage(context, url(find('mathvista')));
        await page.fill('#sandbox-seed', '-4');
        await page.click('#sandbox-train');
        await page.waitForSelector('#sandbox-seed[aria-invalid="true"]');
        const message = await page.textContent('#sandbox-seed-error');
        assert(/seed -4/.test(message), `message ${message}`);
        assert(!(await page.$('#sandbox-epochs[aria-invalid="true"]')), 'a valid field is marked');
        await context.close();
    });
});
