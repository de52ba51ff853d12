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
# dependencies, then every function of src/ whose covered edges differ. BUILD_DIR holds
# the fuzz binaries (default: cargo fuzz's release build); they need a sanitizer
# (the default, address), whose runtime names the functions.
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
work, src = sys.argv[1], sys.argv[2]
line = re.compile(r'(?:UN)?COVERED_FUNC: hits: \d+ edges: (\d+)/\d+ (.*) (\S+):\d+$')
def edges(name):
    covered = {}
    for text in open(f"{work}/{name}.txt", errors="replace"):
        found = line.match(text.strip())
        if found:
            key = (found.group(3), found.group(2))
            covered[key] = covered.get(key, 0) + int(found.group(1))
    return covered
earlier, later = edges("earlier"), edges("later")
if not later:
    sys.exit("no coverage printed: the fuzz binaries need a sanitizer (cargo fuzz build -O)")
own = lambda key: key[0].startswith(src)
for label, keep in (("src/", own), ("dependencies", lambda key: not own(key))):
    print(f"edges in {label}: {sum(v for k, v in earlier.items() if keep(k))} earlier,"
          f" {sum(v for k, v in later.items() if keep(k))} later")
for key in sorted(set(earlier) | set(later)):
    if own(key) and earlier.get(key, 0) != later.get(key, 0):
        print(f"  {key[0][len(src) - 3:]} {key[1][:90]}: {earlier.get(key, 0)} -> {later.get(key, 0)}")
PY
