"""Writes docs/rules.md: every rule of the regulation (docs/regulation/RULES.md) with its article, the code that
enforces it and the tests that prove it, read from the code and the tests themselves.

- Enforced by: the functions (or module-level names) holding the rule id as a value of its own — `block("R18.3", …)`,
  `Finding("R10.1", …)`, `Proofs("R22.1", …)`, `rule = "R23.1" if … else "R24.1"`.
- Named in: the functions whose docstrings, comments or messages name the id (deadlines and records, which make no
  finding, are found here).
- Proven by: the tests that name the id: in their name (`…_R18_3`), docstring, asserts or comments, or in the case
  list their parametrize reads; a test module whose docstring names it.

    python scripts/rules_matrix.py           # rewrite docs/rules.md
    python scripts/rules_matrix.py --check   # exit 1 when docs/rules.md is stale (tests/test_rules_matrix.py does this)
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES_TABLE = Path("docs/regulation/RULES.md")
OUTPUT = Path("docs/rules.md")
MATRIX_TESTS = "tests/test_rules_matrix.py"  # its made-up ids (R18.9 …) test this script, they prove no rule
RULE_ID = re.compile(r"\bR([0-9]{1,2})\.([0-9]{1,2})\b")
RULE_ID_ALONE = re.compile(r"R[0-9]{1,2}\.[0-9]{1,2}")
RULE_ID_IN_TEST_NAME = re.compile(r"(?:^|_)[Rr]([0-9]{1,2})_([0-9]{1,2})(?=_|$)")
TABLE_ROW = re.compile(r"^\|\s*(R[0-9]+\.[0-9]+)\s*\|\s*([0-9, ]+)\s*\|(.*)\|\s*([^|]+?)\s*\|\s*$")
NUMERALS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Rule:
    id: str
    articles: tuple[int, ...]
    text: str
    kind: str


@dataclass
class Matrix:
    enforced: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    named: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    proven: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def article_name(article: int) -> str:
    """第十二条 for 12 (as rules.findings.article_name, which this script does not import)."""
    tens, ones = divmod(article, 10)
    text = ("" if tens == 1 else NUMERALS[tens]) + "十" if tens else ""
    if ones or not tens:
        text += NUMERALS[ones]
    return f"第{text}条"


def load_rules(table: str) -> list[Rule]:
    """The rows of RULES.md's table, in its order."""
    rules = []
    for line in table.splitlines():
        match = TABLE_ROW.match(line)
        if match:
            rule_id, articles, text, kind = match.groups()
            numbers = tuple(int(a) for a in articles.replace(" ", "").split(",") if a)
            rules.append(Rule(rule_id, numbers, text.strip(), kind.strip()))
    return rules


def _ids(text: str) -> set[str]:
    return {f"R{article}.{number}" for article, number in RULE_ID.findall(text)}


