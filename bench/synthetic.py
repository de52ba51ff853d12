#!/usr/bin/env python3
"""Generates the synthetic archives and pairs that the scale benchmarks run on.

Each history is written with `git fast-import` (seconds, not minutes, for 50,000
commits); the text is deterministic (a fixed seed), so two runs give the same objects.

    python3 bench/synthetic.py OUT_DIR [--only NAME ...] [--commits N] ...

Writes under OUT_DIR:

  many/         git: 8,000 commits over 800 briefings in month folders, each commit one
                briefing's edit (a word and `modified_time`): for range costs
                (`audit many HEAD~1000..HEAD` against the whole history) and `history DOC`
  one-file/     git: 50,000 commits to one briefing whose body returns to one state
                every other commit (50,000 comparisons, 25,000 returns): for the
                history rules' cost and memory (`content-reverted`, `flapping`)
  large/        git: 400 revisions of one 0.9 MB briefing, three words edited in each:
                the memory of one long history of a large document
  turns-old.md, turns-edited.md, turns-shuffled.md
                a 5,000-turn briefing; every turn edited; shuffled and edited
  paragraph-old.md, paragraph-new.md
                a 5 MB single paragraph with 100 scattered one-word edits
"""

import argparse
import os
import random
import shutil
import subprocess
import sys

WORDS = ("the president said congress will fund ports roads bridges broadband plan year "
         "state across every work coming that with and in on to we our nation families "
         "jobs economy inflation prices energy security today week administration").split()

NAMES = ("press-briefing-by-press-secretary", "remarks-by-president-on-the-economy",
         "statement-on-infrastructure", "readout-of-call-with-governors",
         "fact-sheet-on-ports-and-waterways")


def sentence(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words))


def front_matter(title, modified):
    return (f"---\ntitle: {title}\ndate: '2023-01-05'\n"
            f"modified_time: {modified}\n"
            f"source_url: https://example.gov/briefing-room/{title.lower().replace(' ', '-')}/\n"
            "---\n\n")


def turns_text(turns):
    """A body from (speaker, text) pairs in the archive's layout."""
    return "".join(f"{speaker}:  {text}\n\n" for speaker, text in turns)


def stamp(seconds):
    hours, rest = divmod(seconds % 86400, 3600)
    return f"2023-01-05 {hours:02d}:{rest // 60:02d}:{rest % 60:02d}-05:00"


class FastImport:
    """A `git fast-import` stream into a new repository at `path`, one branch `main`."""

    def __init__(self, path):
        subprocess.run(["git", "init", "--quiet", "-b", "main", path], check=True)
        self.process = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=path,
                                        stdin=subprocess.PIPE)
        self.out = self.process.stdin
        self.count = 0
        self.time = 1_672_900_000

    def commit(self, files, message):
        """One commit setting each `path → text` of `files`."""
        self.count += 1
        self.time += 60
        message = message.encode()
        head = (f"commit refs/heads/main\nmark :{self.count}\n"
                f"committer Scraper <scraper@example.gov> {self.time} +0000\n"
                f"data {len(message)}\n").encode()
        self.out.write(head + message + b"\n")
        if self.count > 1:
            self.out.write(f"from :{self.count - 1}\n".encode())
        for path, text in files.items():
            data = text.encode()
            self.out.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode())
            self.out.write(data + b"\n")
        self.out.write(b"\n")

    def close(self):
        self.out.close()
        if self.process.wait() != 0:
            sys.exit("synthetic: git fast-import failed")


def many(path, commits, files):
    """`commits` commits over `files` briefings: first each is added, then edited in turn."""
    rng = random.Random(1)
    bodies = []
    paths = []
    for index in range(files):
        month = f"2023-{index % 12 + 1:02d}"
        paths.append(f"press-briefings/{month}/{NAMES[index % len(NAMES)]}-{index}.md")
        bodies.append([("MS. JEAN-PIERRE" if turn % 2 else "Q", sentence(rng, 40))
                       for turn in range(12)])
    out = FastImport(path)
    for number in range(commits):
        index = number % files
        turns = bodies[index]
        if number >= files:
            # One word of one answer changes.
            turn = rng.randrange(len(turns))
            words = turns[turn][1].split()
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            turns[turn] = (turns[turn][0], " ".join(words))
        title = f"Briefing {index}"
        text = front_matter(title, stamp(number)) + turns_text(turns)
        out.commit({paths[index]: text}, f"update {paths[index]}")
    out.close()


