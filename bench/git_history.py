#!/usr/bin/env python3
"""Makes a generated forkcast corpus a git repository with a history of
estimates, so the benchmark measures the build with its `git log` step.

    bench/git_history.py SITE [COMMITS] [--seed N]

The first commit adds the whole site; each of the COMMITS that follow
(default 300) changes the top-level `probability:` of 1 to 8 futures, one
commit in ten renames a future file instead (and its references), and one
in twenty lowers only an edge's probability. Dates advance a day per commit from
2025-01-01, so the history is the same on every run. Not a test.
"""

import argparse
import os
import random
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path


def git(site, *args, when=None):
    env = dict(
        os.environ,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_AUTHOR_NAME="Bench",
        GIT_AUTHOR_EMAIL="bench@example.org",
        GIT_COMMITTER_NAME="Bench",
        GIT_COMMITTER_EMAIL="bench@example.org",
    )
    if when:
        stamp = f"{when.isoformat()}T12:00:00+00:00"
        env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=site,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


TOP = re.compile(r"^probability: .*$", re.M)
EDGE = re.compile(r"^    probability: .*$", re.M)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site", type=Path)
    ap.add_argument("commits", type=int, nargs="?", default=300)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    site = args.site
    rng = random.Random(args.seed)
    day = date(2025, 1, 1)
    git(site, "init", "-q")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "Generated corpus", when=day)
    futures = sorted((site / "futures").glob("*.yaml"))
    estimated = [f for f in futures if TOP.search(f.read_text())]
    renamed = 0
    for n in range(args.commits):
        day += timedelta(days=1)
        if n % 10 == 9:
            # A future's id is its file's name: every reference to it is
            # rewritten, as an author renaming one would.
            old = rng.choice(estimated)
            new = old.with_name(f"renamed-{renamed:04}-{old.name}")
            renamed += 1
            old_id, new_id = old.stem, new.stem
            git(site, "mv", str(old.relative_to(site)), str(new.relative_to(site)))
            pattern = re.compile(rf"\b{re.escape(old_id)}\b")
            for f in list((site / "futures").glob("*.yaml")) + list((site / "bets").glob("*.md")):
                text = f.read_text()
                if old_id in text:
                    f.write_text(pattern.sub(new_id, text))
            for d in [site / "content"]:
                for f in d.rglob("*.md"):
                    text = f.read_text()
                    if old_id in text:
                        f.write_text(pattern.sub(new_id, text))
            estimated[estimated.index(old)] = new
            subject = f"Rename {old_id} to {new_id}"
        elif n % 20 == 4:
            f = rng.choice(estimated)
            text = f.read_text()
            edge = EDGE.search(text)
            if edge:
                # Lowered, so a fork's edges still sum to at most 1.
                old = float(edge.group(0).split(":")[1])
                new = max(0.01, round(old * rng.uniform(0.5, 0.95), 2))
                f.write_text(EDGE.sub(f"    probability: {new}", text, count=1))
            subject = f"Edge of {f.stem} only"
        else:
            changed = rng.sample(estimated, rng.randint(1, 8))
            for f in changed:
                value = rng.randint(2, 98) / 100
                f.write_text(TOP.sub(f"probability: {value}", f.read_text(), count=1))
            subject = f"New evidence moves {len(changed)} estimates"
        git(site, "commit", "-q", "-a", "--allow-empty", "-m", subject, when=day)
    # Packed, as a clone's history is: loose objects would time the disk.
    git(site, "gc", "-q")


if __name__ == "__main__":
    main()
