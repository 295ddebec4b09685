"""T9's full form (RELIABILITY.md): 5,000 mutated spreadsheets through the whole import, counted per outcome.

The seeds, mutations, worker pool and the pass rule are those of tests/spreadsheets/test_import_fuzz.py (which CI
runs with 300 files): each file must end in an ImportFileError (one Chinese line, nothing written) or a plan that
commits; an unexpected exception, a crashed worker or a file over 5 s is a failure. Failing files are kept for
replay (case N of a run seed is always the same file).

With --stream every .xlsx is read by the streaming reader that normally takes only large sheets (xlsx_stream.py).

Usage: python benchmarks/import_fuzz.py [--count 5000] [--seed 20260901] [--workers N] [--keep DIR] [--stream]
Exit status: 0 when there is no failure, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.spreadsheets.test_import_fuzz import CI_SEED, prepare, run_fuzz


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=CI_SEED)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument(
        "--keep", type=Path, default=Path("fuzz-failures"), help="where failing files are kept"
    )
    parser.add_argument("--stream", action="store_true", help="read every .xlsx with the streaming reader")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xueji-fuzz-") as work:
        folder = prepare(Path(work) / "fuzz")
        report = run_fuzz(
            args.count,
            args.seed,
            folder=folder,
            workers=args.workers,
            keep_failures=args.keep,
            stream=args.stream,
        )
    print(f"T9 import fuzzing, seed {args.seed}" + (", streaming reader" if args.stream else ""))
    print("\n".join(report.lines()))
    failed = len(report.failures)
    print(f"{failed} failures ({sum(1 for f in report.failures if f[1] == 'hang')} hangs)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
