"""The criteria language of the playbook: parse a criterion once, type-check it against the known
attributes, then evaluate it for one lead (compile_row) or a million (compile_columns) alike."""

from accord.domain.criteria.columns import ColumnPredicate, compile_columns, with_normalised_text
from accord.domain.criteria.errors import CriterionSyntaxError, CriterionTypeError, CriterionValueError
from accord.domain.criteria.nodes import Criterion
from accord.domain.criteria.parsing import parse_criterion
from accord.domain.criteria.row import RowPredicate, compile_row
from accord.domain.criteria.typecheck import AttributeType, check_types, suggest_name

__all__ = [
    "AttributeType",
    "ColumnPredicate",
    "Criterion",
    "CriterionSyntaxError",
    "CriterionTypeError",
    "CriterionValueError",
    "RowPredicate",
    "check_types",
    "compile_columns",
    "compile_row",
    "parse_criterion",
    "suggest_name",
    "with_normalised_text",
]
