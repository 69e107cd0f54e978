"""The criteria reference stays true: every example in its operator table parses and every quoted
syntax error is the one the parser gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accord.domain.criteria import CriterionSyntaxError, parse_criterion

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "criteria.md"


def operator_examples() -> list[str]:
    text = REFERENCE.read_text(encoding="utf-8")
    table = text.split("## Operators", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in table.splitlines() if line.startswith("| `") or line.startswith("| a name")]
    return [re.findall(r"`([^`]+)`", row.rsplit("|", 2)[1])[0] for row in rows]


@pytest.mark.parametrize("example", operator_examples())
def test_every_operator_example_parses(example: str) -> None:
    parse_criterion(example)


def test_the_quoted_syntax_error_is_the_real_one() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    quoted = text.split("## Errors", 1)[1].split("```\n", 2)[1].rstrip("\n")
    with pytest.raises(CriterionSyntaxError) as caught:
        parse_criterion("account.employees between and 1000")
    assert caught.value.message == quoted


def test_there_is_an_example_for_every_operator() -> None:
    assert len(operator_examples()) == 16
