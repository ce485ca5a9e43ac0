"""Every transactional test of the main suite restores the serialized database (``serialized_rollback``).

A transactional test ends with a flush. Without serialized rollback the flush re-runs post_migrate,
which recreates content types and permissions, and the next test that restores the serialized
database then fails on duplicate keys: one such test broke 26 others (issue 15). The browser tests
(tests/e2e/) run in a session of their own and are exempt.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "node_modules", "e2e", "__pycache__"}


def modules_to_check() -> list[Path]:
    return [path for path in ROOT.rglob("test_*.py") if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts)]


def transactional_marks_without_rollback(path: Path) -> list[int]:
    """Lines of ``django_db(transaction=True, ...)`` marks that do not set ``serialized_rollback=True``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "django_db"):
            continue
        flags = {kw.arg: kw.value for kw in node.keywords}
        transactional, restored = _is_true(flags.get("transaction")), _is_true(flags.get("serialized_rollback"))
        if transactional and not restored:
            found.append(node.lineno)
    return found


def _is_true(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and value.value is True


def test_every_transactional_test_restores_the_serialized_database():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in modules_to_check()
        for line in transactional_marks_without_rollback(path)
    ]
    assert offenders == [], "add serialized_rollback=True to: " + ", ".join(offenders)


def test_the_check_finds_a_mark_without_it(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import pytest\n"
        "a = pytest.mark.django_db(transaction=True)\n"
        "b = pytest.mark.django_db(transaction=True, serialized_rollback=True)\n"
        "c = pytest.mark.django_db\n"
    )
    assert transactional_marks_without_rollback(sample) == [2]
