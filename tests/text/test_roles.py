"""Roles as a reader sees them (archive.text.roles.clean_role) and in the people table."""
from __future__ import annotations

import pytest

from archive.text.roles import clean_role, people_table


@pytest.mark.parametrize("written, role", [
    ("Neither Speaker", "Speaker"),                    # words before a role are no part of it
    ("including President", "President"),
    ("now the Senate majority leader", "Senate majority leader"),
    ("Earlier Foreign Secretary", "Foreign Secretary"),
    ("Secretary of State", "Secretary of State"),      # an "of" inside a role stays
    ("Both", None),                                    # slips of the speaker phrase
    ("Aides to", None),
    ("the mayor's fierce attack on", None),
    ("Monday", None),
    ("himself", None),
    ("R", None),
    (None, None),
])
def test_clean_role(written, role):
    assert clean_role(written) == role


def test_the_people_table_lists_no_slip_as_a_role():
    rows = [("Ana Silva", "Neither Mayor", "a1", "person"), ("Ana Silva", "Thursday", "a2", "person"),
            ("Ana Silva", "Aides to", "a3", "person"), ("Ana Silva", "Lisbon mayor", "a4", "person")]
    (person,) = people_table(rows, {"Ana Silva": "Ana Silva"})
    assert person["roles"] == ["Lisbon mayor", "Mayor"] and person["quotes"] == 4
