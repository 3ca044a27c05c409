#!/usr/bin/env python3
"""Verifies the submissions a branch adds or changes (run by scripts/verify-submissions.sh).

    python3 scripts/verify_submissions.py VLRB_BIN [BASE_REF]

Checks every entry under submissions/ touched since BASE_REF (default: origin/main, else main):
committed changes (`git diff BASE_REF...HEAD`), uncommitted changes to tracked files and untracked
files, so that a contributor can run it before committing. Each touched entry is checked whole, as
the working tree holds it: its folder and file names, its metadata, its predictions (scored by
`vlrb eval` on the benchmark's bundle in public/bundles) and its name (unique among the rows of its
benchmark). Prints the rows it would add as a Markdown table on stdout, each problem on stderr
naming the file, and exits 1 on any problem. Standard library only.
"""

import json
import math
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = "submissions"
PREDICTION_EXTENSIONS = ("csv", "tsv", "jsonl")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9._-]+$")
REQUIRED_TEXT_FIELDS = ("name", "authors", "link", "description")
OPTIONAL_FIELDS = ("throughput_ktps",)
# Optimality figures `vlrb eval --json` may report; shown when present.
OPTIMALITY_FIELDS = ("optimal_selection", "cost_vs_oracle", "accuracy_vs_oracle")


class Problem(Exception):
    """A submission problem, its message naming the culprit."""


