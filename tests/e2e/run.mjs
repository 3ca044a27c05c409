// End-to-end tests of the web leaderboard in headless Chromium (playwright-core driving Debian's
// /usr/bin/chromium), against the built dist/: the suite's entry. It runs every tests/e2e/*.test.mjs
// file one after another (two cores: Chromium and the worker already fill them), each in its own
// node process with its own server, browser and state, so any file also runs alone:
//
//   node tests/e2e/run.mjs                 (after `trunk build --release` and `cargo build --bin vlrb`)
//   node tests/e2e/run.mjs upload sandbox  (only the files whose names contain a word given)
//   node tests/e2e/upload.test.mjs         (one file)
//
// Environment (passed on to every file, see helpers.mjs): VLRB_BIN, DIST, CHROMIUM. Prints each
// file's checks (not its own count line), a per-file summary, then `N passed, N failed` summed over
// the files (the only count line, as CI sums every one it reads), and exits non-zero on any failure;
// a file that ends without its own count line counts as one failure.

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const words = process.argv.slice(2);
const files = readdirSync(HERE)
    .filter((f) => f.endsWith('.test.mjs'))
    .filter((f) => words.length === 0 || words.some((w) => f.includes(w)))
    .sort();

const COUNT = /^(\d+) passed, (\d+) failed$/;

/** Runs one file, echoing its output; gives its `N passed, N failed` counts. */
function runFile(file) {
    return new Promise((done) => {
        const child = spawn(process.execPath, [join(HERE, file)], { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        let pending = '';
        // The file's own count line is not echoed: CI sums every `N passed` it reads (scripts/test.sh).
        const echoLines = (chunk) => {
            output += chunk;
            const lines = (pending + chunk).split('\n');
            pending = lines.pop();
            for (const line of lines) if (!COUNT.test(line)) process.stdout.write(`${line}\n`);
        };
        child.stdout.on('data', echoLines);
        child.stderr.on('data', (chunk) => process.stderr.write(chunk));
        child.on('close', (code, signal) => {
            if (pending && !COUNT.test(pending)) process.stdout.write(`${pending}\n`);
            const counts = [...output.matchAll(new RegExp(COUNT.source, 'gm'))].pop();
            if (!counts) {
                console.log(`FAIL ${file}: ended (${signal ?? `exit ${code}`}) without a count line`);
                done({ passed: 0, failed: 1 });
                return;
            }
            const [passed, failed] = [Number(counts[1]), Number(counts[2])];
            // A non-zero exit with no failed check (a crash after the count) is still a failure.
            done({ passed, failed: failed === 0 && code !== 0 ? 1 : failed });
        });
    });
}

let passed = 0;
let failed = 0;
const summary = [];
if (files.length === 0) {
    console.log(`FAIL no test file in ${HERE} matches ${words.join(' ')}`);
    failed++;
}
for (const file of files) {
    console.log(`\n== ${file}`);
    const t0 = Date.now();
    const counts = await runFile(file);
    passed += counts.passed;
    failed += counts.failed;
    summary.push(`${file}: ${counts.passed + counts.failed} checks, ${counts.failed} failing (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
console.log('');
for (const line of summary) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
