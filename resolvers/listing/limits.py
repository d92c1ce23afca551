"""How much a list request may ask for: bounds on filters, orders and search text.

A request past one of them is refused with `BAD_USER_INPUT` naming the argument's path
(`filter.or[2].email.in`), before any statement runs.
"""

from __future__ import annotations

# `and`/`or`/`not`/`some`/`none` nested deeper than this: `{and: [{not: {…}}]}` is depth 2.
MAX_FILTER_DEPTH = 5
# Operator conditions in one filter, wherever they are nested (`{email: {eq, ne}}` is two).
MAX_FILTER_CLAUSES = 50
# Values of one `in` / `notIn` list.
MAX_IN_VALUES = 100
# Terms of one `orderBy` (the id, added last, not counted).
MAX_ORDER_TERMS = 4
# Characters of a `search` text or a text operand (`contains`, `eq`, …).
MAX_TEXT_LENGTH = 320