class _Places(ast.NodeVisitor):
    """The innermost named place (Class.function, or a module-level name) of every line of a module."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.spans: list[tuple[int, int, str]] = []

    def _enter(self, node: ast.AST, name: str) -> None:
        self.stack.append(name)
        self.spans.append((node.lineno, node.end_lineno or node.lineno, ".".join(self.stack)))
        self.generic_visit(node)
        self.stack.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._enter(node, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._enter(node, node.name)

    def visit_Assign(self, node: ast.Assign) -> None:
        if not self.stack and isinstance(node.targets[0], ast.Name):
            self._enter(node, node.targets[0].id)
        else:
            self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if not self.stack and isinstance(node.target, ast.Name):
            self._enter(node, node.target.id)
        else:
            self.generic_visit(node)

    def at(self, line: int) -> str:
        inside = [(end - start, name) for start, end, name in self.spans if start <= line <= end]
        return min(inside)[1] if inside else "(module)"


def scan_code(path: str, source: str, matrix: Matrix) -> None:
    """Adds what one module of the package enforces and names."""
    tree = ast.parse(source)
    places = _Places()
    places.visit(tree)
    where = path.removeprefix("xueji_desktop/")
    messages = {id(node.msg) for node in ast.walk(tree) if isinstance(node, ast.Assert) and node.msg}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if RULE_ID_ALONE.fullmatch(node.value) and id(node) not in messages:
                matrix.enforced[node.value].add(f"`{where}` {places.at(node.lineno)}")
            else:
                for rule_id in _ids(node.value):
                    matrix.named[rule_id].add(f"`{where}` {places.at(node.lineno)}")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            for rule_id in _ids(token.string):
                matrix.named[rule_id].add(f"`{where}` {places.at(token.start[0])}")


def scan_tests(path: str, source: str, matrix: Matrix) -> None:
    """Adds the tests of one test module that name a rule: in their name (`…_R18_3`), anywhere in their text
    (decorators, docstring, asserts on `rule_id`, comments), or in a module-level case list their parametrize uses;
    a module docstring naming a rule adds the module itself."""
    tree = ast.parse(source)
    lines = source.splitlines()
    spans = {
        node.targets[0].id: (node.lineno, node.end_lineno or node.lineno)
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }

    def text_of(start: int, end: int) -> str:
        return "\n".join(lines[start - 1 : end])

    for rule_id in _ids(ast.get_docstring(tree) or ""):
        matrix.proven[rule_id].add(f"`{path}`")
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or not function.name.startswith(
            "test"
        ):
            continue
        first = min([function.lineno, *(d.lineno for d in function.decorator_list)])
        found = {f"R{a}.{n}" for a, n in RULE_ID_IN_TEST_NAME.findall(function.name)}
        found |= _ids(text_of(first, function.end_lineno or function.lineno))
        for decorator in function.decorator_list:
            for name in ast.walk(decorator):
                if isinstance(name, ast.Name) and name.id in spans:
                    found |= _ids(text_of(*spans[name.id]))
        owner = _test_class_of(tree, function)
        test_id = f"{path}::{owner + '::' if owner else ''}{function.name}"
        for rule_id in found:
            matrix.proven[rule_id].add(f"`{test_id}`")


def _test_class_of(tree: ast.Module, function: ast.AST) -> str:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and function in node.body:
            return node.name
    return ""


def scan(root: Path) -> Matrix:
    matrix = Matrix()
    for file in sorted((root / "xueji_desktop").rglob("*.py")):
        path = file.relative_to(root).as_posix()
        scan_code(path, file.read_text(encoding="utf-8"), matrix)
    for file in sorted((root / "tests").rglob("test_*.py")):
        path = file.relative_to(root).as_posix()
        if path == MATRIX_TESTS:
            continue
        scan_tests(path, file.read_text(encoding="utf-8"), matrix)
    return matrix


def unknown_ids(rules: list[Rule], matrix: Matrix) -> list[str]:
    """Rule ids the code or the tests use that RULES.md does not have (a typo, or a rule to add to the table)."""
    known = {rule.id for rule in rules}
    used = set(matrix.enforced) | set(matrix.named) | set(matrix.proven)
    return sorted(used - known, key=_rule_order)


def untested(rules: list[Rule], matrix: Matrix) -> list[str]:
    return [rule.id for rule in rules if not matrix.proven.get(rule.id)]


def _rule_order(rule_id: str) -> tuple[int, int]:
    article, number = rule_id[1:].split(".")
    return int(article), int(number)


def render(rules: list[Rule], matrix: Matrix) -> str:
    """docs/rules.md's text: a summary table, then one section per rule."""
    tested = [rule for rule in rules if matrix.proven.get(rule.id)]
    lines = [
        "# The regulation's rules in the code and the tests",
        "",
        "<!-- Generated by scripts/rules_matrix.py from docs/regulation/RULES.md, xueji_desktop/ and tests/: do not",
        "     edit by hand; run `make rules` (tests/test_rules_matrix.py fails when this file is stale). -->",
        "",
        f"{len(rules)} rules of the 细则 ([the table](regulation/RULES.md), [the text](regulation/regulation.txt)); "
        f"{sum(1 for r in rules if matrix.enforced.get(r.id))} enforced in the code by their id, "
        f"{len(tested)} proven by a test that names them.",
        "",
        "Where the text needs reading before it can be built, the reading is written down beside the regulation:",
        "[毕业、结业、肄业 (第二十九条, chapter 7)](regulation/graduation-reading.md).",
        "",
        '- **Enforced by**: the functions holding the rule id as a value (`block("R18.3", …)`, `Finding(…)`,',
        "  `Proofs(…)`): the findings the clerk sees name it.",
        "- **Named in**: functions whose docstring, comment or message names the id (deadlines and records, which make",
        "  no finding, show here).",
        "- **Proven by**: tests naming the id in their name (`…_R18_3`), docstring, asserts, comments or the case",
        "  list their parametrize reads; a test module (no `::`) whose docstring names it.",
        "",
    ]
    missing = untested(rules, matrix)
    if missing:
        lines += [f"Rules no test names yet ({len(missing)}): {', '.join(missing)}.", ""]
    unknown = unknown_ids(rules, matrix)
    if unknown:
        lines += [f"Ids used in the code or tests that the table lacks: {', '.join(unknown)}.", ""]
    lines += ["| id | article | kind | enforced by | named in | tests |", "|---|---|---|---|---|---|"]
    for rule in rules:
        named = matrix.named.get(rule.id, set()) - matrix.enforced.get(rule.id, set())
        lines.append(
            f"| [{rule.id}](#{_anchor(rule.id)}) | {'、'.join(article_name(a) for a in rule.articles)} | {rule.kind} "
            f"| {len(matrix.enforced.get(rule.id, ()))} | {len(named)} | {len(matrix.proven.get(rule.id, ()))} |"
        )
    for rule in rules:
        named = matrix.named.get(rule.id, set()) - matrix.enforced.get(rule.id, set())
        lines += [
            "",
            f"## {rule.id}",
            "",
            f"{'、'.join(article_name(a) for a in rule.articles)} · {rule.kind} · {rule.text}",
            "",
        ]
        for title, places in (
            ("Enforced by", matrix.enforced.get(rule.id, set())),
            ("Named in", named),
            ("Proven by", matrix.proven.get(rule.id, set())),
        ):
            lines.append(f"- {title}: " + ("; ".join(sorted(places)) if places else "—"))
    return "\n".join(lines) + "\n"


def _anchor(rule_id: str) -> str:
    return rule_id.lower().replace(".", "")


def generate(root: Path = ROOT) -> str:
    rules = load_rules((root / RULES_TABLE).read_text(encoding="utf-8"))
    return render(rules, scan(root))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="docs/rules.md from the code and the tests")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if docs/rules.md is stale, writing nothing"
    )
    args = parser.parse_args(argv)
    text = generate()
    target = ROOT / OUTPUT
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale: run python scripts/rules_matrix.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"{OUTPUT}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
