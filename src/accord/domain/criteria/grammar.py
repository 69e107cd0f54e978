"""The grammar of the criteria language (lark, LALR with a contextual lexer, so bare words are read
only inside lists and units of time only after ``now ±``). The parser is built once, on import."""

from __future__ import annotations

from lark import Lark

NUMBER_PATTERN = r"-?\d(_?\d)*(\.\d(_?\d)*)?([eE][+-]?\d+)?"
DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"
DATETIME_PATTERN = r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:\d{2})?"

# Reserved words are never names, so a misplaced "and" is reported as such rather than read as a name.
KEYWORDS = frozenset(
    "and or not in between contains starts ends with is missing true false now today before after".split()
)
KEYWORD_ALTERNATIVES = "|".join(sorted(KEYWORDS))

GRAMMAR = rf"""
start: or_expr
?or_expr: and_expr | or_expr OR and_expr -> or_
?and_expr: not_expr | and_expr AND not_expr -> and_
?not_expr: predicate | NOT not_expr -> not_
?predicate: comparison | between | membership | text_match | presence | truth | LPAR or_expr RPAR
comparison: operand compare_op operand
compare_op: EQ | NE | LT | LE | GT | GE | BEFORE | AFTER
between: operand BETWEEN operand AND operand
membership: operand NOT? IN LSQB item (COMMA item)* COMMA? RSQB
item: STRING | WORD
text_match: operand text_op STRING
text_op: CONTAINS | STARTS WITH | ENDS WITH
presence: operand IS NOT? MISSING
truth: operand
?operand: name | literal | relative
name: NAME
literal: NUMBER | STRING | DATE | DATETIME | TRUE | FALSE
relative: (NOW | TODAY) ((PLUS | MINUS) NUMBER UNIT)?

OR: "or"i
AND: "and"i
NOT: "not"i
IN: "in"i
BETWEEN: "between"i
CONTAINS: "contains"i
STARTS: "starts"i
ENDS: "ends"i
WITH: "with"i
IS: "is"i
MISSING: "missing"i
TRUE: "true"i
FALSE: "false"i
NOW: "now"i
TODAY: "today"i
BEFORE: "before"i
AFTER: "after"i
EQ: "="
NE: "!="
LT: "<"
LE: "<="
GT: ">"
GE: ">="
PLUS: "+"
MINUS: "-"
LPAR: "("
RPAR: ")"
LSQB: "["
RSQB: "]"
COMMA: ","
UNIT: /(hour|day|week|month|year)s?/i
NAME: /(?!(?:{KEYWORD_ALTERNATIVES})(?![\w.]))[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*/i
NUMBER: /{NUMBER_PATTERN}/
DATE.2: /{DATE_PATTERN}/
DATETIME.3: /{DATETIME_PATTERN}/
STRING: /'[^']*'|"[^"]*"/
WORD: /[^\s,\[\]()'"]+/
%ignore /\s+/
"""

PARSER = Lark(GRAMMAR, parser="lalr", lexer="contextual", propagate_positions=True)
