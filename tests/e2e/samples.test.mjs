// The per-sample explorer (#samples) on the demo bundle (30,540 samples x 17 models): its
// correctness and cost cells for 100 random test samples equal `vlrb export`'s data/matrices/Y.npz
// and C.npy (read with numpy), the none/every-model-correct counts equal numpy's, the "first
// selected row wrong, another right" filter equals a plain computation over two reference routers'
// picks (CSV files written by `vlrb train`), a row opens whole by click and by keyboard, and the
// section is not built before it is opened. Measures the filter time (input to painted) and frame
// times while scrolling; screenshots at 1280 px and 390 px.
//   node tests/e2e/samples.test.mjs        (SAMPLES_SEED=n repeats a draw)

import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assert, log, measure, newContext, openPage, OUT, shot, suite, test, VLRB, vlrb } from './helpers.mjs';

/** Reads the export with numpy: 100 random test samples' Y and C rows, counts, the expected ids. */
const NUMPY = `
import json, sys
import numpy as np, pandas as pd
out, seed, first_csv, other_csv = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
Y = np.load(f"{out}/data/matrices/Y.npz")["Y"]
C = np.load(f"{out}/data/matrices/C.npy")
assert C.dtype == np.float32
meta = pd.read_parquet(f"{out}/data/registry/meta.parquet")
models = open(f"{out}/data/registry/models.txt").read().split()
ids = list(meta["sample_id"])
test = np.flatnonzero(meta["split"].to_numpy() == "test")
row = {s: i for i, s in enumerate(ids)}
col = {m: j for j, m in enumerate(models)}
def picks(path):
    p = pd.read_csv(path)
    return {row[s]: col[m] for s, m in zip(p["sample_id"], p["model"])}
a, b = picks(first_csv), picks(other_csv)
wrong_right = [ids[i] for i in test if Y[i, a[i]] == 0 and Y[i, b[i]] == 1]
right = Y[test].sum(axis=1)
chosen = np.random.default_rng(seed).choice(test, 100, replace=False)
print(json.dumps({
    "models": models,
    "test_ids": [ids[i] for i in test],
    "none_correct": int((right == 0).sum()),
    "all_correct": int((right == Y.shape[1]).sum()),
    "wrong_right": wrong_right,
    "samples": [{"id": ids[i], "y": [int(v) for v in Y[i]], "c": [float(v) for v in C[i]]} for i in chosen],
}))
`;

/**
 * Sets a control's value and gives the ms from the input event to the painted frame that shows
 * the new listing: the count changes (a mutation), then the frame's requestAnimationFrame and the
 * task after its paint.
 */
async function timed(page, selector, value, event) {
    return page.evaluate(async ({ selector, value, event }) => {
        const count = document.querySelector('#samples-count');
        const before = count.dataset.count + count.dataset.ms;
        const changed = new Promise((done) => new MutationObserver((_, o) => {
            if (count.dataset.count + count.dataset.ms !== before) { o.disconnect(); done(true); }
        }).observe(count, { attributes: true }));
        const t0 = performance.now();
        const control = document.querySelector(selector);
        control.value = value;
        control.dispatchEvent(new Event(event, { bubbles: true }));
        const ok = await Promise.race([changed, new Promise((done) => setTimeout(() => done(false), 10000))]);
        if (!ok) throw new Error(`${selector} = "${value}" did not change the listing`);
        await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
        return performance.now() - t0;
    }, { selector, value, event });
}

/** Searches each id in turn and reads its row: the number of rows listed, the model cells, the Oracle pick. */
async function searchEach(page, ids) {
    return page.evaluate(async (ids) => {
        const input = document.querySelector('#samples-search');
        const out = [];
        for (const id of ids) {
            input.value = id;
            input.dispatchEvent(new Event('input', { bubbles: true }));
            let tr;
            for (let t = 0; t < 200 && !(tr = document.querySelector(`#samples-table tr[data-sample-id="${id}"]`)); t++) {
                await new Promise((done) => requestAnimationFrame(done));
            }
            out.push({
                id,
                rows: document.querySelectorAll('#samples-table tr[data-sample-id]').length,
                oracle: tr?.querySelector('td[data-pick="Oracle"]')?.dataset.picked,
                cells: tr ? [...tr.querySelectorAll('td[data-model]')].map((td) => ({
                    model: td.dataset.model, correct: td.dataset.correct, cost: td.dataset.cost, excluded: td.classList.contains('excluded'),
                })) : null,
            });
        }
        return out;
    }, ids);
}

