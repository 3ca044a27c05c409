// The sandbox's WebGPU backend on MATH-V: without an adapter the MLP falls back to the CPU with the
// CPU's exact numbers; on Chromium's WebGPU (SwiftShader: slow, so few epochs) every router's test
// picks match `vlrb train` on the CPU within 1%, the weights download, and a device lost mid-run is
// retrained on the CPU.
//   node tests/e2e/webgpu.test.mjs

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    assert, board, gpuPicksAgainstCpu, launchBrowser, measure, newContext, openPage, OUT, rowOf, runEnded, sameNumbers,
    shot, startStallProbe, stopStallProbe, suite, test, vlrb,
} from './helpers.mjs';

await suite(import.meta.url, async ({ browser, bundle, find, url }) => {
    const mathv = find('math-v');

    // WebGPU asked for in a browser without an adapter: the page says so and trains on the CPU,
    // with exactly the CPU's numbers.
    await test('sandbox: with WebGPU unavailable the MLP falls back to the CPU, says so, and equals vlrb train', async () => {
        const context = await newContext(browser);
        const page = await openPage(context, url(mathv));
        await page.selectOption('#sandbox-backend-choice', 'webgpu');
        await page.selectOption('#sandbox-lambda', '100');
        await page.fill('#sandbox-epochs', '1');
        await page.click('#sandbox-train');
        await runEnded(page, 'CPU fallback');
        const note = await page.textContent('#sandbox-backend');
        assert(/CPU/.test(note) && /WebGPU is unavailable/.test(note), `backend note: ${note}`);
        const expected = vlrb('train', bundle(mathv), '--router', 'mlp', '--lambda', '100', '--epochs', '1');
        sameNumbers(rowOf(await board(page), 'mlp concat λ=100 seed 42 (trained here)'), expected, 'CPU fallback');
        measure(`math-v: WebGPU unavailable: ${note.trim()}`);
        await context.close();
    });

    // The default MLP on MATH-V on Chromium's WebGPU (SwiftShader: slow, so one epoch).
    await test('sandbox: the default MLP (then every router) trains on WebGPU; its row equals vlrb eval of its export; weights download; a lost device falls back to the CPU', async () => {
        const gpuBrowser = await launchBrowser({ webgpu: true });
        try {
            const gpuContext = await newContext(gpuBrowser);
            const page = await openPage(gpuContext, url(mathv));
            assert(await page.evaluate(async () => Boolean(navigator.gpu && await navigator.gpu.requestAdapter())), 'this Chromium gives no WebGPU adapter');
            assert(await page.inputValue('#sandbox-backend-choice') === 'webgpu', 'WebGPU is not the default backend');
            await page.selectOption('#sandbox-lambda', '100');
            await page.fill('#sandbox-epochs', '1');
            await startStallProbe(page);
            const t0 = Date.now();
            await page.click('#sandbox-train');
            // A one-epoch line is a single point (no area): wait for it in the DOM, not for visibility.
            await page.waitForSelector('#sandbox-chart polyline, #sandbox-error', { state: 'attached', timeout: 300000 });
            await page.waitForSelector('#sandbox-done, #sandbox-error', { timeout: 300000 });
            const wall = Date.now() - t0;
            const maxGap = await stopStallProbe(page);
            await runEnded(page, 'mlp on WebGPU');
            const note = await page.textContent('#sandbox-backend');
            assert(/^Ran on WebGPU: /.test(note.trim()) && !/CPU/.test(note), `backend note: ${note}`);
            const row = rowOf(await board(page), 'mlp concat λ=100 seed 42 (trained here)');
            const [download] = await Promise.all([page.waitForEvent('download'), page.click('#sandbox-download')]);
            const exported = join(OUT, 'sandbox-webgpu-mlp.csv');
            await download.saveAs(exported);
            sameNumbers(row, vlrb('eval', bundle(mathv), exported), 'WebGPU MLP export');
            const [weights] = await Promise.all([page.waitForEvent('download'), page.click('#sandbox-weights')]);
            const weightsPath = join(OUT, 'sandbox-webgpu-mlp.weights.json');
            await weights.saveAs(weightsPath);
            const doc = JSON.parse(readFileSync(weightsPath, 'utf8'));
            const dims = doc.model?.net?.dims;
            assert(doc.router === 'mlp' && doc.lambda === '100' && Array.isArray(dims) && dims.length === 3 && dims[1] === 256
                && doc.model.net.weights[0].length === dims[0] * dims[1] && doc.scaler.mean.length === dims[0], `weights JSON: ${JSON.stringify(doc).slice(0, 300)}`);
            const differ = gpuPicksAgainstCpu(exported, bundle(mathv), 'mlp', ['--lambda', '100', '--epochs', '1']);
            await shot(page, 'section.sandbox', 'sandbox-webgpu.png');
            measure(`math-v: sandbox light MLP, 1 epoch on WebGPU (${note.trim()}) in ${wall} ms wall; longest main-thread stall ${maxGap.toFixed(0)} ms; ${differ}`);
            // Every other router on WebGPU too (few epochs): same tolerance against `vlrb train`.
            for (const [router, args] of [['linear', ['--lambda', '100', '--epochs', '2']], ['knn', []], ['prknn', []], ['ovr', ['--epochs', '3']], ['prototype', []]]) {
                await page.selectOption('#sandbox-router', router);
                if (await page.isEnabled('#sandbox-epochs')) await page.fill('#sandbox-epochs', args.includes('--epochs') ? args[args.indexOf('--epochs') + 1] : '');
                await page.click('#sandbox-train');
                const { done } = await runEnded(page, `${router} on WebGPU`);
                const ran = await page.textContent('#sandbox-backend');
                assert(/^Ran on WebGPU: /.test(ran.trim()), `${router} backend note: ${ran}`);
                const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#sandbox-download')]);
                const gpuCsv = join(OUT, `sandbox-webgpu-${router}.csv`);
                await dl.saveAs(gpuCsv);
                const differ = gpuPicksAgainstCpu(gpuCsv, bundle(mathv), router, args);
                measure(`math-v: sandbox ${router} (${args.join(' ') || 'protocol settings'}) on WebGPU: ${done} ${differ}`);
            }
            await page.close();
            // A device lost mid-run (destroyed 3 s after the worker opens it, while the MLP trains):
            // the run says so and is retrained on the CPU, with exactly the CPU's numbers.
            const lost = await openPage(gpuContext, url(mathv));
            lost.on('worker', (worker) => worker.evaluate(() => {
                const open = GPUAdapter.prototype.requestDevice;
                GPUAdapter.prototype.requestDevice = async function (descriptor) {
                    const device = await open.call(this, descriptor);
                    setTimeout(() => device.destroy(), 3000);
                    return device;
                };
            }).catch(() => {}));
            await lost.selectOption('#sandbox-lambda', '100');
            await lost.fill('#sandbox-epochs', '1');
            await lost.click('#sandbox-train');
            const { added: lostName } = await runEnded(lost, 'after a lost device');
            const lostNote = await lost.textContent('#sandbox-backend');
            assert(/^Ran on CPU/.test(lostNote.trim()) && /WebGPU failed during training/.test(lostNote), `backend note after a lost device: ${lostNote}`);
            const cpuRun = vlrb('train', bundle(mathv), '--router', 'mlp', '--lambda', '100', '--epochs', '1');
            sameNumbers(rowOf(await board(lost), lostName), cpuRun, 'retrained on the CPU after a lost device');
            measure(`math-v: WebGPU device destroyed mid-run: ${lostNote.trim()}`);
            await lost.close();
        } finally {
            await gpuBrowser.close();
        }
    });
});
