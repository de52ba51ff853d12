#!/usr/bin/env python3
"""Times `briefdiff report` (the HTML site) against `briefdiff audit --format json`.

Clones the real archive bundle to a temporary folder and runs, in turn for several
rounds, `audit --format json` (to /dev/null), `report --out DIR` (into a fresh folder
each round), and for reference `audit --format atom` and `audit --format sqlite`. Prints
the medians, the ratios to the JSON audit (of the medians, and per round), peak memory,
and what the site holds. The goal is report / audit <= 1.5: the site is written as the
reports arrive, with a small row per briefing kept for the index.

    python3 bench/report_vs_audit.py [BUNDLE] [--runs N] [--jobs N]
"""

import argparse
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


def run(command, before=None):
    """Wall time, CPU time (user + system) and peak RSS (KiB) of one run; exits on a
    status other than 0 or 2."""
    if before:
        before()
    start = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as process:
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if process.returncode not in (0, 2):
        sys.exit(f"bench: {command} exited {process.returncode}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", default=DEFAULT_BUNDLE)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0, help="briefdiff --jobs (0: all cores)")
    args = parser.parse_args()
    if not os.path.exists(args.bundle):
        sys.exit(f"bench: no archive bundle at {args.bundle}")

    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "briefdiff")
    tmp = tempfile.mkdtemp(prefix="briefdiff-bench-")
    try:
        repo = os.path.join(tmp, "archive")
        subprocess.run(["git", "-c", "init.defaultBranch=main", "clone", "--quiet",
                        args.bundle, repo], check=True)
        site = os.path.join(tmp, "site")
        db = os.path.join(tmp, "audit.db")
        jobs = ["--jobs", str(args.jobs)]

        def fresh_site():
            shutil.rmtree(site, ignore_errors=True)

        def fresh_db():
            if os.path.exists(db):
                os.remove(db)

        commands = [
            ("audit --format json", [binary, "audit", repo, "--format", "json", *jobs], None),
            ("report --out DIR (HTML)", [binary, "report", repo, "--out", site, *jobs], fresh_site),
            ("audit --format atom", [binary, "audit", repo, "--format", "atom", *jobs], None),
            ("audit --format sqlite", [binary, "audit", repo, "--format", "sqlite", "--output",
                                       db, *jobs], fresh_db),
        ]
        print(f"archive: {args.bundle}, {os.cpu_count()} cores, {args.runs} runs each")
        load_before = os.getloadavg()
        # Warm the page cache so that the first measured command is not penalised.
        run(commands[0][1])
        times = {name: [] for name, *_ in commands}
        cpu = {name: [] for name, *_ in commands}
        peaks = {name: 0 for name, *_ in commands}
        for _ in range(args.runs):
            for name, command, before in commands:
                elapsed, used, rss = run(command, before)
                times[name].append(elapsed)
                cpu[name].append(used)
                peaks[name] = max(peaks[name], rss)
        base = commands[0][0]
        for name, *_ in commands:
            print(f"  {name:<26} median {statistics.median(times[name]):6.2f} s   cpu "
                  f"{statistics.median(cpu[name]):6.2f} s   peak "
                  f"{peaks[name] / 1024:4.0f} MiB   runs: "
                  + " ".join(f"{t:.2f}" for t in times[name]))
        print()
        for name, *_ in commands[1:]:
            ratio = statistics.median(times[name]) / statistics.median(times[base])
            rounds = " ".join(f"{a / b:.2f}" for a, b in zip(times[name], times[base]))
            goal = "   (goal: <= 1.5)" if name.startswith("report") else ""
            cpu_ratio = statistics.median(cpu[name]) / statistics.median(cpu[base])
            print(f"{name} / {base} = {ratio:5.2f}{goal}   per round: {rounds}   "
                  f"cpu time: {cpu_ratio:.2f}")
        pages = len(os.listdir(os.path.join(site, "briefings")))
        indexes = len([n for n in os.listdir(site) if n.startswith("index")])
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(site) for f in fs)
        print(f"site: {pages} briefing pages, {indexes} index pages, {size / 2**20:.0f} MiB; "
              f"database {os.path.getsize(db) / 2**20:.0f} MiB")
        print(f"load average: {' '.join(f'{x:.2f}' for x in load_before)} before, "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} after")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