/** The shown cells equal the export's Y and C rows of each sample. */
function sameCells(shown, samples, models) {
    let checked = 0;
    for (const [k, s] of samples.entries()) {
        const got = shown[k];
        assert(got.cells, `${s.id}: no row after searching its id`);
        assert(got.rows === 1, `${s.id}: searching its id lists ${got.rows} rows`);
        assert(got.cells.length === models.length, `${s.id}: ${got.cells.length} model cells`);
        for (const [j, cell] of got.cells.entries()) {
            assert(cell.model === models[j], `${s.id}: column ${j} is ${cell.model}, export says ${models[j]}`);
            assert(cell.correct === String(s.y[j]), `${s.id} ${cell.model}: correct ${cell.correct}, Y ${s.y[j]}`);
            // The shown cost is the f32 printed shortest: as a float32 it is C's value exactly.
            assert(Math.fround(Number(cell.cost)) === s.c[j], `${s.id} ${cell.model}: cost ${cell.cost}, C ${s.c[j]}`);
            checked++;
        }
    }
    return checked;
}

/** Each sample's Oracle pick equals `vlrb baselines --json ARGS`' (a column per test sample). */
function sameOracle(shown, testIndex, models, args) {
    const picks = vlrb('baselines', ...args).Oracle.picks;
    for (const got of shown) {
        const expected = models[picks[testIndex.get(got.id)]];
        assert(got.oracle === expected, `${got.id}: Oracle pick ${got.oracle}, vlrb baselines ${args.slice(1).join(' ')}: ${expected}`);
    }
}

const countOf = (page) => page.$eval('#samples-count', (p) => Number(p.dataset.count));
const renderedIds = (page) => page.$$eval('#samples-table tr[data-sample-id]', (trs) => trs.map((tr) => tr.dataset.sampleId));

