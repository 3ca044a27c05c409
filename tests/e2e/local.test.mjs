// Your own benchmark in the page: a bundle packed by the CLI from data the site never saw, and the
// same data as long-format files (packed in the browser's worker by vlrb pack's reader), opened
// through #open-bundle: baselines equal `vlrb baselines`, an upload equals `vlrb eval`, the sandbox
// equals `vlrb train`; the benchmark is still there after a reload (IndexedDB) and can be removed; a
// broken records.csv is refused naming file, line and culprit while the benchmark on screen stays.
//   node tests/e2e/local.test.mjs

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    assert, board, FIXTURE_NAME, newContext, openPage, OUT, rowOf, runEnded, sameNumbers, shot, suite, test, uploadFiles, VLRB,
    vlrb, waitNotice, waitReady,
} from './helpers.mjs';

const NAME = 'e2e-own-data';
const BASELINES = ['Oracle', 'StrongestGlobal', 'CheapestGlobal', 'StrongestPerDataset', 'Random'];
const MODELS = ['m-small', 'm-mid', 'm-large', 'm-xl', 'm-code'];

/** A deterministic generator (LCG), so the data is the same on every run. */
function rng(seed) {
    let s = seed >>> 0;
    return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

/** An npy file of float32 rows. */
function npyF32(rows, dim, values) {
    let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
    const pad = 64 - ((10 + header.length + 1) % 64);
    header += ' '.repeat(pad % 64) + '\n';
    const pre = Buffer.alloc(10);
    pre.write('\x93NUMPY', 0, 'latin1');
    pre[6] = 1; pre[7] = 0;
    pre.writeUInt16LE(header.length, 8);
    return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(new Float32Array(values).buffer)]);
}

/** Writes a long-format benchmark the site has never seen: 400 samples x 5 models. */
function writeData(dir) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const next = rng(7);
    const n = 400;
    const dim = 8;
    const samples = ['sample_id,split,dataset,question'];
    const records = ['sample_id,model,correct,cost'];
    const emb = [];
    for (let i = 0; i < n; i++) {
        const id = `own/${i}`;
        const split = i % 10 < 6 ? 'train' : i % 10 === 6 ? 'dev' : 'test';
        const dataset = i % 3 === 0 ? 'alpha' : 'beta';
        samples.push(`${id},${split},${dataset},"Question ${i}: how many, ""exactly""?"`);
        const hardness = next();
        for (let d = 0; d < dim; d++) emb.push(hardness * (d + 1) + next() * 0.1);
        MODELS.forEach((m, j) => {
            const correct = next() < 0.25 + 0.15 * j - 0.3 * hardness + (m === 'm-code' && dataset === 'alpha' ? 0.3 : 0) ? 1 : 0;
            const cost = ((j + 1) ** 2 * 1e-5 * (1 + next())).toFixed(8);
            records.push(`${id},${m},${correct},${cost}`);
        });
    }
    writeFileSync(join(dir, 'samples.csv'), `${samples.join('\n')}\n`);
    writeFileSync(join(dir, 'records.csv'), `${records.join('\n')}\n`);
    writeFileSync(join(dir, 'text_own.npy'), npyF32(n, dim, emb));
    writeFileSync(join(dir, 'vlrb.json'), JSON.stringify({ name: NAME, provenance: { source: 'e2e test data', synthetic: true, licence: 'test data' } }));
    return ['records.csv', 'samples.csv', 'text_own.npy', 'vlrb.json'].map((f) => join(dir, f));
}

/** Waits until opening ends; gives { ok, text }. */
async function opened(page) {
    await page.waitForFunction(() => document.querySelector('#open-error') || document.querySelector('#open-status.ok'), null, { timeout: 60000 });
    const error = await page.$('#open-error');
    if (error) return { ok: false, text: await error.textContent() };
    return { ok: true, text: await page.textContent('#open-status') };
}

/** The board's baselines equal `vlrb baselines` of the bundle. */
async function sameBaselines(page, bundlePath, what) {
    const expected = vlrb('baselines', bundlePath);
    const rows = await board(page);
    for (const b of BASELINES) sameNumbers(rowOf(rows, b), expected[b], `${what}: ${b}`);
}

