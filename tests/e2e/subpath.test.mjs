// The published site (scripts/build-site.sh: content-hashed bundles, version.json, the service
// worker) served under a sub-path, /vlrb/, as a static host serves a project site: the leaderboard,
// an upload and a short sandbox run work there, the permalink keeps the path, the footer names the
// build, the service worker serves the hashed files on the next visit and the site opens offline,
// a first visit paints the board the site was built with (index.html) and a return visit the last
// visit's, before the bundle is scored (and the same rows after);
// the server answers no request with an error and no page logs one.
//   node tests/e2e/subpath.test.mjs          (after trunk build --release: publishes dist/ with
//                                             scripts/build-site.sh --from dist)

import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
    assert, board, DIST, FIXTURE_NAME, fixtureWithUploads, GOOD_UPLOADS, entryOf, measure, newContext, openPage, OUT, ROOT,
    rowOf, runEnded, sameNumbers, suite, test, vlrb, waitReady,
} from './helpers.mjs';

const BASE = '/vlrb/';
const HASHED_BUNDLE = /-[0-9a-f]{16}\.vlrb$/;
/** Trunk's content hash in an app file's name (`name-<hash>.js`, `name-<hash>_bg.wasm`). */
const HASHED_APP_FILE = /-[0-9a-f]{12,16}[._]/;

/** The paths the page's service worker cache `name` holds. */
async function cachedPaths(page, name) {
    return page.evaluate(async (cache) => (await (await caches.open(cache)).keys()).map((r) => new URL(r.url).pathname), name);
}

/** scripts/build-site.sh --from dist: the publishable site without building the wasm again. */
function publish() {
    const out = join(OUT, 'published-subpath');
    rmSync(out, { recursive: true, force: true });
    execFileSync('sh', [join(ROOT, 'scripts/build-site.sh'), '--from', DIST, out], { stdio: ['ignore', 'ignore', 'inherit'] });
    return out;
}

