#!/usr/bin/env python3
"""Times `briefdiff audit` against `git log -p` and against reading every blob once.

Clones the real archive bundle to a temporary folder, runs the three commands in turn for
several rounds, and prints the medians, the ratios (of the medians, and per round) and
briefdiff's peak memory. Ratios, not absolute times, are the result: the machines are
shared and noisy, and interleaving the rounds exposes the commands to the same load.

    python3 bench/audit_vs_git.py [BUNDLE] [--runs N] [--jobs N]
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


def run(command, cwd, shell, allowed):
    """Wall time and peak RSS (KiB) of one run; exits on a status not in `allowed`."""
    start = time.perf_counter()
    with subprocess.Popen(command, cwd=cwd, shell=shell, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL) as process:
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if process.returncode not in allowed:
        sys.exit(f"bench: {command} exited {process.returncode}")
    # ru_maxrss is in KiB on Linux.
    return elapsed, usage.ru_maxrss


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
        commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo,
                                 check=True, capture_output=True, text=True).stdout.strip()
        print(f"archive: {commits} commits, {os.cpu_count()} cores, {args.runs} runs each")
        load_before = os.getloadavg()

        # Warm the page cache so that the first measured command is not penalised.
        subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch-check"], cwd=repo,
                       check=True, stdout=subprocess.DEVNULL)

        # (name, command, through a shell, exit statuses that are a success). briefdiff
        # exits 2 when it skipped something unreadable: the run still counts.
        commands = [
            ("git log -p --no-color", ["git", "log", "-p", "--no-color"], False, (0,)),
            ("git cat-file --batch (every blob)",
             "git cat-file --batch-all-objects --batch-check='%(objectname) %(objecttype)'"
             " | awk '$2 == \"blob\" {print $1}' | git cat-file --batch", True, (0,)),
            ("briefdiff audit --format json",
             [binary, "audit", repo, "--format", "json", "--jobs", str(args.jobs)], False,
             (0, 2)),
        ]
        # Rounds interleave the commands, so that a burst of load from the other builders
        # on the machine hits all three alike; each round gives its own ratios.
        times = {name: [] for name, *_ in commands}
        audit_peak = 0
        ratios_log, ratios_read = [], []
        for _ in range(args.runs):
            for name, command, shell, allowed in commands:
                elapsed, rss = run(command, repo, shell, allowed)
                times[name].append(elapsed)
                if name.startswith("briefdiff"):
                    audit_peak = max(audit_peak, rss)
            git_log, read_blobs, audit = (times[name][-1] for name, *_ in commands)
            ratios_log.append(audit / git_log)
            ratios_read.append(audit / read_blobs)
        for name, *_ in commands:
            print(f"  {name:<34} median {statistics.median(times[name]):7.2f} s   runs: "
                  + " ".join(f"{t:.2f}" for t in times[name]))
        git_log, read_blobs, audit = (statistics.median(times[name]) for name, *_ in commands)
        print()
        print(f"audit / git log -p      = {audit / git_log:5.2f}   (goal: <= 1.0; "
              f"per round: {' '.join(f'{r:.2f}' for r in ratios_log)})")
        print(f"audit / reading blobs   = {audit / read_blobs:5.2f}   (goal: <= 2.0; "
              f"per round: {' '.join(f'{r:.2f}' for r in ratios_read)})")
        print(f"audit peak memory       = {audit_peak / 1024:5.0f} MiB (goal: < 500 MiB)")
        print(f"load average: {' '.join(f'{x:.2f}' for x in load_before)} before, "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} after")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
