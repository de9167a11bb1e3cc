"""The README documents every command and every setting."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from archive.cli import cli
from archive.config import SETTINGS

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def readme() -> str:
    assert README.exists(), "README.md is missing"
    return README.read_text(encoding="utf-8")


def test_every_command_has_help():
    assert cli.help and cli.help.strip()
    for name, command in cli.commands.items():
        assert command.help and command.help.strip(), f"'archive {name}' has no help text"
        for param in command.params:
            if param.param_type_name == "option" and not param.hidden:
                assert param.help, f"option {param.opts} of 'archive {name}' has no help"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_in_readme(readme, name):
    assert re.search(rf"\barchive {re.escape(name)}\b", readme), \
        f"'archive {name}' is not mentioned in README.md"


@pytest.mark.parametrize("env", [s.env for s in SETTINGS])
def test_every_setting_in_readme(readme, env):
    assert env in readme, f"setting {env} is not documented in README.md"
