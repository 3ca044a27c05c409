#!/usr/bin/env python3
"""Tests scripts/verify-submissions.sh on good and bad submissions in a temporary git repository.

    VLRB_BIN=target/debug/vlrb python3 tests/verify_submissions_test.py

The repository is a copy of this one's verifier, bundles, references and submissions, with `main`
as the base; each case is a branch adding files under submissions/ (committed, or left uncommitted
or untracked as a contributor would before committing). Ends with `N passed, N failed`.
Standard library only; the checkout it runs from is never touched.
"""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VLRB = str((ROOT / os.environ.get("VLRB_BIN", "target/debug/vlrb")).resolve())
BENCH = "mathvista"
REFERENCE = ROOT / "references" / BENCH / "knn-text.csv"
META = {
    "name": "Test router",
    "authors": "A. Tester",
    "link": "https://example.org/router",
    "description": "A router for the verifier's tests.",
    "throughput_ktps": 12.5,
}


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def make_repo():
    """A temporary repository holding the verifier and this checkout's data, `main` committed."""
    repo = Path(tempfile.mkdtemp(prefix="vlrb-verify-"))
    (repo / "scripts").mkdir()
    for script in ("verify-submissions.sh", "verify_submissions.py"):
        shutil.copy2(ROOT / "scripts" / script, repo / "scripts" / script)
    for folder in ("public", "references"):
        (repo / folder).symlink_to(ROOT / folder)
    shutil.copytree(ROOT / "submissions", repo / "submissions")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "test@example.org")
    git(repo, "config", "user.name", "test")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def predictions():
    """(header, rows) of a reference router's test predictions, a correct submission's picks."""
    rows = list(csv.reader(io.StringIO(REFERENCE.read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


def csv_text(header, rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue()


def add(repo, branch, files, commit=True):
    """Branch `branch` off main with `files` ({path: text}) written, committed unless told not."""
    untracked = subprocess.run(["git", "ls-files", "--others", "-z"], cwd=repo, check=True,
                               capture_output=True, text=True).stdout
    for path in filter(None, untracked.split("\0")):
        (repo / path).unlink()
    git(repo, "checkout", "-q", "-B", branch, "main")
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text, encoding="utf-8")
    if commit:
        git(repo, "add", *files)
        git(repo, "commit", "-q", "-m", branch)


def verify(repo):
    result = subprocess.run(["sh", "scripts/verify-submissions.sh", "main"], cwd=repo,
                            capture_output=True, text=True, env={**os.environ, "VLRB_BIN": VLRB})
    return result.returncode, result.stdout, result.stderr


def entry(name="test-router", meta=None, rows=None, folder=f"submissions/{BENCH}"):
    header, good = predictions()
    return {f"{folder}/{name}.csv": csv_text(header, good if rows is None else rows),
            f"{folder}/{name}.json": json.dumps(META if meta is None else meta, indent=1)}


def expect_rejected(repo, culprits):
    code, out, err = verify(repo)
    assert code == 1, f"exit {code}, expected 1\nstdout:\n{out}\nstderr:\n{err}"
    for culprit in culprits:
        assert culprit in err, f"{culprit!r} not named in:\n{err}"


def test_accepts_a_correct_submission(repo):
    add(repo, "good", entry())
    code, out, err = verify(repo)
    assert code == 0, f"exit {code}\n{out}\n{err}"
    expected = json.loads(subprocess.run(
        [VLRB, "eval", str(ROOT / "public/bundles/mathvista.vlrb"), str(REFERENCE), "--json"],
        check=True, capture_output=True, text=True).stdout)
    table = [line for line in out.splitlines() if line.startswith("| ")]
    assert len(table) == 2, f"expected a header and one row:\n{out}"
    cells = [c.strip() for c in table[1].strip("|").split("|")]
    assert cells[:3] == [BENCH, META["name"], f"`submissions/{BENCH}/test-router.csv`"], cells
    assert cells[3] == f"{100 * expected['accuracy']:.2f}%", (cells, expected)
    assert cells[4] == f"{expected['avg_cost'] * expected['num_samples']:.4f}", (cells, expected)
    assert cells[5] == f"{100 * expected['rank_score']:.2f}", (cells, expected)


def test_accepts_an_uncommitted_submission(repo):
    add(repo, "uncommitted", entry(name="uncommitted-router"), commit=False)
    code, out, err = verify(repo)
    assert code == 0 and "`submissions/mathvista/uncommitted-router.csv`" in out, f"{code}\n{out}\n{err}"


def test_rejects_a_missing_test_sample(repo):
    header, rows = predictions()
    add(repo, "missing", entry(rows=rows[1:]))
    expect_rejected(repo, ["submissions/mathvista/test-router.csv", f"missing test sample {rows[0][0]}"])


def test_rejects_an_unknown_model(repo):
    header, rows = predictions()
    rows = [list(r) for r in rows]
    rows[7][1] = "No-Such-Model-9B"
    add(repo, "unknown-model", entry(rows=rows))
    expect_rejected(repo, ["submissions/mathvista/test-router.csv", "line 9", "unknown model No-Such-Model-9B"])


def test_rejects_bad_metadata(repo):
    cases = [
        ({**META, "throughput_ktps": -3}, "'throughput_ktps' must be a positive number"),
        ({**META, "throughput_ktps": "fast"}, "'throughput_ktps' must be a positive number"),
        ({k: v for k, v in META.items() if k != "authors"}, "missing field 'authors'"),
        ({**META, "name": "  "}, "field 'name' is empty"),
        ({**META, "link": "not a url"}, "field 'link' must be empty or an http(s) URL"),
        ({**META, "throughput": 3}, "unknown field(s) throughput"),
    ]
    for meta, message in cases:
        add(repo, "bad-meta", entry(meta=meta))
        expect_rejected(repo, ["submissions/mathvista/test-router.json", message])


def test_rejects_a_duplicate_name(repo):
    reference = json.loads((ROOT / "references" / BENCH / "knn-text.json").read_text())["name"]
    baselines = json.loads(subprocess.run(
        [VLRB, "baselines", str(ROOT / "public/bundles/mathvista.vlrb"), "--json"],
        check=True, capture_output=True, text=True).stdout)
    baseline = sorted(baselines)[0]
    for taken, owner in [(reference, f"references/{BENCH}/knn-text.json"),
                         (baseline.upper(), f"baseline {baseline!r}")]:
        add(repo, "duplicate", entry(meta={**META, "name": taken}))
        expect_rejected(repo, ["submissions/mathvista/test-router.json", f"name {taken!r} is taken", owner])
    # Two new entries of one pull request with one name.
    add(repo, "duplicate", {**entry(), **entry(name="other-router")})
    expect_rejected(repo, ["submissions/mathvista/test-router.json",
                           "submissions/mathvista/other-router.json"])


def test_rejects_a_file_outside_a_benchmark_folder(repo):
    for folder, culprit in [("submissions", "submissions/test-router.csv"),
                            (f"submissions/{BENCH}/nested", f"submissions/{BENCH}/nested/test-router.csv"),
                            ("submissions/no-such-bench", "unknown benchmark folder 'no-such-bench'")]:
        add(repo, "outside", entry(folder=folder))
        expect_rejected(repo, [culprit])


def main():
    if not Path(VLRB).is_file():
        print(f"no vlrb binary at {VLRB} (build it: cargo build --bin vlrb; or set VLRB_BIN)")
        print("0 passed, 1 failed")
        return 1
    repo = make_repo()
    passed = failed = 0
    try:
        for name, test in [(n, f) for n, f in globals().items() if n.startswith("test_")]:
            try:
                test(repo)
                passed += 1
                print(f"ok   {name}")
            except AssertionError as e:
                failed += 1
                print(f"FAIL {name}: {e}")
    finally:
        shutil.rmtree(repo)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
