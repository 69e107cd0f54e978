"""Errors of the criteria language: a criterion that does not parse, does not type-check, or is
evaluated without the values it needs. All are InvalidInput, so the edges report them as bad input."""

from __future__ import annotations

from accord.errors import InvalidInput


def caret_display(text: str, column: int) -> str:
    """The criterion on one line and a caret under the 1-based ``column``."""
    return f"  {text}\n  {' ' * (column - 1)}^"


class CriterionSyntaxError(InvalidInput):
    """A criterion that cannot be read; ``column`` is 1-based and ``reason`` says what was expected."""

    code = "criterion_syntax"

    def __init__(self, text: str, column: int, reason: str) -> None:
        super().__init__(f"{reason} (column {column})\n{caret_display(text, column)}")
        self.text = text
        self.column = column
        self.reason = reason


class CriterionTypeError(InvalidInput):
    """A criterion that names an unknown attribute or compares values of different types."""

    code = "criterion_type"

    def __init__(
        self, text: str, column: int, reason: str, *, name: str | None = None, suggestion: str | None = None
    ) -> None:
        super().__init__(f"{reason} (column {column})\n{caret_display(text, column)}")
        self.text = text
        self.column = column
        self.reason = reason
        self.name = name
        self.suggestion = suggestion


class CriterionValueError(InvalidInput):
    """Evaluation was given something it cannot use: no value for a name, a naive datetime, an odd type."""

    code = "criterion_value"
