"""`xueji`: the same services from a terminal — for scripting, tests and the installer's self-test.

One module per area (school, batches, procedures, printing); each adds its commands to the parser and names the
function that carries each out. Every command takes --data-dir (default: XUEJI_DATA_DIR, then the per-user data
folder). Messages are Chinese; exit 0 when done, 1 when the command found problems (a file with errors, a check that
failed), 2 when it was refused — the refusal names the article it rests on.
"""

from __future__ import annotations

import argparse
import os
import sys

from xueji_desktop import APP_NAME
from xueji_desktop.cli import batches, printing, procedures, school


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xueji", description=f"{APP_NAME} 命令行")
    commands = parser.add_subparsers(dest="command", required=True)
    for area in (school, batches, procedures, printing):
        area.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not getattr(args, "needs_store", True):
        return args.handler(None, args)
    from xueji_desktop.store import Store, StoreError

    try:
        store = Store.open(args.data_dir)
    except StoreError as error:
        print(str(error), file=sys.stderr)
        return 2
    with store:
        from xueji_desktop.services.holidays import take_in_old_files
        from xueji_desktop.services.school_setup import sign_in_registrar

        sign_in_registrar(store)
        take_in_old_files(store)  # the 节假日安排 files an earlier version wrote, once
        try:
            return args.handler(store, args)
        except BrokenPipeError:  # `xueji students | head`: the reader has all it wanted
            sys.stdout = open(os.devnull, "w")
            return 0