await suite(import.meta.url, async (env) => {
    const demo = env.find('vlrb-demo');
    const refs = env.submissions.filter((s) => s.bench === demo.name && s.kind === 'reference');
    assert(refs.length >= 2, `two reference routers of ${demo.name} are served (${refs.length})`);
    const [first, other] = refs;
    const exported = join(OUT, 'samples-export');
    rmSync(exported, { recursive: true, force: true });
    execFileSync(VLRB, ['export', env.bundle(demo), '--out', exported], { stdio: ['ignore', 'ignore', 'inherit'] });
    const seed = Number(process.env.SAMPLES_SEED ?? Date.now() % 1000000);
    log(`random test samples drawn with seed ${seed} (SAMPLES_SEED=${seed} repeats it)`);
    const np = JSON.parse(execFileSync('python3', ['-c', NUMPY, exported, String(seed), join(env.site, first.file), join(env.site, other.file)],
        { encoding: 'utf8', maxBuffer: 1 << 26 }));
    rmSync(exported, { recursive: true, force: true });

    const context = await newContext(env.browser);
    const query = [first, other].map((r) => `&sel=${encodeURIComponent(r.meta.name)}`).join('');
    const page = await openPage(context, env.url(demo) + query);

    await test('the explorer is built only when opened; it lists the test split by default', async () => {
        assert(await page.$('#samples:not([open])'), '#samples starts closed');
        assert(!(await page.$('#samples-table')), 'no table before the section is opened');
        const openMs = await page.evaluate(async () => {
            const t0 = performance.now();
            document.querySelector('#samples > summary').click();
            while (!document.querySelector('#samples-table tr[data-sample-id]')) {
                if (performance.now() - t0 > 20000) throw new Error('no rows 20 s after opening');
                await new Promise((done) => requestAnimationFrame(done));
            }
            await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
            return performance.now() - t0;
        });
        measure(`explorer: opening the section to its first painted rows (built then: right counts and search text of 30,540 samples) ${openMs.toFixed(0)} ms`);
        assert(await countOf(page) === np.test_ids.length, `count ${await countOf(page)}, test split ${np.test_ids.length}`);
        assert((await page.textContent('#samples-count')).trim() === `${np.test_ids.length} samples`, 'count text');
        assert(await page.$('#samples-no-text'), 'the demo has no question text and says so');
        const split = await page.$eval('#samples-split', (s) => s.value);
        assert(split === 'test', `split selector starts at ${split}`);
    });

    const testIndex = new Map(np.test_ids.map((id, k) => [id, k]));
    await test('100 random test samples: every model cell equals Y.npz and C.npy, the Oracle pick vlrb baselines\'', async () => {
        const shown = await searchEach(page, np.samples.map((s) => s.id));
        const checked = sameCells(shown, np.samples, np.models);
        sameOracle(shown, testIndex, np.models, [env.bundle(demo)]);
        measure(`explorer: ${checked} cells of 100 random test samples equal Y.npz and C.npy (seed ${seed})`);
        await timed(page, '#samples-search', '', 'input');
    });

    await test('filters equal numpy: none correct, every model correct, first selected wrong where another is right', async () => {
        const times = [];
        times.push(['none correct', await timed(page, '#samples-filter', 'none-correct', 'change')]);
        assert(await countOf(page) === np.none_correct, `none correct: ${await countOf(page)}, numpy ${np.none_correct}`);
        times.push(['every model correct', await timed(page, '#samples-filter', 'all-correct', 'change')]);
        assert(await countOf(page) === np.all_correct, `all correct: ${await countOf(page)}, numpy ${np.all_correct}`);
        times.push([`${first.meta.name} wrong, ${other.meta.name} right`, await timed(page, '#samples-filter', 'selected-wrong', 'change')]);
        assert(await countOf(page) === np.wrong_right.length, `selected wrong: ${await countOf(page)}, plain ${np.wrong_right.length}`);
        const ids = await renderedIds(page);
        assert(ids.length > 0 && ids.every((id, k) => id === np.wrong_right[k]), `the first rows ${ids.slice(0, 3)} are not the expected ${np.wrong_right.slice(0, 3)}`);
        // Each listed row shows the first router wrong and the other right.
        const picks = await page.$$eval('#samples-table tr[data-sample-id]', (trs, names) => trs.map((tr) => names.map((n) => tr.querySelector(`td[data-pick="${n}"]`)?.classList.contains('right'))), [first.meta.name, other.meta.name]);
        assert(picks.every(([a, b]) => a === false && b === true), 'pick cells: first wrong, other right');
        times.push(['all samples of the test split', await timed(page, '#samples-filter', 'all', 'change')]);
        assert(await countOf(page) === np.test_ids.length, 'every test sample again');
        times.push(['every split', await timed(page, '#samples-split', 'all', 'change')]);
        assert(await countOf(page) === 30540, `all splits: ${await countOf(page)}`);
        times.push(['search "MathVista"', await timed(page, '#samples-search', 'MathVista', 'input')]);
        times.push(['test split', await timed(page, '#samples-split', 'test', 'change')]);
        times.push(['clear the search', await timed(page, '#samples-search', '', 'input')]);
        const computeMs = await page.$eval('#samples-count', (p) => Number(p.dataset.ms));
        measure(`explorer filters, input to painted frame (30,540 x 17): ${times.map(([w, ms]) => `${w} ${ms.toFixed(0)} ms`).join('; ')}; selecting the test split took ${computeMs.toFixed(1)} ms of it`);
        assert(await countOf(page) === np.test_ids.length, 'back to the test split');
    });

    await test('scrolling: the rows at a position are the test split in order; frame times', async () => {
        const result = await page.evaluate(async (expected) => {
            const box = document.querySelector('.samples-scroll');
            const frame = () => new Promise((done) => requestAnimationFrame(done));
            const at = async (k) => { box.scrollTop = k * 30; await frame(); await frame(); return document.querySelector(`#samples-table tr[data-sample-id="${expected[k]}"]`) !== null; };
            const positions = [0, 1234, 4000, expected.length - 1];
            const found = [];
            for (const k of positions) found.push(await at(k));
            box.scrollTop = 0;
            await frame();
            // Frame times: the page idle, then scrolling about three screens a second, a step a frame.
            const frames = async (step) => {
                const gaps = [];
                let last = performance.now();
                for (let f = 0; f < 180; f++) {
                    box.scrollTop += step;
                    await frame();
                    const t = performance.now();
                    gaps.push(t - last);
                    last = t;
                }
                return gaps.sort((a, b) => a - b);
            };
            const idle = await frames(0);
            const gaps = await frames(48);
            return { found, positions, height: box.scrollHeight, idle, gaps };
        }, np.test_ids);
        assert(result.found.every(Boolean), `rows at ${result.positions} present: ${result.found}`);
        assert(Math.abs(result.height - 30 * (np.test_ids.length + 1)) <= 2, `scroll height ${result.height} for ${np.test_ids.length} rows`);
        const stats = (g) => {
            const at = (p) => g[Math.min(g.length - 1, Math.floor(p * g.length))].toFixed(1);
            return `median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${g[g.length - 1].toFixed(1)} ms`;
        };
        measure(`explorer scrolling (test split, 48 px a frame, 180 frames): frame time ${stats(result.gaps)}; the same page idle: ${stats(result.idle)}`);
    });

    await test('a row opens whole by click and by keyboard', async () => {
        const s = np.samples[0];
        await page.fill('#samples-search', s.id);
        await page.click(`#samples-table tr[data-sample-id="${s.id}"]`);
        await page.waitForSelector(`#sample-detail[data-sample-id="${s.id}"]`);
        const rows = await page.$$eval('#sample-detail tr[data-model]', (trs) => trs.map((tr) => [tr.dataset.model, tr.dataset.correct, tr.dataset.cost]));
        assert(rows.length === np.models.length, `${rows.length} model rows in the detail`);
        for (const [j, [model, correct, cost]] of rows.entries()) {
            assert(model === np.models[j] && correct === String(s.y[j]) && Math.fround(Number(cost)) === s.c[j], `detail ${model}: ${correct} ${cost}`);
        }
        assert(await page.$(`#sample-detail li[data-pick="Oracle"]`), 'the detail lists the Oracle pick');
        await page.click('#sample-detail-close');
        assert(!(await page.$('#sample-detail')), 'closed');
        const t = np.samples[1];
        await page.fill('#samples-search', t.id);
        await page.focus(`#samples-table tr[data-sample-id="${t.id}"]`);
        await page.keyboard.press('Enter');
        await page.waitForSelector(`#sample-detail[data-sample-id="${t.id}"]`);
        const focused = await page.evaluate(() => document.activeElement?.id);
        assert(focused === 'sample-detail', `focus moves to the detail (${focused})`);
    });

    await test('a what-if pool: the pool\'s Oracle (vlrb baselines --pool), excluded models dimmed, Y and C unchanged', async () => {
        const pool = [0, 2, 5, 9, 12].map((j) => np.models[j]);
        const whatIf = await openPage(context, `${env.url(demo)}${query}&pool=${encodeURIComponent(pool.join(','))}`);
        await whatIf.click('#samples > summary');
        await whatIf.waitForSelector('#samples-table tr[data-sample-id]');
        const samples = np.samples.slice(0, 20);
        const shown = await searchEach(whatIf, samples.map((s) => s.id));
        sameCells(shown, samples, np.models);
        sameOracle(shown, testIndex, np.models, [env.bundle(demo), '--pool', pool.join(',')]);
        for (const got of shown) {
            for (const cell of got.cells) assert(cell.excluded === !pool.includes(cell.model), `${got.id} ${cell.model}: excluded ${cell.excluded}`);
        }
        await whatIf.close();
    });

    await test('screenshots: desktop and phone', async () => {
        await page.fill('#samples-search', '');
        await page.waitForFunction(() => Number(document.querySelector('#samples-count').dataset.count) > 1000);
        await shot(page, '#samples', 'samples-desktop.png');
        await page.setViewportSize({ width: 390, height: 844 });
        await page.waitForTimeout(200);
        await shot(page, '#samples', 'samples-phone.png');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert(overflow <= 0, `the page scrolls sideways by ${overflow} px at 390 px`);
    });
    await context.close();
});
