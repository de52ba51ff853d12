#!/usr/bin/env python3
"""Times `briefdiff audit` against `git log -p` and against reading every blob once.

Clones the real archive bundle to a temporary folder, runs each command several times in
this one process, and prints the medians, the ratios and briefdiff's peak memory. Ratios,
not absolute times, are the result: the machines are shared and noisy.

    python3 bench/audit_vs_git.py [BUNDLE] [--runs N] [--jobs N]
"""

import argparse
import os
import resource
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


def timed(command, cwd, shell=False):
    """Wall time of one run and the peak RSS (KiB) of the command's processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, shell=shell, check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(before, after)


def measure(name, command, cwd, runs, shell=False):
    times = []
    peak = 0
    for _ in range(runs):
        elapsed, rss = timed(command, cwd, shell)
        times.append(elapsed)
        peak = max(peak, rss)
    median = statistics.median(times)
    print(f"  {name:<34} median {median:7.2f} s   runs: "
          + " ".join(f"{t:.2f}" for t in times), flush=True)
    return median


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
        subprocess.run(["git", "clone", "--quiet", args.bundle, repo], check=True)
        commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo,
                                 check=True, capture_output=True, text=True).stdout.strip()
        print(f"archive: {commits} commits, {os.cpu_count()} cores, {args.runs} runs each")

        # Warm the page cache so that the first measured command is not penalised.
        subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch-check"], cwd=repo,
                       check=True, stdout=subprocess.DEVNULL)

        git_log = measure("git log -p --no-color", ["git", "log", "-p", "--no-color"],
                          repo, args.runs)
        read_blobs = measure(
            "git cat-file --batch (every blob)",
            "git cat-file --batch-all-objects --batch-check='%(objectname) %(objecttype)'"
            " | awk '$2 == \"blob\" {print $1}' | git cat-file --batch",
            repo, args.runs, shell=True)

        audit_command = [binary, "audit", repo, "--format", "json", "--jobs", str(args.jobs)]
        audit_times = []
        audit_peak = 0
        for _ in range(args.runs):
            start = time.perf_counter()
            with subprocess.Popen(audit_command, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) as process:
                _, status, usage = os.wait4(process.pid, 0)
                process.returncode = os.waitstatus_to_exitcode(status)
            audit_times.append(time.perf_counter() - start)
            audit_peak = max(audit_peak, usage.ru_maxrss)
            if process.returncode not in (0, 2):
                sys.exit(f"bench: briefdiff audit exited {process.returncode}")
        audit = statistics.median(audit_times)
        print(f"  {'briefdiff audit --format json':<34} median {audit:7.2f} s   runs: "
              + " ".join(f"{t:.2f}" for t in audit_times))
        print()
        print(f"audit / git log -p      = {audit / git_log:5.2f}   (goal: <= 1.0)")
        print(f"audit / reading blobs   = {audit / read_blobs:5.2f}   (goal: <= 2.0)")
        print(f"audit peak memory       = {audit_peak / 1024:5.0f} MiB (goal: < 500 MiB)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
