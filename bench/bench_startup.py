"""Start-up: `tracker tasks list` on an empty database against its floor,
`python -c "import sqlmodel"` (issue 16.5: goal ≤ 1.3×).

Both run as whole processes, in turn (A B A B ...) after one warm-up each, in a fresh
folder with a config and an initialised database; each run's CPU time (user + system)
and wall time come from the operating system's accounting of the finished child
(`os.wait4`). Prints the medians and the median of the pair-by-pair ratios.

The project's packages are byte-compiled first, as SQLModel's are by pip: with
PYTHONDONTWRITEBYTECODE set (as in these sessions) the warm-up writes no .pyc files and
every run of `tracker` would compile its own modules from source, a cost no installed
tool pays (`--no-compile` skips this; to measure the old way, remove the __pycache__
folders too).

    python bench/bench_startup.py --runs 15
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(cpu seconds, wall seconds) of one run of `argv`."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {process.returncode}")
    return usage.ru_utime + usage.ru_stime, wall


def compile_project() -> None:
    """Write the .pyc files of tracker, notifications and roadmaps (not importing them)."""
    for package in ("tracker", "notifications", "roadmaps"):
        spec = importlib.util.find_spec(package)
        for folder in spec.submodule_search_locations if spec else ():
            compileall.compile_dir(folder, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-compile", action="store_true",
                        help="do not byte-compile the project first (.pyc files already "
                             "written stay)")
    args = parser.parse_args()
    if not args.no_compile:
        compile_project()
    tracker = [sys.executable, "-c", "from tracker.cli.main import run; run()"]
    floor = [sys.executable, "-c", "import sqlmodel"]
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        (cwd / "config.toml").write_text('timezone = "Europe/Moscow"\n', encoding="utf-8")
        subprocess.run([*tracker, "init"], cwd=cwd, check=True, capture_output=True)
        command = [*tracker, "tasks", "list"]
        timed(command, cwd), timed(floor, cwd)  # warm-up: page cache, .pyc files
        ours, base = [], []
        for _ in range(args.runs):
            ours.append(timed(command, cwd))
            base.append(timed(floor, cwd))
    cpu = [a[0] / b[0] for a, b in zip(ours, base, strict=True)]
    wall = [a[1] / b[1] for a, b in zip(ours, base, strict=True)]
    median = statistics.median
    compiled = "no" if args.no_compile else "yes"
    print(f"runs: {args.runs} each, in turn; load average {os.getloadavg()[0]:.1f}; "
          f"project byte-compiled: {compiled}")
    print(f"tracker tasks list (empty database): cpu {median(a for a, _ in ours):.3f} s, "
          f"wall {median(w for _, w in ours):.3f} s")
    print(f"floor, python -c 'import sqlmodel': cpu {median(a for a, _ in base):.3f} s, "
          f"wall {median(w for _, w in base):.3f} s")
    print(f"ratio (median of pairs): cpu {median(cpu):.2f}x (min {min(cpu):.2f}, "
          f"max {max(cpu):.2f}), wall {median(wall):.2f}x; goal <= 1.3x")


if __name__ == "__main__":
    main()