await suite(import.meta.url, async (env) => {
    const dir = join(OUT, 'own-data');
    const files = writeData(dir);
    const bundlePath = join(OUT, 'own-data.vlrb');
    execFileSync(VLRB, ['pack', dir, '-o', bundlePath], { stdio: ['ignore', 'ignore', 'inherit'] });
    // An upload: on each test sample the model whose index is the sample number mod 5.
    const preds = join(OUT, 'own_router.csv');
    const lines = ['sample_id,model'];
    for (let i = 0; i < 400; i++) if (i % 10 > 6) lines.push(`own/${i},${MODELS[i % 5]}`);
    writeFileSync(preds, `${lines.join('\n')}\n`);
    const fixture = env.find(FIXTURE_NAME);

    const context = await newContext(env.browser);
    let page;
    await test('a bundle packed by the CLI opens from disk: baselines and an upload equal the CLI; it survives a reload', async () => {
        page = await openPage(context, env.url(fixture));
        await page.setInputFiles('#open-bundle', bundlePath);
        const result = await opened(page);
        assert(result.ok && result.text.includes(`opened ${NAME}`) && result.text.includes('nothing was uploaded'), `open: ${result.text}`);
        await waitReady(page);
        assert(await page.inputValue('#bench') === NAME, `picker shows ${await page.inputValue('#bench')}`);
        const option = await page.textContent(`#bench option[value="${NAME}"]`);
        assert(option.includes('local'), `the picker does not mark it local: ${option}`);
        await sameBaselines(page, bundlePath, 'opened bundle');
        await uploadFiles(page, [preds]);
        const notice = await waitNotice(page, 'own_router.csv');
        assert(!notice.error, `upload rejected: ${notice.text}`);
        sameNumbers(rowOf(await board(page), 'own_router'), vlrb('eval', bundlePath, preds), 'upload on the opened bundle');
        await page.reload();
        await waitReady(page);
        assert(page.url().includes(`bench=${NAME}`), `the link does not name the benchmark: ${page.url()}`);
        assert(await page.inputValue('#bench') === NAME, 'after a reload another benchmark is shown');
        await sameBaselines(page, bundlePath, 'after a reload');
        sameNumbers(rowOf(await board(page), 'own_router'), vlrb('eval', bundlePath, preds), 'upload after a reload');
    });

    await test('long-format files are packed in the page by vlrb pack\'s reader: baselines and the sandbox equal the CLI', async () => {
        await page.setInputFiles('#open-bundle', files);
        const result = await opened(page);
        assert(result.ok && result.text.includes('400 samples x 5 models'), `open: ${result.text}`);
        await waitReady(page);
        await sameBaselines(page, bundlePath, 'long-format files');
        // The explorer shows samples.csv's question text, and its search covers it.
        await page.click('#samples summary');
        await page.fill('#samples-search', '"exactly" 347:');
        await page.waitForFunction(() => document.querySelectorAll('tr[data-sample-id]').length === 1);
        const row = await page.$eval('tr[data-sample-id]', (tr) => ({ id: tr.dataset.sampleId, q: tr.querySelector('td.question')?.textContent }));
        assert(row.id === 'own/347' && row.q === 'Question 347: how many, "exactly"?', `explorer row ${JSON.stringify(row)}`);
        assert(!(await page.$('#samples-no-text')), 'the explorer says there is no question text');
        await page.selectOption('#sandbox-router', 'knn');
        await page.selectOption('#sandbox-backend-choice', 'cpu');
        await page.selectOption('#sandbox-features', 'text');
        await page.click('#sandbox-train');
        const { added: entry } = await runEnded(page, 'knn on the opened benchmark');
        const trained = vlrb('train', bundlePath, '--router', 'knn', '--features', 'text', '--seed', '42');
        sameNumbers(rowOf(await board(page), entry), trained, 'sandbox kNN on the opened benchmark');
        await shot(page, '#open-local', 'local-opened.png');
    });

    await test('a broken records.csv is refused naming file, line and culprit; the benchmark on screen stays', async () => {
        const broken = join(OUT, 'own-data-broken');
        rmSync(broken, { recursive: true, force: true });
        cpSync(dir, broken, { recursive: true });
        const text = readFileSync(join(broken, 'records.csv'), 'utf8').split('\n');
        // Line 7 as an editor counts: its `correct` becomes "maybe".
        const cells = text[6].split(',');
        cells[2] = 'maybe';
        text[6] = cells.join(',');
        writeFileSync(join(broken, 'records.csv'), text.join('\n'));
        const before = await board(page);
        await page.setInputFiles('#open-bundle', ['records.csv', 'samples.csv'].map((f) => join(broken, f)));
        const result = await opened(page);
        assert(!result.ok, `the broken file was accepted: ${result.text}`);
        for (const part of ['records.csv', 'line 7', '"maybe"', cells[0]]) assert(result.text.includes(part), `message "${result.text}" does not name ${part}`);
        assert(await page.inputValue('#bench') === NAME, 'the benchmark on screen changed');
        assert(JSON.stringify(await board(page)) === JSON.stringify(before), 'the board changed');
        await shot(page, '#open-local', 'local-broken.png');
    });

    await test('a stored benchmark can be removed', async () => {
        await page.click(`button[data-remove-local="${NAME}"]`);
        await page.waitForFunction((n) => !document.querySelector(`#bench option[value="${n}"]`), NAME);
        await waitReady(page);
        await page.goto(env.url(fixture));
        await waitReady(page);
        assert(!(await page.$(`#bench option[value="${NAME}"]`)), 'the removed benchmark is back after a reload');
    });
    await context.close();
});
