"""Write the corpus files of the manifest's GitHub entries from fetched mirrors.

Each entry with `source = "github:owner/repo"` names a `path` and a `commit`. A fetched
mirror of that repository is expected under `<mirrors>/<owner>+<repo>/` (the git directory
is that folder itself or one below it, e.g. `repo/`). The file is written with
`git show <commit>:<path>`, byte for byte, as `<out>/<file>`. Mirrors, commits or paths
that are missing are reported and the script exits with status 1.

    python bench/corpus/rebuild_from_mirrors.py [--mirrors /work/.mirror] \
        [--out /work/corpus/files] [--force]

With an entry's `sha256` in the manifest, a written file that does not match it is
reported too. `--record-sha256` writes nothing from mirrors: it sets the `sha256` field
(the hash of the file bytes) of every manifest entry, of any format, whose file is in
`--out`, after its `file` line, and leaves the other entries as they are.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

MANIFEST = Path(__file__).resolve().parent / "manifest.toml"


def find_git_dir(folder: Path) -> Path | None:
    """The git directory at or below `folder` (a bare repository or a `.git` folder)."""
    if not folder.is_dir():
        return None
    candidates = [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]
    for candidate in candidates:
        for git_dir in (candidate, candidate / ".git"):
            if (git_dir / "HEAD").is_file() and (git_dir / "objects").is_dir():
                return git_dir
    return None


def show(git_dir: Path, commit: str, path: str) -> bytes | None:
    result = subprocess.run(["git", f"--git-dir={git_dir}", "show", f"{commit}:{path}"],
                            capture_output=True, check=False)
    return result.stdout if result.returncode == 0 else None


def rebuild(entries: list[dict], mirrors: Path, out: Path, *, force: bool) -> list[str]:
    """Write the files; returns the problems found, one line each."""
    problems = []
    out.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        source = entry["source"]
        if not source.startswith("github:"):
            continue
        owner_repo = source.removeprefix("github:")
        target = out / entry["file"]
        if target.exists() and not force:
            print(f"{entry['id']}: {target.name} already there (use --force to rewrite)")
            continue
        git_dir = find_git_dir(mirrors / owner_repo.replace("/", "+", 1))
        if git_dir is None:
            problems.append(f"{entry['id']}: no mirror of {owner_repo} under {mirrors}")
            continue
        data = show(git_dir, entry["commit"], entry["path"])
        if data is None:
            problems.append(f"{entry['id']}: {entry['commit']}:{entry['path']} "
                            f"not in the mirror {git_dir}")
            continue
        target.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        if entry.get("sha256") and entry["sha256"] != digest:
            problems.append(f"{entry['id']}: {target.name} does not match its sha256")
        print(f"{entry['id']}: {target.name} ({len(data)} bytes, sha256 {digest[:12]})")
    return problems


_FILE_LINE = re.compile(r'^file = "([^"]+)"$')
_SHA_LINE = re.compile(r'^sha256 = "[^"]*"$')


def record_sha256(manifest: Path, folder: Path) -> int:
    """Set `sha256 = "..."` after the `file` line of each entry whose file is in `folder`
    (an entry whose file is absent keeps the hash it has); returns how many were set.
    """
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    out, count, skip = [], 0, False
    for line in lines:
        if skip and _SHA_LINE.match(line.rstrip("\n")):
            skip = False
            continue  # the old hash of a file just hashed again
        skip = False
        out.append(line)
        match = _FILE_LINE.match(line.rstrip("\n"))
        if match and (folder / match.group(1)).is_file():
            digest = hashlib.sha256((folder / match.group(1)).read_bytes()).hexdigest()
            out.append(f'sha256 = "{digest}"\n')
            count, skip = count + 1, True
    manifest.write_text("".join(out), encoding="utf-8")
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=Path("/work/corpus/files"))
    parser.add_argument("--force", action="store_true", help="rewrite files already there")
    parser.add_argument("--record-sha256", action="store_true",
                        help="only set the manifest's sha256 fields from the files in --out")
    args = parser.parse_args(argv)
    if args.record_sha256:
        count = record_sha256(args.manifest, args.out)
        print(f"sha256 recorded for {count} entries in {args.manifest}")
        return 0
    with args.manifest.open("rb") as handle:
        entries = tomllib.load(handle)["document"]
    problems = rebuild(entries, args.mirrors, args.out, force=args.force)
    for line in problems:
        print(f"missing: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
