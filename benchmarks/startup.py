"""Start-up of the command line, timed as whole processes against `python -c "import pandas"`.

`python -m benchmarks --startup [--repeat N] [--out DIR]` runs, round after round in the same
run, `python -c "import pandas"` (the reference: the least any command that reads a scenario
pays), `optimiser --help`, `optimiser validate` and `optimiser solve --out <tmp>` on the default
scenario, and writes startup.json with each command's median wall-clock seconds and its ratio
to the reference. Interleaving the rounds lets a busy shared machine slow every command alike.

The processes import the `optimiser` that PYTHONPATH (or the installation) gives them, from a
scratch working folder, so `PYTHONPATH=/path/to/other/checkout python -m benchmarks --startup`
times another version of the code; the file records which one ran (`optimiser_path`).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REFERENCE = "import_pandas"
# name -> arguments after the interpreter; "{out}" is a fresh folder for each run
COMMANDS = {
    REFERENCE: ["-c", "import pandas"],
    "help": ["-m", "optimiser", "--help"],
    "validate": ["-m", "optimiser", "validate"],
    "solve": ["-m", "optimiser", "solve", "--out", "{out}"],
}


def _time_process(args: list[str], cwd: Path) -> float:
    """Seconds from start to exit of `python <args>`; a failed command stops the benchmark."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"`python {' '.join(args)}` exited with {done.returncode}:\n{done.stderr}")
    return seconds


def _optimiser_path(cwd: Path) -> str:
    """Which optimiser package the timed processes import."""
    done = subprocess.run([sys.executable, "-c", "import optimiser; print(optimiser.__file__)"],
                          cwd=cwd, capture_output=True, text=True, check=True)
    return str(Path(done.stdout.strip()).parent)


def run_startup(repeat: int, out: Path, machine: dict) -> Path:
    """Time every command `repeat` times (after one untimed warm-up round that fills the disk
    cache and writes bytecode); write `out`/startup.json and return its path."""
    runs: dict[str, list[float]] = {name: [] for name in COMMANDS}
    with tempfile.TemporaryDirectory(prefix="optimiser-startup-") as scratch:
        cwd = Path(scratch)
        for round_ in range(repeat + 1):
            for name, args in COMMANDS.items():
                folder = cwd / f"{name}_{round_}"
                seconds = _time_process([a.replace("{out}", str(folder)) for a in args], cwd)
                if round_ > 0:
                    runs[name].append(seconds)
            if not (cwd / "solve_0" / "summary.json").exists():
                raise RuntimeError("`optimiser solve --out` wrote no summary.json")
        code = _optimiser_path(cwd)
    median = {name: statistics.median(seconds) for name, seconds in runs.items()}
    record = {
        "kind": "startup", "repeat": repeat, "optimiser_path": code, "reference": "python -c 'import pandas'",
        "median_seconds": median,
        "ratio_to_reference": {name: median[name] / median[REFERENCE] for name in COMMANDS if name != REFERENCE},
        "runs": runs, "machine": machine, "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    out.mkdir(parents=True, exist_ok=True)
    dst = out / "startup.json"
    dst.write_text(json.dumps(record, indent=2) + "\n")
    ratios = record["ratio_to_reference"]
    print(f"import pandas {median[REFERENCE]:.2f}s; " + "; ".join(
        f"optimiser {name} {median[name]:.2f}s ({ratios[name]:.1f}x)" for name in ratios)
        + f" (medians of {repeat}, code in {code}) -> {dst}")
    return dst
