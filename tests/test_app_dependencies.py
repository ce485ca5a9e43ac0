"""Dependencies between our apps point one way (docs/architecture.md, "Dependencies"):

    sixfb ← billing ← agents ← chat;  sixfb ← bookings;  notifications and insights read from the
    others;  actions (the agents' tools) uses all of those;  nothing imports legacy.

Every module of every app is parsed (tests and migrations aside): module-level and function-level
imports alike, ``import x``, ``from x import y``, relative imports, and ``import_module("x")`` with a
literal name. A lower app that must react to a higher one exposes a signal or takes a callable.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent

# Which of our other apps each app may import. An app not listed here fails the test below:
# place it in the order before it lands.
ALLOWED: dict[str, frozenset[str]] = {
    "sixfb": frozenset(),
    "billing": frozenset({"sixfb"}),
    "agents": frozenset({"sixfb", "billing"}),
    "chat": frozenset({"sixfb", "billing", "agents"}),
    "bookings": frozenset({"sixfb"}),
    "notifications": frozenset({"sixfb", "billing", "agents", "chat", "bookings", "insights"}),
    "insights": frozenset({"sixfb", "billing", "agents", "chat", "bookings", "notifications"}),
    # Agents that act (issue 18): its tools read and write through every app's services and selectors;
    # chat calls them only through the toolbox it is given (chat/toolbox.py).
    "actions": frozenset({"sixfb", "billing", "agents", "chat", "bookings", "notifications", "insights"}),
    "legacy": frozenset({"sixfb", "billing", "agents", "chat", "bookings", "notifications", "insights"}),
}
OURS = frozenset(ALLOWED)

# sixfb's wiring names every app it mounts (URLs, websocket routes, the ASGI app, settings): any but legacy.
WIRING = ("sixfb/urls.py", "sixfb/api_urls.py", "sixfb/routing.py", "sixfb/asgi.py", "sixfb/settings*.py")
WIRING_ALLOWED = OURS - {"sixfb", "legacy"}

SKIPPED_DIRS = frozenset({"tests", "migrations", "__pycache__"})


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    statement: str
    app: str
    imported_app: str

    def __str__(self) -> str:
        allowed = ", ".join(sorted(allowed_for(self.path, self.app))) or "none of ours"
        return (
            f"{self.path}:{self.line}: `{self.statement}`: {self.app} may not import {self.imported_app} "
            f"(it may import: {allowed})"
        )


def allowed_for(path: str, app: str) -> frozenset[str]:
    if app == "sixfb" and any(Path(path).match(pattern) for pattern in WIRING):
        return WIRING_ALLOWED
    return ALLOWED[app]


def _module_name(path: str) -> tuple[str, bool]:
    """``agents/services.py`` → (``agents.services``, False); a package's ``__init__`` → its name, True."""
    parts = list(Path(path).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _imported_modules(tree: ast.AST, *, module: str, is_package: bool) -> list[tuple[int, str, str]]:
    """(line, absolute module name, the statement as written) for every import in ``tree``."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((node.lineno, alias.name, f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            names = ", ".join(alias.name for alias in node.names)
            written = f"from {'.' * node.level}{node.module or ''} import {names}"
            if node.level == 0:
                found.append((node.lineno, node.module or "", written))
                continue
            base = package.split(".") if package else []
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            target = ".".join([*base, node.module] if node.module else base)
            if node.module is None:  # `from . import x`: each name may be a module of its own
                found += [(node.lineno, f"{target}.{alias.name}".lstrip("."), written) for alias in node.names]
            else:
                found.append((node.lineno, target, written))
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Name) and node.func.id in {"import_module", "__import__"})
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value, f"import_module({node.args[0].value!r})"))
    return found


def forbidden_imports(source: str, *, path: str) -> list[Violation]:
    """The imports in ``source`` (the file at ``path``, relative to the project root) that break the rule."""
    app = Path(path).parts[0]
    module, is_package = _module_name(path)
    allowed = allowed_for(path, app)
    violations = []
    for line, imported, statement in _imported_modules(
        ast.parse(source, filename=path), module=module, is_package=is_package
    ):
        imported_app = imported.split(".")[0]
        if imported_app in OURS and imported_app != app and imported_app not in allowed:
            violations.append(Violation(path, line, statement, app, imported_app))
    return violations


def app_modules(app: str, root: Path = ROOT) -> list[Path]:
    files = []
    for file in sorted((root / app).rglob("*.py")):
        relative = file.relative_to(root)
        if SKIPPED_DIRS.intersection(relative.parts[:-1]):
            continue
        files.append(file)
    return files


def our_apps() -> list[str]:
    """The installed apps that live in this repository, by their top-level package."""
    return sorted(
        {
            Path(config.path).relative_to(ROOT).parts[0]
            for config in apps.get_app_configs()
            if Path(config.path).is_relative_to(ROOT) and "site-packages" not in Path(config.path).parts
        }
    )


def test_every_app_of_ours_has_a_place_in_the_order():
    assert set(our_apps()) <= OURS, f"add {sorted(set(our_apps()) - OURS)} to ALLOWED in {Path(__file__).name}"


def test_no_app_imports_upward():
    violations = []
    for app in our_apps():
        for file in app_modules(app):
            violations += forbidden_imports(file.read_text(), path=file.relative_to(ROOT).as_posix())
    assert not violations, "imports against the order of the apps:\n" + "\n".join(map(str, violations))


# --- the checker itself: a check that cannot fail proves nothing --------------------------


@pytest.mark.parametrize(
    ("path", "source", "line", "imported_app"),
    [
        ("billing/services.py", "from agents.services import shop_agents_enforce_cap\n", 1, "agents"),
        ("billing/entitlements.py", "def f():\n    from chat.selectors import chats_used\n", 2, "chat"),
        ("agents/selectors.py", "import chat.models\n", 1, "chat"),
        ("agents/selectors.py", "from chat import models\n", 1, "chat"),
        ("sixfb/receivers.py", "from notifications import broadcast\n", 1, "notifications"),
        ("sixfb/urls.py", "from legacy import views\n", 1, "legacy"),
        ("chat/views.py", "if True:\n    from insights.selectors import x\n", 2, "insights"),
        ("notifications/receivers.py", "import legacy.importer\n", 1, "legacy"),
        ("billing/views.py", "from importlib import import_module\nimport_module('chat.selectors')\n", 2, "chat"),
        ("bookings/services.py", "from billing.entitlements import shop_entitlements\n", 1, "billing"),
    ],
)
def test_the_checker_names_the_file_line_and_import_of_a_violation(path, source, line, imported_app):
    [violation] = forbidden_imports(source, path=path)
    assert (violation.path, violation.line, violation.imported_app) == (path, line, imported_app)
    assert f"{path}:{line}:" in str(violation) and f"may not import {imported_app}" in str(violation)


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("chat/services.py", "from agents.services import agent_busy_for_shop\nfrom billing import entitlements\n"),
        ("agents/services.py", "from billing.entitlements import shop_entitlements\nfrom sixfb.models import Shop\n"),
        ("sixfb/routing.py", "from chat.consumers import ChatConsumer\n"),
        ("sixfb/settings_test.py", "from notifications import x\n"),
        ("notifications/receivers.py", "from agents.signals import agent_status_changed\nimport chat.models\n"),
        ("billing/services.py", "from .signals import plan_changed\nfrom . import stripe_gateway\n"),
        ("legacy/importer.py", "from chat.models import Message\n"),
        ("sixfb/lib/sockets.py", "import json\nfrom django.db import models\nfrom ..models import Shop\n"),
    ],
)
def test_the_checker_lets_allowed_imports_through(path, source):
    assert forbidden_imports(source, path=path) == []


def test_relative_imports_are_resolved_against_the_files_package():
    found = _imported_modules(
        ast.parse("from ..models import Shop\nfrom . import frames\nfrom .frames import parse_frame\n"),
        module="sixfb.lib.sockets",
        is_package=False,
    )
    assert [name for _line, name, _written in found] == ["sixfb.models", "sixfb.lib.frames", "sixfb.lib.frames"]
    found = _imported_modules(ast.parse("from .selectors import x\n"), module="agents", is_package=True)
    assert [name for _line, name, _written in found] == ["agents.selectors"]


def test_tests_and_migrations_are_not_checked(tmp_path):
    for relative in (
        "billing/tests/test_x.py",
        "billing/migrations/0001_x.py",
        "billing/ok.py",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("from chat.models import Message\n")
    assert [f.relative_to(tmp_path).as_posix() for f in app_modules("billing", root=tmp_path)] == ["billing/ok.py"]