await suite(import.meta.url, async (env) => {
    const { base, browser, bundle, find, index, requests, site, url } = env;
    const failures = () => requests.filter((r) => r.status >= 400).map((r) => `${r.status} ${r.path}`);
    const demo = index[0];

    await test(`the leaderboard under ${BASE}: hashed bundle, rows equal the CLI, the link keeps the path, the footer names the build`, async () => {
        assert(base.endsWith(BASE), `served at ${base}`);
        assert(HASHED_BUNDLE.test(demo.file), `${demo.name}'s bundle is not content-hashed: ${demo.file}`);
        const context = await newContext(browser);
        const page = await openPage(context, url(demo));
        const rows = await board(page);
        assert(rows.length > 5, `${rows.length} rows`);
        const baselines = vlrb('baselines', bundle(demo));
        for (const name of ['Oracle', 'StrongestGlobal']) sameNumbers(rowOf(rows, name), baselines[name], name);
        const link = new URL(page.url());
        assert(link.pathname === BASE && link.searchParams.get('bench') === demo.name, `the permalink is ${page.url()}`);
        const version = JSON.parse(readFileSync(join(site, 'version.json'), 'utf8'));
        const head = execFileSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
        assert(version.commit === head, `version.json names ${version.commit}, HEAD is ${head}`);
        await page.waitForSelector('#build-version[data-build="release"]', { timeout: 10000 });
        const footer = await page.$eval('#build-version', (e) => ({ commit: e.dataset.commit, text: e.textContent }));
        assert(footer.commit === head && footer.text.includes(head.slice(0, 12)) && footer.text.includes(version.built_at),
            `the footer says "${footer.text}" (${footer.commit})`);
        await context.close();
    });

    await test(`an upload to ${FIXTURE_NAME} under ${BASE} equals vlrb eval`, async () => {
        const { context, page, bundlePath } = await fixtureWithUploads(env);
        const rows = await board(page);
        for (const f of GOOD_UPLOADS) sameNumbers(rowOf(rows, entryOf(f)), vlrb('eval', bundlePath, f), entryOf(f));
        await context.close();
    });

    await test(`a kNN sandbox run under ${BASE} (worker and its wasm) equals vlrb train`, async () => {
        const bench = find('mathvista');
        const context = await newContext(browser);
        const page = await openPage(context, url(bench));
        await page.selectOption('#sandbox-router', 'knn');
        await page.selectOption('#sandbox-backend-choice', 'cpu');
        await page.selectOption('#sandbox-features', 'text');
        await page.click('#sandbox-train');
        await runEnded(page, 'knn');
        const expected = vlrb('train', bundle(bench), '--router', 'knn', '--features', 'text', '--seed', '42');
        const lambda = expected.lambda === null ? '-' : String(expected.lambda);
        sameNumbers(rowOf(await board(page), `knn text λ=${lambda} seed 42 (trained here)`), expected, 'sandbox knn');
        await context.close();
    });

    await test(`the service worker (scope ${BASE}) serves the hashed files on the next visit, and the site opens offline`, async () => {
        const context = await newContext(browser);
        const page = await openPage(context, url(demo));
        const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
        assert(new URL(scope).pathname === BASE, `service worker scope ${scope}`);
        // The first visit began before the worker controlled the page: once its board is up, the
        // page asks the worker to cache the page, the lists and the app's files it names, so the
        // next visit does not fetch them through the worker first (and opens offline).
        const appFiles = [/_bg\.wasm$/, /\.js$/, /\.css$/];
        const hashedApp = (want) => (p) => want.test(p) && HASHED_APP_FILE.test(p) && p.startsWith(BASE);
        const lists = [BASE, `${BASE}bundles/index.json`, `${BASE}submissions/index.json`, `${BASE}version.json`];
        const precached = async () => {
            const [immutable, pages] = [await cachedPaths(page, 'vlrb-immutable-v1'), await cachedPaths(page, 'vlrb-pages-v1')];
            const done = appFiles.every((want) => immutable.some(hashedApp(want))) && lists.every((p) => pages.includes(p));
            return { done, immutable, pages };
        };
        const deadline = Date.now() + 10000;
        let cachedFirst = await precached();
        while (!cachedFirst.done && Date.now() < deadline) {
            await page.waitForTimeout(100);
            cachedFirst = await precached();
        }
        assert(cachedFirst.done, `after the first visit the caches lack the page, a list or an app file: ${cachedFirst.immutable.join(', ')}; ${cachedFirst.pages.join(', ')}`);
        // The reload goes through the worker.
        await page.reload();
        await waitReady(page);
        const bundlePath = `${BASE}bundles/${demo.file}`;
        // The demo's reference routers, named by content hash by build-site.sh.
        const manifest = JSON.parse(readFileSync(join(site, 'submissions/index.json'), 'utf8'));
        const references = manifest.filter((s) => s.bench === demo.name).map((s) => `${BASE}${s.file}`);
        assert(references.length > 0 && references.every((p) => /-[0-9a-f]{16}\.(csv|jsonl)$/.test(p)),
            `the demo's submission files are not content-hashed: ${references.join(', ')}`);
        const cached = await cachedPaths(page, 'vlrb-immutable-v1');
        for (const want of [bundlePath, ...references, ...appFiles]) {
            assert(cached.some((p) => (typeof want === 'string' ? p === want : want.test(p) && HASHED_APP_FILE.test(p))),
                `the cache lacks ${want}: ${cached.join(', ')}`);
        }
        const immutable = [bundlePath, ...references];
        const fetchedBefore = requests.length;
        await page.reload();
        await waitReady(page);
        const readyMs = Number.parseFloat(await page.getAttribute('main', 'data-ready-ms'));
        const refetched = requests.slice(fetchedBefore).filter((r) => immutable.includes(r.path)).map((r) => r.path);
        assert(refetched.length === 0, `the visit fetched again: ${refetched.join(', ')}`);
        const referenceRows = (await board(page)).filter((r) => manifest.some((s) => s.bench === demo.name && s.meta.name === r.entry));
        assert(referenceRows.length === references.length, `${referenceRows.length} of the ${references.length} reference rows on the board`);
        measure(`${demo.name} under ${BASE}, service worker warm: interactive at ${readyMs.toFixed(0)} ms (${await page.getAttribute('main', 'data-load-timings')})`);
        await context.setOffline(true);
        const answered = requests.length;
        await page.reload();
        await waitReady(page);
        assert(requests.length === answered, `offline, the server still got ${requests.slice(answered).map((r) => r.path).join(', ')}`);
        sameNumbers(rowOf(await board(page), 'Oracle'), vlrb('baselines', bundle(demo)).Oracle, 'Oracle offline');
        await context.setOffline(false);
        await context.close();
    });

    await test(`first and return visits paint the site's and the last visit's board at once, equal to the rows re-scored from the bundle`, async () => {
        const context = await newContext(browser);
        // The board's first rows as they appeared, and where the rows came from, change by change.
        await context.addInitScript(() => {
            window.vlrbSources = [];
            const seen = new MutationObserver(() => {
                const main = document.querySelector('main');
                const source = main?.dataset.boardSource ?? 'none';
                if (main && window.vlrbSources.at(-1) !== source) window.vlrbSources.push(source);
                const rows = document.querySelectorAll('#leaderboard tbody tr[data-entry]');
                if (window.vlrbFirstBoard !== undefined || rows.length === 0) return;
                window.vlrbFirstBoard = {
                    source,
                    origin: document.querySelector('#snapshot-note')?.dataset.origin ?? 'none',
                    rows: [...rows].map((tr) => ({
                        entry: tr.dataset.entry,
                        kind: tr.dataset.kind,
                        cells: Object.fromEntries([...tr.querySelectorAll('td[data-metric]')].map((td) => [td.dataset.metric, td.dataset.value])),
                    })),
                };
            });
            seen.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-board-source'] });
        });
        // Where the rows came from, in order (the page's first frame may have none yet).
        const sources = (page) => page.evaluate(() => window.vlrbSources.join(' -> ').replace(/^none -> /, ''));
        const first = (page) => page.evaluate(() => window.vlrbFirstBoard);
        /** The first rows came from a snapshot kept at `origin`, and equal the rows then scored from the bundle. */
        const snapshotThenLive = async (page, origin, visit) => {
            const early = await first(page);
            assert(early.source === 'snapshot' && early.origin === origin, `${visit}: the first rows came from ${early.source} (${early.origin})`);
            assert(await sources(page) === 'snapshot -> live', `${visit}: the rows came from ${await sources(page)}`);
            const live = await board(page);
            assert(JSON.stringify(early.rows) === JSON.stringify(live),
                `${visit}: the snapshot's rows differ from the rows scored from the bundle:\n${JSON.stringify(early.rows)}\n${JSON.stringify(live)}`);
            sameNumbers(rowOf(early.rows, 'Oracle'), vlrb('baselines', bundle(demo)).Oracle, `${visit}: Oracle from the snapshot`);
            const [shown, ready] = await page.$eval('main', (m) => [m.dataset.shownMs, m.dataset.readyMs].map(Number.parseFloat));
            assert(shown < ready && await page.getAttribute('main', 'data-board-source') === 'live' && !(await page.$('#snapshot-note')),
                `${visit}: shown at ${shown} ms, ready at ${ready} ms, source ${await page.getAttribute('main', 'data-board-source')}`);
            measure(`${demo.name} under ${BASE}, ${visit}: board painted from the ${origin} snapshot at ${shown.toFixed(0)} ms, scored from the bundle at ${ready.toFixed(0)} ms`);
        };
        // The first visit: the board scripts/build-site.sh wrote into index.html (vlrb snapshot).
        const built = readFileSync(join(site, 'index.html'), 'utf8').match(/<script type="application\/json" id="vlrb-board-snapshot">(.*?)<\/script>/s);
        assert(built && JSON.parse(built[1]).head.file === demo.file, `index.html carries no snapshot of ${demo.file}`);
        const page = await openPage(context, url(demo));
        await snapshotThenLive(page, 'site', 'first visit');
        const KEY = 'vlrb.board-snapshot';
        const stored = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), KEY));
        assert(stored && stored.head.file === demo.file, `no snapshot of ${demo.file} was kept: ${JSON.stringify(stored)?.slice(0, 200)}`);
        // The return visit: the snapshot it kept.
        await page.reload();
        await waitReady(page);
        await snapshotThenLive(page, 'visit', 'return visit');
        // A kept snapshot of an older bundle file (a new release since): the site's board instead.
        await page.evaluate(([k, s]) => localStorage.setItem(k, JSON.stringify({ ...s, head: { ...s.head, file: 'demo-0000000000000000.vlrb' } })), [KEY, stored]);
        await page.reload();
        await waitReady(page);
        await snapshotThenLive(page, 'site', 'visit after a new release');
        // A kept snapshot whose bundle file the list does not name is dropped as soon as the list of
        // benchmarks is read, before the bundle (here: a benchmark the site was not built with).
        const fixture = find(FIXTURE_NAME);
        await page.evaluate(([k, s, name]) => localStorage.setItem(k, JSON.stringify({ ...s, head: { ...s.head, name, file: 'gone-0000000000000000.vlrb' } })), [KEY, stored, FIXTURE_NAME]);
        await page.goto(url(fixture));
        await waitReady(page);
        assert(await sources(page) === 'snapshot -> none -> live', `with another bundle's snapshot the rows came from ${await sources(page)}`);
        // A malformed kept snapshot is never shown, with a note; the site's is.
        await page.evaluate((k) => localStorage.setItem(k, '{"version":1,"head":7}'), KEY);
        await page.goto(url(demo));
        await waitReady(page);
        assert((await first(page)).origin === 'site' && await sources(page) === 'snapshot -> live',
            `with a malformed kept snapshot the rows came from ${await sources(page)} (${(await first(page)).origin})`);
        const note = await page.textContent('#storage-note');
        assert(note.includes('snapshot is malformed'), `the note says: ${note}`);
        const kept = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), KEY));
        assert(kept.head?.file === demo.file, 'the ready page did not keep a fresh snapshot');
        await context.close();
    });

    await test('the server answered every request (no 404 or other error)', async () => {
        assert(failures().length === 0, failures().join('\n'));
    });
}, { basePath: BASE, prepare: publish });