def git(*args):
    """Output of a git command run in the repository root; a failure is a Problem."""
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise Problem(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def default_base():
    """origin/main when the remote branch is known, else main."""
    for ref in ("origin/main", "main"):
        probe = subprocess.run(["git", "rev-parse", "--verify", "--quiet", ref + "^{commit}"],
                               cwd=ROOT, capture_output=True)
        if probe.returncode == 0:
            return ref
    raise Problem("no base ref given and neither origin/main nor main exists")


def touched_paths(base):
    """Paths under submissions/ changed since `base` (committed, uncommitted or untracked)."""
    paths = set()
    for args in (("diff", "--name-only", "--no-renames", "-z", f"{base}...HEAD"),
                 ("diff", "--name-only", "--no-renames", "-z", "HEAD"),
                 ("ls-files", "--others", "--exclude-standard", "-z")):
        out = git(*args, "--", SUBMISSIONS)
        paths.update(p for p in out.split("\0") if p)
    return sorted(paths)


def vlrb(binary, *args):
    """The parsed JSON of `vlrb ARGS --json`; an error exit is a Problem carrying its message."""
    result = subprocess.run([binary, *args, "--json"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        detail = result.stderr.strip().replace("\n", " ")
        raise Problem(f"vlrb {args[0]}: {detail}")
    return json.loads(result.stdout)


def known_benchmarks():
    """Benchmark name -> bundle path (relative to the root), from public/bundles/index.json."""
    index = ROOT / "public" / "bundles" / "index.json"
    try:
        entries = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise Problem(f"{index.relative_to(ROOT)}: cannot read the benchmark index: {e}")
    return {e["name"]: f"public/bundles/{e['file']}" for e in entries}


def model_names(binary, bundle):
    """Model ids and display names of a bundle (`vlrb info`: ids in JSON, names in the text)."""
    ids = vlrb(binary, "info", bundle)["models"]
    result = subprocess.run([binary, "info", bundle], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise Problem(f"vlrb info {bundle}: {result.stderr.strip()}")
    names = set(ids)
    for line in result.stdout.splitlines():
        if not line.startswith("  "):
            continue
        text = line.strip()
        model = max((i for i in ids if text.startswith(i + " ") or text == i), key=len, default=None)
        if model is not None:
            names.add(text[len(model):].strip() or model)
    return names


def check_layout(path, benches):
    """(bench, entry) of a file under submissions/ (None for its README), or a Problem naming it."""
    parts = Path(path).parts
    if parts == (SUBMISSIONS, "README.md"):
        return None
    where = "submissions/<benchmark>/<entry>.{csv,tsv,jsonl,json}"
    if len(parts) != 3:
        raise Problem(f"{path}: outside {where}; benchmarks: {', '.join(sorted(benches))}")
    _, bench, file_name = parts
    if bench not in benches:
        raise Problem(f"{path}: unknown benchmark folder {bench!r} (outside {where}); "
                      f"benchmarks: {', '.join(sorted(benches))}")
    entry, dot, extension = file_name.rpartition(".")
    if not dot or extension not in (*PREDICTION_EXTENSIONS, "json"):
        raise Problem(f"{path}: not a predictions file (.csv, .tsv, .jsonl) or metadata (.json)")
    if not NAME_PATTERN.match(entry) or entry.startswith("."):
        raise Problem(f"{path}: use only letters, digits, '.', '_' and '-' in file names")
    return bench, entry


def read_meta(path):
    """The metadata object of `path`, each field checked; a Problem names the file and field."""
    rel = path.relative_to(ROOT)

    def reject_constant(name):
        raise ValueError(f"{name} is not valid JSON")

    try:
        meta = json.loads(path.read_text(encoding="utf-8"), parse_constant=reject_constant)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise Problem(f"{rel}: not valid JSON: {e}")
    if not isinstance(meta, dict):
        raise Problem(f"{rel}: must be a JSON object with {', '.join(REQUIRED_TEXT_FIELDS)}")
    unknown = sorted(set(meta) - set(REQUIRED_TEXT_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise Problem(f"{rel}: unknown field(s) {', '.join(unknown)}; allowed: "
                      f"{', '.join(REQUIRED_TEXT_FIELDS + OPTIONAL_FIELDS)}")
    for field in REQUIRED_TEXT_FIELDS:
        if field not in meta:
            raise Problem(f"{rel}: missing field {field!r}")
        if not isinstance(meta[field], str):
            raise Problem(f"{rel}: field {field!r} must be a string")
        if field != "link" and not meta[field].strip():
            raise Problem(f"{rel}: field {field!r} is empty")
    link = meta["link"]
    if link and not re.match(r"^https?://\S+$", link):
        raise Problem(f"{rel}: field 'link' must be empty or an http(s) URL, got {link!r}")
    if "throughput_ktps" in meta:
        value = meta["throughput_ktps"]
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value) or value <= 0):
            raise Problem(f"{rel}: field 'throughput_ktps' must be a positive number, got {value!r}")
    return meta


def row_names(bench, skip):
    """Names of the references and submissions of `bench` (folded), except the files in `skip`."""
    names = {}
    for folder in ("references", SUBMISSIONS):
        for meta in sorted((ROOT / folder / bench).glob("*.json")):
            if meta in skip:
                continue
            try:
                name = json.loads(meta.read_text(encoding="utf-8")).get("name")
            except (OSError, ValueError, AttributeError):
                continue
            if isinstance(name, str):
                names[fold(name)] = meta.relative_to(ROOT)
    return names


def fold(name):
    """A row name compared case-insensitively, ignoring surrounding and repeated spaces."""
    return " ".join(name.split()).casefold()


def verify_entry(binary, bench, bundle, entry, fixed_names):
    """The leaderboard row a present entry adds (a dict), or a Problem naming the culprit."""
    folder = ROOT / SUBMISSIONS / bench
    meta_path = folder / f"{entry}.json"
    predictions = [folder / f"{entry}.{ext}" for ext in PREDICTION_EXTENSIONS
                   if (folder / f"{entry}.{ext}").is_file()]
    rel = f"{SUBMISSIONS}/{bench}/{entry}"
    if not meta_path.is_file():
        raise Problem(f"{rel}: no metadata {entry}.json beside the predictions")
    if not predictions:
        raise Problem(f"{rel}.json: no predictions {entry}.csv, {entry}.tsv or {entry}.jsonl beside it")
    if len(predictions) > 1:
        raise Problem(f"{rel}: several predictions files: {', '.join(p.name for p in predictions)}")
    meta = read_meta(meta_path)
    prediction_rel = predictions[0].relative_to(ROOT)
    try:
        evaluation = vlrb(binary, "eval", bundle, str(prediction_rel))
    except Problem as e:
        raise Problem(f"{prediction_rel}: {e}")
    if evaluation["ignored_rows"]:
        raise Problem(f"{prediction_rel}: {evaluation['ignored_rows']} rows name train/dev samples; "
                      "a submission holds one row per test sample and nothing else")
    key = fold(meta["name"])
    if key in fixed_names:
        raise Problem(f"{meta_path.relative_to(ROOT)}: name {meta['name']!r} is taken by "
                      f"{fixed_names[key]} of {bench}")
    others = row_names(bench, skip={meta_path})
    if key in others:
        raise Problem(f"{meta_path.relative_to(ROOT)}: name {meta['name']!r} is taken by {others[key]}")
    return {"bench": bench, "name": meta["name"], "file": str(prediction_rel), **evaluation}


def markdown(rows):
    """The rows as a Markdown table (optimality columns when `vlrb eval` reports them)."""
    extra = [f for f in OPTIMALITY_FIELDS if any(f in r for r in rows)]
    header = ["benchmark", "entry", "file", "accuracy", "test-split cost (USD)", "Rank Score",
              *(f.replace("_", " ") for f in extra)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        cells = [r["bench"], r["name"].replace("|", "\\|"), f"`{r['file']}`",
                 f"{100 * r['accuracy']:.2f}%", f"{r['avg_cost'] * r['num_samples']:.4f}",
                 f"{100 * r['rank_score']:.2f}"]
        cells += [format_value(r.get(f)) for f in extra]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_value(value):
    """A table cell for an optimality figure (a fraction, shown as a percentage)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    return f"{100 * value:.2f}%"


def main(argv):
    if len(argv) not in (2, 3) or argv[-1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    binary = argv[1]
    try:
        base = argv[2] if len(argv) == 3 else default_base()
        git("rev-parse", "--verify", "--quiet", base + "^{commit}")
        benches = known_benchmarks()
        paths = touched_paths(base)
    except Problem as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    problems = []
    entries = {}
    for path in paths:
        try:
            located = check_layout(path, benches)
        except Problem as e:
            problems.append(str(e))
            continue
        if located is not None:
            entries.setdefault(located, []).append(path)
    rows, removed = [], []
    fixed = {}
    for (bench, entry) in sorted(entries):
        folder = ROOT / SUBMISSIONS / bench
        if not any((folder / f"{entry}.{ext}").exists() for ext in (*PREDICTION_EXTENSIONS, "json")):
            removed.append(f"{SUBMISSIONS}/{bench}/{entry}")
            continue
        try:
            if bench not in fixed:
                bundle = benches[bench]
                names = {fold(b): f"baseline {b!r}" for b in vlrb(binary, "baselines", bundle)}
                names.update({fold(m): f"model {m!r}" for m in model_names(binary, bundle)})
                fixed[bench] = names
            rows.append(verify_entry(binary, bench, benches[bench], entry, fixed[bench]))
        except Problem as e:
            problems.append(str(e))
    print(f"Submissions changed since {base}: {len(rows)} row(s) to add, {len(removed)} removed, "
          f"{len(problems)} problem(s).\n")
    if rows:
        print(markdown(rows))
    for entry in removed:
        print(f"\nremoved: {entry}")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
