#!/bin/sh
# Seeds fuzz/corpus/{parse,diff} from the project's fixtures.
#   parse: every fixture Markdown file as it is.
#   diff:  every fixtures/diff/<case> as old.md, a NUL byte, new.md (the diff target
#          splits its input at the first NUL), plus each parse fixture paired with itself.
set -eu
cd "$(dirname "$0")"
fixtures=../fixtures
mkdir -p corpus/parse corpus/diff
find "$fixtures" -name '*.md' | while read -r file; do
    cp "$file" "corpus/parse/$(echo "${file#"$fixtures"/}" | tr '/' '_')"
done
for case in "$fixtures"/diff/*/; do
    name=$(basename "$case")
    { cat "$case/old.md"; printf '\0'; cat "$case/new.md"; } > "corpus/diff/$name"
done
for file in "$fixtures"/parse/*.md; do
    name=$(basename "$file" .md)
    { cat "$file"; printf '\0'; cat "$file"; } > "corpus/diff/self_$name"
done
echo "parse: $(ls corpus/parse | wc -l) seeds, diff: $(ls corpus/diff | wc -l) seeds"
