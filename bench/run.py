"""Run the benchmarks: `bench/run.py` runs every bench/bench_*.py, `bench/run.py NAME [NAME...]` the named ones.

Each module exposes NAME and run() -> int (0), prints its raw figures and ends with one line
`BENCH <name>: ratio <x> (target >= <y>) PASS|FAIL`. The exit status is non-zero only when a benchmark crashes
(an exception, or run() returning non-zero) or a name is unknown; a FAIL ratio is a result, not a crash.
"""

import importlib.util
import signal
import sys
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def discover() -> tuple[dict, list[str]]:
    """NAME -> module for every bench/bench_*.py that imports; the import failures as messages."""
    sys.path.insert(0, str(BENCH_DIR))  # `import harness` from the benchmark modules
    modules, problems = {}, []
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        try:
            spec = importlib.util.spec_from_file_location(path.stem, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[path.stem] = module
            spec.loader.exec_module(module)
            name = module.NAME
            if not callable(getattr(module, "run", None)):
                raise TypeError("no run() function")
        except Exception:
            problems.append(f"{path.name}: cannot load:\n{traceback.format_exc()}")
            continue
        if name in modules:
            problems.append(f"{path.name}: NAME {name!r} already used by {Path(modules[name].__file__).name}")
            continue
        modules[name] = module
    return modules, problems


def _terminate(signum, frame):
    raise SystemExit(128 + signum)  # so the benchmark's `with Server()` stops gunicorn


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    modules, problems = discover()
    wanted = argv or sorted(modules)
    unknown = [name for name in wanted if name not in modules]
    crashed = bool(problems) and not argv  # running all: a module that does not load is a crash
    for problem in problems:
        print(problem, file=sys.stderr)
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(sorted(modules)) or 'none'}",
            file=sys.stderr,
        )
        return 2
    for name in wanted:
        module = modules[name]
        print(f"== bench {name} ({Path(module.__file__).relative_to(BENCH_DIR.parent)})", flush=True)
        started = time.monotonic()
        try:
            status = module.run()
        except Exception:
            traceback.print_exc()
            status = None
        sys.stdout.flush()
        if status != 0:
            crashed = True
            print(
                f"bench {name} crashed after {time.monotonic() - started:.1f} s (run() -> {status!r})", file=sys.stderr
            )
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