def one_file(path, commits):
    """One briefing whose body is state A on even commits and a new state on odd ones."""
    rng = random.Random(2)
    turns = [("MS. JEAN-PIERRE" if turn % 2 else "Q", sentence(rng, 40)) for turn in range(20)]
    out = FastImport(path)
    for number in range(commits):
        body = list(turns)
        if number % 2:
            body[7] = (body[7][0], body[7][1] + f" revision {number}")
        text = front_matter("Press Briefing", stamp(number)) + turns_text(body)
        out.commit({"press-briefings/2023-01/2023-01-05-press-briefing.md": text},
                   f"revision {number}")
    out.close()


def large(path, commits, size):
    """`commits` revisions of one briefing of about `size` bytes, three words edited in each."""
    rng = random.Random(3)
    turns = []
    while sum(len(text) + 20 for _, text in turns) < size:
        turns.append(("MS. JEAN-PIERRE" if len(turns) % 2 else "Q", sentence(rng, 25)))
    out = FastImport(path)
    for number in range(commits):
        for _ in range(3 if number else 0):
            turn = rng.randrange(len(turns))
            words = turns[turn][1].split()
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            turns[turn] = (turns[turn][0], " ".join(words))
        text = front_matter("Large Briefing", stamp(number)) + turns_text(turns)
        out.commit({"press-briefings/2023-01/2023-01-05-large-briefing.md": text},
                   f"revision {number}")
    out.close()


def turn_pairs(out_dir, count):
    """A `count`-turn briefing, every turn edited, and the same shuffled and edited."""
    rng = random.Random(4)
    old = [("MS. PSAKI", f"Answer {i}: " + sentence(rng, 25)) for i in range(count)]
    edited = [(speaker, text + f" edited {i}") for i, (speaker, text) in enumerate(old)]
    shuffled = list(edited)
    rng.shuffle(shuffled)
    for name, turns in (("old", old), ("edited", edited), ("shuffled", shuffled)):
        with open(os.path.join(out_dir, f"turns-{name}.md"), "w") as file:
            file.write(front_matter("Turns", "2023-01-05 12:00:00-05:00") + turns_text(turns))


def paragraph_pair(out_dir, size, edits):
    """One paragraph of about `size` bytes and a copy with `edits` scattered words replaced."""
    rng = random.Random(5)
    words = []
    length = 0
    while length < size:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    new = list(words)
    for position in rng.sample(range(len(words)), edits):
        new[position] = "changed"
    for name, text in (("old", words), ("new", new)):
        with open(os.path.join(out_dir, f"paragraph-{name}.md"), "w") as file:
            body = "MS. PSAKI:  " + " ".join(text) + "\n"
            file.write(front_matter("Paragraph", "2023-01-05 12:00:00-05:00") + body)


KINDS = ("many", "one-file", "large", "turns", "paragraph")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--only", action="append", choices=KINDS)
    parser.add_argument("--commits", type=int, default=8000, help="commits of many/")
    parser.add_argument("--files", type=int, default=800, help="briefings of many/")
    parser.add_argument("--one-file-commits", type=int, default=50_000)
    parser.add_argument("--large-commits", type=int, default=400)
    parser.add_argument("--large-bytes", type=int, default=900_000)
    parser.add_argument("--turns", type=int, default=5000)
    parser.add_argument("--paragraph-bytes", type=int, default=5_000_000)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for kind in args.only or KINDS:
        target = os.path.join(args.out, kind)
        if kind in ("many", "one-file", "large"):
            shutil.rmtree(target, ignore_errors=True)
        if kind == "many":
            many(target, args.commits, args.files)
        elif kind == "one-file":
            one_file(target, args.one_file_commits)
        elif kind == "large":
            large(target, args.large_commits, args.large_bytes)
        elif kind == "turns":
            turn_pairs(args.out, args.turns)
        else:
            paragraph_pair(args.out, args.paragraph_bytes, 100)


if __name__ == "__main__":
    main()
