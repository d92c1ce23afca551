"""The packages import one way, bottom-up, without cycles (docs/architecture.md).

The contracts are import-linter's, declared in pyproject.toml (`[tool.importlinter]`); every
import statement counts, inside functions and under `TYPE_CHECKING` too. A broken contract's
report names each offending import with its module and line.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
LINT = (
    "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))"
)


def lint_imports(directory: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the packages of `directory`, with the contracts of its pyproject."""
    return subprocess.run(
        [sys.executable, "-c", LINT],
        cwd=directory,
        env={"PYTHONPATH": str(directory), "NO_COLOR": "1", "COLUMNS": "200"},
        capture_output=True,
        text=True,
        check=False,
    )


def write_packages(directory: Path, modules: dict[str, str]) -> None:
    for name, source in modules.items():
        path = directory.joinpath(*name.split(".")).with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")


class TestTheProjectsImports:
    def test_keep_the_contracts(self) -> None:
        # when the project's imports are checked against its contracts
        result = lint_imports(ROOT)

        # then every contract is kept
        assert result.returncode == 0, result.stdout + result.stderr
        assert "2 kept, 0 broken" in result.stdout

    def test_object_types_refer_to_each_other_only_for_typing(self) -> None:
        # given the imports that run (typing-only ones left out)
        graph = grimp.build_graph("schema", exclude_type_checking_imports=True, cache_dir=None)

        # then the object types form no cycle at run time (they meet through strawberry.lazy)
        assert graph.nominate_cycle_breakers("schema.types") == set()


class TestTheContractsCatchAViolation:
    """The same contracts over a small tree that breaks them: the report names the imports."""

    def test_an_upward_import_and_a_cycle_are_named(self, tmp_path: Path) -> None:
        # given packages laid out as the project's, with an upward import in a function,
        # an upward one under TYPE_CHECKING, and two resolvers modules importing each other
        pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
        contracts = tomllib.loads(pyproject)["tool"]["importlinter"]
        packages = {f"{name}.__init__": "" for name in contracts["root_packages"]}
        write_packages(
            tmp_path,
            {
                **packages,
                "schema.types.__init__": "",
                "gateway.app": "",
                "core.settings": "def load():\n    from gateway import app\n    return app\n",
                "db.engine": (
                    "from typing import TYPE_CHECKING\n"
                    "if TYPE_CHECKING:\n    from resolvers import context\n"
                ),
                "resolvers.context": "from resolvers import loaders\n",
                "resolvers.loaders": "from resolvers import context\n",
            },
        )

        # when it is checked
        result = lint_imports(tmp_path)

        # then both contracts break, naming the imports
        assert result.returncode == 1, result.stdout + result.stderr
        assert "0 kept, 2 broken" in result.stdout
        assert "core.settings -> gateway.app (l.2)" in result.stdout
        assert "db.engine -> resolvers.context (l.3)" in result.stdout
        assert "No cycles are allowed in resolvers." in result.stdout
