#!/usr/bin/env python3
"""Whole-history figures: briefdiff against git on the real archive and on synthetic ones.

Each figure is a ratio of two commands run in pairs (A B A B …, so that a burst of load
from other work on the machine hits both alike): the median of the per-round ratios of
wall time and of CPU time (user + system), with each command's median and briefdiff's
peak memory. The load average is printed before and after. Ratios, not seconds, are the
result; the machines are shared and noisy.

    python3 bench/whole_history.py [--bundle BUNDLE] [--runs N] [--synthetic-runs N]
                                   [--skip-synthetic]

On the real archive (the bundle, cloned to a temporary folder):
  audit --format json    against git log -p, and against reading every blob once
  history DOC            against git log -p -- DOC (DOC: the most revised briefing)
  log                    against git log --stat

On the synthetic archives of bench/synthetic.py (generated into the temporary folder):
  many/ (8,000 commits)  audit HEAD~1000..HEAD against the whole audit: the range's cost
  one-file/ (50,000 commits to one briefing), large/ (400 revisions of 0.9 MB)
                         audit against git log -p, and peak memory
  5,000 turns            diff, every turn edited; shuffled and edited (wall, bailouts)
  5 MB paragraph         diff with 100 scattered edits
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BUNDLE = os.path.join(
    ROOT, "..", "shared", "data", "archive", "wh-briefings-2022-04_2023-06.bundle"
)


def run(command, cwd, shell=False):
    """(wall seconds, CPU seconds, peak RSS MiB) of one run, its output thrown away."""
    start = time.perf_counter()
    with subprocess.Popen(command, cwd=cwd, shell=shell, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL) as process:
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    # briefdiff exits 1 for findings and 2 for something skipped: the run still counts.
    if code not in (0, 1, 2):
        sys.exit(f"bench: {command} exited {code}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def paired(name, a, b, cwd, runs, goal=None):
    """Runs `a` and `b` in turn `runs` times and prints the ratios a / b."""
    rounds = []
    for _ in range(runs):
        rounds.append((run(a, cwd, isinstance(a, str)), run(b, cwd, isinstance(b, str))))
    wall = statistics.median(ra[0] / rb[0] for ra, rb in rounds)
    cpu = statistics.median(ra[1] / max(rb[1], 1e-3) for ra, rb in rounds)
    a_wall = statistics.median(ra[0] for ra, _ in rounds)
    b_wall = statistics.median(rb[0] for _, rb in rounds)
    a_cpu = statistics.median(ra[1] for ra, _ in rounds)
    b_cpu = statistics.median(rb[1] for _, rb in rounds)
    peak = max(ra[2] for ra, _ in rounds)
    goals = f"   goal {goal}" if goal else ""
    print(f"{name:<44} wall {wall:5.2f}  cpu {cpu:5.2f}   "
          f"(A {a_wall:6.2f} s wall {a_cpu:6.2f} s cpu, B {b_wall:6.2f} s wall "
          f"{b_cpu:6.2f} s cpu; A peak {peak:5.0f} MiB){goals}")
    return wall, cpu, peak


def single(name, command, cwd, runs):
    """Median wall time and peak memory of `command` alone."""
    results = [run(command, cwd) for _ in range(runs)]
    wall = statistics.median(r[0] for r in results)
    peak = max(r[2] for r in results)
    print(f"{name:<44} wall {wall:6.2f} s   peak {peak:5.0f} MiB")


def diff_summary(binary, old, new):
    """The summary of `diff OLD NEW --format json`: its counts and bailout flag."""
    out = subprocess.run([binary, "diff", old, new, "--format", "json"], capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        value = json.loads(line)
        if value.get("type") == "comparison":
            s = value["summary"]
            return (f"edited {s['edited']}, moved {s['moved']}, inserted {s['inserted']}, "
                    f"deleted {s['deleted']}, bailout {s['bailout']}")
    return "no comparison"


def most_revised(repo):
    """The path that the most commits touched."""
    names = subprocess.run(["git", "log", "--format=", "--name-only"], cwd=repo, check=True,
                           capture_output=True, text=True).stdout.split()
    counts = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return max(counts, key=counts.get)


def real_archive(binary, bundle, tmp, runs):
    repo = os.path.join(tmp, "archive")
    subprocess.run(["git", "-c", "init.defaultBranch=main", "clone", "--quiet", bundle, repo],
                   check=True)
    commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, check=True,
                             capture_output=True, text=True).stdout.strip()
    print(f"real archive: {commits} commits, {runs} paired rounds each")
    blobs = os.path.join(tmp, "blobs.txt")
    listing = subprocess.run(["git", "cat-file", "--batch-all-objects",
                              "--batch-check=%(objectname) %(objecttype)"], cwd=repo,
                             check=True, capture_output=True, text=True).stdout
    with open(blobs, "w") as file:
        file.writelines(f"{line.split()[0]}\n" for line in listing.splitlines()
                        if line.endswith(" blob"))
    # Warm the page cache so that the first measured command is not penalised.
    run(f"git cat-file --batch < {blobs}", repo, shell=True)
    audit = [binary, "audit", repo, "--format", "json"]
    paired("audit --format json / git log -p", audit, ["git", "log", "-p", "--no-color"],
           repo, runs, "wall <= 0.5, cpu <= 0.8")
    paired("audit --format json / cat-file every blob", audit,
           f"git cat-file --batch < {blobs}", repo, runs, "wall <= 1.5")
    doc = most_revised(repo)
    paired("history DOC / git log -p -- DOC", [binary, "history", doc, repo],
           ["git", "log", "-p", "--no-color", "--", doc], repo, runs, "<= 2")
    paired("log / git log --stat", [binary, "log", repo], ["git", "log", "--stat"], repo,
           runs, "cpu <= 1.0")


def synthetic(binary, tmp, runs):
    out = os.path.join(tmp, "synthetic")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "synthetic.py"), out],
                   check=True)
    print(f"\nsynthetic archives (bench/synthetic.py), {runs} paired rounds each")
    many = os.path.join(out, "many")
    whole = [binary, "audit", many, "--format", "json", "--profile", "none"]
    paired("many: audit HEAD~1000..HEAD / whole audit", whole[:3] + ["HEAD~1000..HEAD"]
           + whole[3:], whole, many, runs, "about 1000 / 8000 = 0.125")
    for name in ("one-file", "large"):
        repo = os.path.join(out, name)
        paired(f"{name}: audit / git log -p",
               [binary, "audit", repo, "--format", "json", "--profile", "none"],
               ["git", "log", "-p", "--no-color"], repo, runs, "peak < 200 MiB")
    for other in ("edited", "shuffled"):
        old, new = (os.path.join(out, f"turns-{side}.md") for side in ("old", other))
        single(f"5,000 turns {other}: diff", [binary, "diff", old, new, "--format", "json"],
               out, runs)
        print(f"{'':<44} {diff_summary(binary, old, new)}")
    old, new = (os.path.join(out, f"paragraph-{side}.md") for side in ("old", "new"))
    single("5 MB paragraph, 100 edits: diff", [binary, "diff", old, new, "--format", "json"],
           out, runs)
    print(f"{'':<44} {diff_summary(binary, old, new)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", default=DEFAULT_BUNDLE)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--synthetic-runs", type=int, default=3)
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args()
    if not os.path.exists(args.bundle):
        sys.exit(f"bench: no archive bundle at {args.bundle}")

    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "briefdiff")
    load_before = os.getloadavg()
    print(f"{os.cpu_count()} cores; ratios are A / B, medians of per-round ratios")
    tmp = tempfile.mkdtemp(prefix="briefdiff-bench-")
    try:
        real_archive(binary, args.bundle, tmp, args.runs)
        if not args.skip_synthetic:
            synthetic(binary, tmp, args.synthetic_runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nload average: {' '.join(f'{x:.2f}' for x in load_before)} before, "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} after")


if __name__ == "__main__":
    main()
