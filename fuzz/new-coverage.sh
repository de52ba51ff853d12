#!/bin/sh
# What coverage did a fuzz target's later corpus add over an earlier one, in
# briefdiff's own code and in its dependencies?
#
#   ./new-coverage.sh TARGET EARLIER LATER [BUILD_DIR]
#
# EARLIER and LATER are corpus folders; take the earlier one while the fuzzer runs with
# `cp -al corpus/parse snapshot` (hard links: libFuzzer deletes an input when it finds
# a shorter one with the same features, which would otherwise lose its coverage).
# Replays both with -print_coverage=1 and prints the covered edges in src/ and in
# dependencies, then every function of src/ whose covered edges differ, then the edges
# the later corpus covers and the earlier one does not, by source line: a function of
# src/ also holds code inlined from the standard library and crates (unicode-width's
# tables, say), so only an edge at a line of src/ is new coverage of briefdiff itself.
# BUILD_DIR holds the fuzz binaries (default: cargo fuzz's release build); they need a
# sanitizer (the default, address), whose runtime names the functions.
set -eu
if [ $# -lt 3 ]; then
    echo "usage: $0 TARGET EARLIER LATER [BUILD_DIR]" >&2
    exit 2
fi
for dir in "$2" "$3"; do
    [ -d "$dir" ] || { echo "no such corpus folder: $dir" >&2; exit 2; }
done
target=$1
earlier=$(cd "$2" && pwd)
later=$(cd "$3" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
build=${4:-$here/target/x86_64-unknown-linux-gnu/release}
src=$(dirname "$here")/src
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "$target: $(ls "$earlier" | wc -l) inputs earlier, $(ls "$later" | wc -l) later"
# A replay runs every input once, so it is also a check that none of them fails.
replay() {
    if ! "$build/$target" -runs=0 -print_coverage=1 -max_len=262144 -timeout=30 \
        -rss_limit_mb=4096 "$1" > "$work/$2.txt" 2>&1; then
        tail -n 30 "$work/$2.txt"
        echo "replaying $1 failed (above)" >&2
        exit 1
    fi
}
replay "$earlier" earlier
replay "$later" later
python3 - "$work" "$src" <<'PY'
import re, sys
from collections import Counter
work, src = sys.argv[1], sys.argv[2]
function_line = re.compile(r'(?:UN)?COVERED_FUNC: hits: \d+ edges: (\d+)/\d+ (.*) (\S+):\d+$')
uncovered_pc_line = re.compile(r'UNCOVERED_PC: (\S+)$')
def coverage(name):
    """Covered edges per (file, function), and the source lines of the uncovered edges
    of each covered function of src/ (the runtime lists no lines for a function that
    never ran)."""
    covered, uncovered_at = {}, {}
    current = None
    for text in open(f"{work}/{name}.txt", errors="replace"):
        text = text.strip()
        found = function_line.match(text)
        if found:
            key, edges = (found.group(3), found.group(2)), int(found.group(1))
            covered[key] = covered.get(key, 0) + edges
            current = key if key[0].startswith(src) and edges else None
            if current:
                uncovered_at.setdefault(current, Counter())
            continue
        pc = uncovered_pc_line.match(text) if current else None
        if pc:
            uncovered_at[current][pc.group(1)] += 1
    return covered, uncovered_at
(earlier, earlier_gaps), (later, later_gaps) = coverage("earlier"), coverage("later")
if not later:
    sys.exit("no coverage printed: the fuzz binaries need a sanitizer (cargo fuzz build -O)")
own = lambda key: key[0].startswith(src)
short = lambda path: path[len(src) - 3:] if path.startswith(src) else path
for label, keep in (("src/", own), ("dependencies", lambda key: not own(key))):
    print(f"edges in {label}: {sum(v for k, v in earlier.items() if keep(k))} earlier,"
          f" {sum(v for k, v in later.items() if keep(k))} later")
for key in sorted(set(earlier) | set(later)):
    if own(key) and earlier.get(key, 0) != later.get(key, 0):
        print(f"  {short(key[0])} {key[1][:90]}: {earlier.get(key, 0)} -> {later.get(key, 0)}")
# An edge covered later and not earlier is one fewer uncovered edge at its line.
found = Counter()
for key, gaps in later_gaps.items():
    if key in earlier_gaps:
        for at in set(gaps) | set(earlier_gaps[key]):
            found[(at.startswith(src), at)] += max(0, earlier_gaps[key][at] - gaps[at])
    else:
        found[(True, f"{key[0]} ({key[1][:60]}, all of it: it never ran earlier)")] += later[key]
at_own_lines = sum(n for (at_own, _), n in found.items() if at_own)
print(f"edges in src/ functions that only the later corpus covers: {at_own_lines} at lines"
      f" of src/, {sum(found.values()) - at_own_lines} in code inlined from elsewhere")
for (at_own, at), n in sorted(found.items(), key=lambda item: (not item[0][0], item[0][1])):
    if n:
        print(f"  {n} at {short(at)}{'' if at_own else ' (inlined)'}")
PY
