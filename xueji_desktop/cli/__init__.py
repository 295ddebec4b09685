"""`xueji`: the same services from a terminal — for scripting, tests and the installer's self-test.

One module per area (school, batches, procedures, printing); each adds its commands to the parser and names the
function that carries each out. Every command takes --data-dir (default: XUEJI_DATA_DIR, then the per-user data
folder). Messages are Chinese; exit 0 when done, 1 when the command found problems (a file with errors, a check that
failed), 2 when it was refused — the refusal names the article it rests on.

Refusals and faults are handled here, once, for every command: a `DomainError` (a rule's findings, a file that cannot
be read, a full disk, a locked or damaged data file) prints its lines on stderr — each finding naming its article,
then the hint — and exits 2; anything else is a fault nobody expected: its traceback goes to the data folder's
logs/xueji.log (a temporary log when no data folder could be opened), one Chinese line names that file, exit 1. A
clerk never sees a Python traceback. argparse's own usage errors stay as argparse prints them.
"""

from __future__ import annotations

import argparse
import os
import sys

from xueji_desktop import APP_NAME
from xueji_desktop.cli import batches, fitness, printing, procedures, sanctions, school, year_end
from xueji_desktop.cli.common import ChineseParser
from xueji_desktop.errors import DomainError

EXIT_PROBLEMS = 1  # the command ran and found problems (or a fault nobody expected happened)
EXIT_REFUSED = 2


def _parser() -> argparse.ArgumentParser:
    parser = ChineseParser(prog="xueji", description=f"{APP_NAME} 命令行")
    commands = parser.add_subparsers(dest="command", required=True)
    for area in (school, batches, procedures, printing, fitness, sanctions, year_end):
        area.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:  # `xueji students | head`: the reader has all it wanted
        sys.stdout = open(os.devnull, "w")
        return 0
    except DomainError as refusal:
        return _refused(refusal)
    except Exception as error:
        from xueji_desktop.errors import file_problem
        from xueji_desktop.store import store_fault

        # a full disk, a locked or damaged data file, a file open in Excel: refusals too, in their own words
        refusal = store_fault(error) or file_problem(error)
        if refusal is not None:
            return _refused(refusal)
        return _fault(error, args)


def _run(args: argparse.Namespace) -> int:
    if not getattr(args, "needs_store", True):
        return args.handler(None, args)
    from xueji_desktop.fault_log import log_to
    from xueji_desktop.store import Store

    with Store.open(args.data_dir) as store:
        from xueji_desktop.services.holidays import take_in_old_files
        from xueji_desktop.services.school_setup import sign_in_registrar

        log_to(store.folder.root)
        sign_in_registrar(store)
        take_in_old_files(store)  # the 节假日安排 files an earlier version wrote, once
        return args.handler(store, args)


def _refused(refusal: DomainError) -> int:
    for line in refusal.lines:
        print(line, file=sys.stderr)
    return EXIT_REFUSED


def _fault(error: BaseException, args: argparse.Namespace) -> int:
    """Log the traceback (the data folder's log once it was opened, else the temporary one) and say where."""
    from xueji_desktop.fault_log import record_fault, unexpected_line

    path = record_fault(error, f"xueji {getattr(args, 'command', '')}".strip())
    print(unexpected_line(path), file=sys.stderr)
    return EXIT_PROBLEMS
