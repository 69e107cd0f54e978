"""The parsed form of a criterion: operands (names, literals, times relative to now) and conditions.
Each node knows how to write itself back as canonical criterion text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from accord.domain.criteria.errors import CriterionValueError
from accord.domain.criteria.values import CompareOp, Kind, Scalar, as_utc, shift


@dataclass(frozen=True)
class Name:
    """An attribute or variable (``lead.title``, ``fit``); the caller supplies its value."""

    name: str
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Literal:
    value: Scalar
    column: int = field(default=0, compare=False)

    @property
    def kind(self) -> Kind:
        return literal_kind(self.value)

    def __str__(self) -> str:
        return render_literal(self.value)


class Anchor(Enum):
    NOW = "now"
    TODAY = "today"


@dataclass(frozen=True)
class RelativeTime:
    """``now`` or ``today``, moved by ``amount`` (signed) ``unit``s: ``now - 30 days``."""

    anchor: Anchor
    amount: int = 0
    unit: str = "day"
    column: int = field(default=0, compare=False)

    @property
    def kind(self) -> Kind:
        return Kind.DATETIME if self.anchor is Anchor.NOW else Kind.DATE

    def resolve(self, now: datetime) -> date:
        """The moment this stands for at ``now``: a UTC datetime for ``now``, a date for ``today``."""
        start: date = as_utc(now, "now")
        if self.anchor is Anchor.TODAY:
            start = start.date()  # type: ignore[attr-defined]
        try:
            return shift(start, self.amount, self.unit)
        except (OverflowError, ValueError):
            raise CriterionValueError(f"{self} falls outside the calendar") from None

    def __str__(self) -> str:
        if self.amount == 0:
            return self.anchor.value
        sign = "-" if self.amount < 0 else "+"
        return f"{self.anchor.value} {sign} {abs(self.amount)} {self.unit}s"


Operand = Name | Literal | RelativeTime


@dataclass(frozen=True)
class Comparison:
    left: Operand
    op: CompareOp
    right: Operand
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"{self.left} {self.op.value} {self.right}"


@dataclass(frozen=True)
class Between:
    """``operand between low and high``, both ends included."""

    operand: Operand
    low: Operand
    high: Operand
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"{self.operand} between {self.low} and {self.high}"


@dataclass(frozen=True)
class Membership:
    operand: Operand
    items: tuple[Literal, ...]
    is_negated: bool = False
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        items = ", ".join(str(item) for item in self.items)
        return f"{self.operand} {'not in' if self.is_negated else 'in'} [{items}]"


class TextOp(Enum):
    CONTAINS = "contains"
    STARTS_WITH = "starts with"
    ENDS_WITH = "ends with"


@dataclass(frozen=True)
class TextMatch:
    operand: Operand
    op: TextOp
    pattern: str
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"{self.operand} {self.op.value} {render_literal(self.pattern)}"


@dataclass(frozen=True)
class Presence:
    """``is missing`` (or ``is not missing`` when negated): never unknown."""

    operand: Operand
    is_negated: bool = False
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"{self.operand} is {'not ' if self.is_negated else ''}missing"


@dataclass(frozen=True)
class Truth:
    """A boolean name or literal on its own: ``hand_raiser``."""

    operand: Name | Literal
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return str(self.operand)


@dataclass(frozen=True)
class Not:
    inner: Condition
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"not {_wrap(self.inner, (And, Or))}"


@dataclass(frozen=True)
class And:
    items: tuple[Condition, ...]
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return " and ".join(_wrap(item, (Or,)) for item in self.items)


@dataclass(frozen=True)
class Or:
    items: tuple[Condition, ...]
    column: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return " or ".join(str(item) for item in self.items)


Leaf = Comparison | Between | Membership | TextMatch | Presence | Truth
Condition = Leaf | Not | And | Or


@dataclass(frozen=True)
class Criterion:
    """A parsed criterion: the text as written and its tree."""

    text: str
    root: Condition

    def references(self) -> frozenset[str]:
        """Every attribute or variable name the criterion reads."""
        return frozenset(operand.name for operand in operands(self.root) if isinstance(operand, Name))

    @property
    def reads_now(self) -> bool:
        """Whether the outcome depends on the moment it is checked at (``now`` or ``today``)."""
        return any(isinstance(operand, RelativeTime) for operand in operands(self.root))

    def __str__(self) -> str:
        return str(self.root)


def operands(condition: Condition) -> Iterator[Operand]:
    """The operands of every leaf, left to right; list items and text patterns are not operands."""
    if isinstance(condition, Not):
        yield from operands(condition.inner)
    elif isinstance(condition, And | Or):
        for item in condition.items:
            yield from operands(item)
    elif isinstance(condition, Comparison):
        yield from (condition.left, condition.right)
    elif isinstance(condition, Between):
        yield from (condition.operand, condition.low, condition.high)
    else:
        yield condition.operand


def literal_kind(value: Scalar) -> Kind:
    if isinstance(value, bool):
        return Kind.BOOLEAN
    if isinstance(value, float):
        return Kind.NUMBER
    if isinstance(value, str):
        return Kind.TEXT
    return Kind.DATETIME if isinstance(value, datetime) else Kind.DATE


def render_literal(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, str):
        return f'"{value}"' if "'" in value else f"'{value}'"
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _wrap(condition: Condition, kinds: tuple[type, ...]) -> str:
    return f"({condition})" if isinstance(condition, kinds) else str(condition)
