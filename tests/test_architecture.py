"""The house rules of docs/ARCHITECTURE.md, read from the code's own imports (`ast`; nothing of the app is run).

- Qt stays in ui/: nothing below it imports PySide6 (app.py, the composition root above ui/, makes the QApplication).
- ui/ and the CLI ask services: they import neither SQLAlchemy nor sqlite3 and run no SQL of their own.
- rules/ is the regulation as pure functions: no ORM, no store, no services.
- Imports point down the layers (LAYERS below), never up.
- SQL stays dialect-neutral outside store.py and migrations/, so the services can run on PostgreSQL too.

Each check is a function from (path, source) to offences, "path:line: what"; the tests at the bottom feed each one a
small fake module, so every check is shown able to fail.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "xueji_desktop"

# The layers from the bottom up: a module may import its own layer and the layers below it, never one above.
# `farm-studio look` draws the same house (no arrow back up, no circle); where it puts two folders of one layer on
# different floors (documents/ below store.py), that is only because neither imports the other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__init__", "errors"),  # the package's face (name and version) and the one family of refusals
    ("paths", "fault_log"),  # where the data folder and the log are: read before anything else at start-up
    ("reference", "models", "rules"),  # code tables, typed tables, the regulation as pure functions
    ("store", "migrations"),  # the data file: connection, transactions, backups, schema revisions
    ("spreadsheets", "documents"),  # Excel in and out, PDFs
    ("services",),  # one use case = one transaction + one audit entry
    ("demo",),  # the demo school: fixture code built on the services
    ("cli", "ui"),  # the two faces: terminal and Qt
    ("app", "__main__"),  # the composition root
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}

QT_PACKAGES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")
# app.py is the composition root, above ui/: it makes the QApplication and paints the window first.
QT_ALLOWED_OUTSIDE_UI = {"xueji_desktop/app.py"}
SQL_LIBRARIES = ("sqlalchemy", "sqlite3")
SQL_BUILDERS = {"select", "text", "insert", "update", "delete", "union", "union_all", "exists"}
SESSION_CALLS = {"execute", "scalar", "scalars", "exec_driver_sql", "get", "add", "add_all", "flush", "merge"}
STORE_SQL_CALLS = {"read", "transaction", "query", "pragma"}
STORE_SQL_ATTRIBUTES = {"engine", "_sessions", "_raw", "_live_connection"}
RULES_MAY_IMPORT_FROM_MODELS = {"xueji_desktop.models.statuses"}  # pure enums, imported without SQLAlchemy
RULES_FORBIDDEN = (*SQL_LIBRARIES, "xueji_desktop.models", "xueji_desktop.store", "xueji_desktop.services")
DIALECT_FREE_EXCEPT = ("xueji_desktop/store.py", "xueji_desktop/migrations/")

# An SQL statement in a string: a keyword that opens one, then what that statement must contain.
SQL_STATEMENT = re.compile(
    r"^\s*(SELECT\b[\s\S]*\bFROM\b|INSERT\s+(OR\s+\w+\s+)?INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b"
    r"|PRAGMA\b|CREATE\s+(TABLE|INDEX|VIEW)\b|ALTER\s+TABLE\b|DROP\s+(TABLE|INDEX)\b|WITH\s+\w+\s+AS\b|BEGIN\b)",
    re.IGNORECASE,
)
# What only SQLite understands (PostgreSQL refuses each of these).
SQLITE_ONLY = re.compile(
    r"\bPRAGMA\b|\bINSERT\s+OR\s+\w+|\bREPLACE\s+INTO\b|\bjulianday\s*\(|\bstrftime\s*\(|\bsqlite_\w+"
    r"|\bgroup_concat\s*\(|\bifnull\s*\(|\bBEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)\b|\bAUTOINCREMENT\b"
    r"|\bdatetime\s*\(\s*'now'|\bdate\s*\(\s*'now'",
    re.IGNORECASE,
)
SQLITE_ONLY_FUNCTIONS = {"julianday", "strftime", "group_concat", "ifnull", "printf"}  # func.<name>(…)

Check = Callable[[str, str], list[str]]


# --- reading a module -------------------------------------------------------------------------------------------


def module_name(path: str) -> str:
    """xueji_desktop/ui/roster/tab.py -> xueji_desktop.ui.roster.tab (a package's __init__ is the package)."""
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__" and len(parts) > 2:
        parts.pop()
    return ".".join(parts)


def imports(path: str, tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, module) for every import anywhere in the file (inside functions and TYPE_CHECKING blocks too), relative
    ones resolved; `from package import submodule` names the submodule."""
    here = module_name(path).split(".")
    is_package = path.endswith("__init__.py")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here if is_package else here[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            for alias in node.names:
                yield node.lineno, _submodule_or_module(module, alias.name)


def _submodule_or_module(module: str, name: str) -> str:
    candidate = f"{module}.{name}"
    if candidate.startswith("xueji_desktop."):
        relative = Path(*candidate.split("."))
        if (ROOT / relative.with_suffix(".py")).exists() or (ROOT / relative / "__init__.py").exists():
            return candidate
    return module


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def docstring_nodes(tree: ast.Module) -> set[int]:
    """ids of the string constants that are docstrings (prose, not code)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def strings(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, text) of every string literal that is not a docstring; an f-string's literal parts joined with ' ? '."""
    skip = docstring_nodes(tree)
    in_fstring = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                in_fstring.add(id(value))
                parts.append(value.value if isinstance(value, ast.Constant) else " ? ")
            yield node.lineno, "".join(str(part) for part in parts)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in skip and id(node) not in in_fstring:
                yield node.lineno, node.value


def receiver_name(node: ast.expr) -> str:
    """The last name of what a method is called on: `self.store.read()` -> "store", `session.get(…)` -> "session"."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 60 else line[:57] + "…"


# --- the checks -------------------------------------------------------------------------------------------------


def qt_outside_ui(path: str, source: str) -> list[str]:
    """Qt is imported in ui/ only (and by app.py, which makes the QApplication)."""
    if path.startswith("xueji_desktop/ui/") or path in QT_ALLOWED_OUTSIDE_UI:
        return []
    return [
        f"{path}:{line}: imports {module} (Qt belongs in xueji_desktop/ui/)"
        for line, module in imports(path, ast.parse(source))
        if module.split(".")[0] in QT_PACKAGES
    ]


def sql_in_faces(path: str, source: str) -> list[str]:
    """ui/ and cli/ ask services: no SQLAlchemy, no sqlite3, no session, no statement, no SQL string."""
    if not path.startswith(("xueji_desktop/ui/", "xueji_desktop/cli/")):
        return []
    tree = ast.parse(source)
    found = [
        f"{path}:{line}: imports {module} (ask a service instead)"
        for line, module in imports(path, tree)
        if module.split(".")[0] in SQL_LIBRARIES
    ]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SQL_BUILDERS:
            found.append(f"{path}:{node.lineno}: builds a statement with {node.func.id}(…)")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, receiver = node.func.attr, receiver_name(node.func.value)
            if receiver.lstrip("_") == "store" and method in STORE_SQL_CALLS:
                found.append(
                    f"{path}:{node.lineno}: calls {receiver}.{method}(…) (a session or SQL of its own)"
                )
            elif receiver.lstrip("_") == "session" and method in SESSION_CALLS:
                found.append(f"{path}:{node.lineno}: runs session.{method}(…)")
            elif receiver == "func":
                found.append(f"{path}:{node.lineno}: uses the SQL function func.{method}(…)")
        elif isinstance(node, ast.Attribute) and node.attr in STORE_SQL_ATTRIBUTES:
            if receiver_name(node.value).lstrip("_") == "store":
                found.append(f"{path}:{node.lineno}: reaches into store.{node.attr}")
    found += [
        f"{path}:{line}: holds the SQL statement “{short(text)}”"
        for line, text in strings(tree)
        if SQL_STATEMENT.match(text)
    ]
    return sorted(set(found), key=_by_line)


def orm_in_rules(path: str, source: str) -> list[str]:
    """rules/ is facts in, findings out: it imports no ORM, no store, no services (models.statuses' enums are pure)."""
    if not path.startswith("xueji_desktop/rules/"):
        return []
    return [
        f"{path}:{line}: imports {module} (rules are pure: pass the facts in from the service)"
        for line, module in imports(path, ast.parse(source))
        if any(is_within(module, forbidden) for forbidden in RULES_FORBIDDEN)
        and not any(is_within(module, allowed) for allowed in RULES_MAY_IMPORT_FROM_MODELS)
    ]


def layer_of(module: str) -> str | None:
    """The top-level name under xueji_desktop a module belongs to ("__init__" for the package itself)."""
    parts = module.split(".")
    if parts[0] != "xueji_desktop":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def upward_imports(path: str, source: str) -> list[str]:
    """No module imports a layer above its own (LAYERS)."""
    own = layer_of(module_name(path))
    if own is None:
        return []
    if own not in RANK:
        return [f"{path}:1: {own} is in no layer: add it to LAYERS in tests/test_architecture.py"]
    found = []
    for line, module in imports(path, ast.parse(source)):
        target = layer_of(module)
        if target is None or target == own:
            continue
        if target not in RANK:
            found.append(f"{path}:{line}: imports {module}, which is in no layer of LAYERS")
        elif RANK[target] > RANK[own]:
            found.append(f"{path}:{line}: {own} imports {module} from the higher layer {target}")
    return found


def sqlite_only_sql(path: str, source: str) -> list[str]:
    """Outside store.py and migrations/, SQL is what PostgreSQL runs too: no sqlite dialect, no PRAGMA, no INSERT OR,
    no julianday()/strftime(), no sqlite_ tables or options."""
    if path.startswith(DIALECT_FREE_EXCEPT):
        return []
    tree = ast.parse(source)
    found = [
        f"{path}:{line}: imports {module} (SQLite's own dialect)"
        for line, module in imports(path, tree)
        if is_within(module, "sqlalchemy.dialects.sqlite")
    ]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if receiver_name(node.func.value) == "func" and node.func.attr.lower() in SQLITE_ONLY_FUNCTIONS:
                found.append(f"{path}:{node.lineno}: calls the SQLite function func.{node.func.attr}(…)")
            if node.func.attr in {"pragma", "exec_driver_sql"}:
                found.append(f"{path}:{node.lineno}: calls .{node.func.attr}(…) (SQLite's own statements)")
        if isinstance(node, ast.keyword) and node.arg and node.arg.startswith("sqlite_"):
            found.append(f"{path}:{node.value.lineno}: passes the SQLite option {node.arg}=")
    for line, text in strings(tree):
        match = SQLITE_ONLY.search(text)
        if match and (SQL_STATEMENT.match(text) or match.group(0).upper().startswith(("PRAGMA", "SQLITE_"))):
            found.append(f"{path}:{line}: SQLite-only SQL “{match.group(0)}” in “{short(text)}”")
    return sorted(set(found), key=_by_line)


def circles(sources: dict[str, str]) -> list[str]:
    """No circle of imports among the package's modules (counting imports inside functions and TYPE_CHECKING blocks,
    as `farm-studio look` does): each circle is named with the imports that tie it, "path:line: a -> b"."""
    modules = {module_name(path): path for path in sources}
    edges: dict[str, dict[str, int]] = {module: {} for module in modules}
    for module, path in modules.items():
        for line, target in imports(path, ast.parse(sources[path])):
            if target in modules and target != module:
                edges[module].setdefault(target, line)
    found = []
    for group in _strongly_connected(edges):
        if len(group) > 1:
            ties = [
                f"{modules[a]}:{edges[a][b]}: {a} -> {b}"
                for a in sorted(group)
                for b in sorted(edges[a])
                if b in group
            ]
            found.append(f"circle of {len(group)} modules:\n  " + "\n  ".join(ties))
    return found


def _strongly_connected(edges: dict[str, dict[str, int]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(edges[target]))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups


def _by_line(offence: str) -> tuple[str, int, str]:
    path, line, what = offence.split(":", 2)
    return path, int(line), what


CHECKS: dict[str, Check] = {
    "qt_outside_ui": qt_outside_ui,
    "sql_in_faces": sql_in_faces,
    "orm_in_rules": orm_in_rules,
    "upward_imports": upward_imports,
    "sqlite_only_sql": sqlite_only_sql,
}


# --- the house as it is -----------------------------------------------------------------------------------------


def package_files() -> list[str]:
    return sorted(path.relative_to(ROOT).as_posix() for path in PACKAGE.rglob("*.py"))


def offences(check: Check) -> list[str]:
    found = []
    for path in package_files():
        found += check(path, (ROOT / path).read_text(encoding="utf-8"))
    return found


@pytest.mark.parametrize("name", CHECKS)
def test_the_house_keeps_its_rule(name):
    found = offences(CHECKS[name])
    assert not found, f"{CHECKS[name].__doc__.splitlines()[0]}\n" + "\n".join(found)


def test_no_circle_of_imports():
    sources = {path: (ROOT / path).read_text(encoding="utf-8") for path in package_files()}
    found = circles(sources)
    assert not found, "\n".join(found)


def test_the_circle_check_finds_a_planted_circle():
    sources = {
        "xueji_desktop/services/procedures/kinds.py": "def all_kinds():\n    from . import transfers\n",
        "xueji_desktop/services/procedures/transfers.py": "from xueji_desktop.services.procedures.kinds import ask\n",
        "xueji_desktop/services/procedures/base.py": "from xueji_desktop.services.procedures import kinds\n",
    }
    assert circles(sources) == [
        "circle of 2 modules:\n"
        "  xueji_desktop/services/procedures/kinds.py:2: xueji_desktop.services.procedures.kinds ->"
        " xueji_desktop.services.procedures.transfers\n"
        "  xueji_desktop/services/procedures/transfers.py:1: xueji_desktop.services.procedures.transfers ->"
        " xueji_desktop.services.procedures.kinds"
    ]
    del sources["xueji_desktop/services/procedures/transfers.py"]
    assert circles(sources) == []


def test_every_top_level_module_is_in_a_layer():
    tops = {layer_of(module_name(path)) for path in package_files()}
    assert tops <= set(RANK), f"not in LAYERS: {sorted(tops - set(RANK))}"
    assert set(RANK) <= tops, f"in LAYERS but not in the package: {sorted(set(RANK) - tops)}"


def test_the_rules_load_without_sqlalchemy():
    """What the import check says, proven: importing every rules module leaves SQLAlchemy unloaded."""
    names = [module_name(path) for path in package_files() if path.startswith("xueji_desktop/rules/")]
    probe = f"import importlib, sys\nfor name in {names!r}:\n    importlib.import_module(name)\n"
    probe += "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'PySide6')))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


# --- each check can fail ----------------------------------------------------------------------------------------

BAD_AND_GOOD = {
    "qt_outside_ui": (
        "xueji_desktop/services/roster.py",
        "def f():\n    from PySide6.QtCore import QObject\n",
        ["xueji_desktop/services/roster.py:2: imports PySide6.QtCore (Qt belongs in xueji_desktop/ui/)"],
        "from xueji_desktop.rules import findings\n",
    ),
    "sql_in_faces": (
        "xueji_desktop/ui/roster/tab.py",
        "from sqlalchemy import select\n"
        "def f(self):\n"
        "    with self.store.read() as session:\n"
        "        return session.scalar(select(Student.id))\n"
        'ROWS = "SELECT id FROM student"\n',
        [
            "xueji_desktop/ui/roster/tab.py:1: imports sqlalchemy (ask a service instead)",
            "xueji_desktop/ui/roster/tab.py:3: calls store.read(…) (a session or SQL of its own)",
            "xueji_desktop/ui/roster/tab.py:4: builds a statement with select(…)",
            "xueji_desktop/ui/roster/tab.py:4: runs session.scalar(…)",
            "xueji_desktop/ui/roster/tab.py:5: holds the SQL statement “SELECT id FROM student”",
        ],
        'def f(self):\n    """Select the row from the list."""\n    self.table.select(self.name.text())\n',
    ),
    "orm_in_rules": (
        "xueji_desktop/rules/enrolment.py",
        "from xueji_desktop.models.student import EnrolmentStep\nimport sqlalchemy.orm\n",
        [
            "xueji_desktop/rules/enrolment.py:1: imports xueji_desktop.models.student (rules are pure: pass the"
            " facts in from the service)",
            "xueji_desktop/rules/enrolment.py:2: imports sqlalchemy.orm (rules are pure: pass the facts in from the"
            " service)",
        ],
        "from xueji_desktop.models.statuses import EnrolmentStep\nfrom .findings import Finding\n",
    ),
    "upward_imports": (
        "xueji_desktop/services/roster.py",
        "from xueji_desktop.ui.roster import model\nfrom ..demo import create_demo_school\n",
        [
            "xueji_desktop/services/roster.py:1: services imports xueji_desktop.ui.roster.model from the higher"
            " layer ui",
            "xueji_desktop/services/roster.py:2: services imports xueji_desktop.demo from the higher layer demo",
        ],
        "from xueji_desktop.store import Store\nfrom . import audit\nfrom ..rules import findings\n",
    ),
    "sqlite_only_sql": (
        "xueji_desktop/services/audit.py",
        "from sqlalchemy.dialects.sqlite import insert\n"
        "def f(store, session):\n"
        "    store.pragma('foreign_keys')\n"
        '    session.execute(text("INSERT OR IGNORE INTO school (id) VALUES (1)"))\n'
        "    session.scalar(select(func.julianday(Student.birth_date)))\n"
        '    store.query("SELECT name FROM sqlite_master")\n',
        [
            "xueji_desktop/services/audit.py:1: imports sqlalchemy.dialects.sqlite (SQLite's own dialect)",
            "xueji_desktop/services/audit.py:3: calls .pragma(…) (SQLite's own statements)",
            "xueji_desktop/services/audit.py:4: SQLite-only SQL “INSERT OR IGNORE” in “INSERT OR IGNORE INTO"
            " school (id) VALUES (1)”",
            "xueji_desktop/services/audit.py:5: calls the SQLite function func.julianday(…)",
            "xueji_desktop/services/audit.py:6: SQLite-only SQL “sqlite_master” in “SELECT name FROM"
            " sqlite_master”",
        ],
        "def f(session, day):\n"
        '    """PRAGMA and strftime( in a docstring are prose."""\n'
        "    session.execute(select(Student).where(Student.birth_date < day))\n"
        "    return day.strftime('%Y-%m-%d')\n",
    ),
}


@pytest.mark.parametrize("name", CHECKS)
def test_each_check_finds_a_planted_offence(name):
    path, bad, expected, good = BAD_AND_GOOD[name]
    assert CHECKS[name](path, bad) == expected
    assert CHECKS[name](path, good) == []


def test_the_checks_leave_the_places_they_allow_alone():
    assert (
        qt_outside_ui("xueji_desktop/ui/self_test.py", "from PySide6.QtWidgets import QApplication\n") == []
    )
    assert sql_in_faces("xueji_desktop/services/roster.py", "from sqlalchemy import select\n") == []
    assert sqlite_only_sql("xueji_desktop/store.py", 'X = "PRAGMA journal_mode=WAL"\n') == []
    assert (
        upward_imports("xueji_desktop/cli/school.py", "from xueji_desktop.ui.screenshot import render\n")
        == []
    )
    assert upward_imports("xueji_desktop/newplace.py", "") == [
        "xueji_desktop/newplace.py:1: newplace is in no layer: add it to LAYERS in tests/test_architecture.py"
    ]
