"""Documents whose fragments fan out: small to write, astronomically large when expanded."""

from __future__ import annotations


def fan_out(levels: int, field: str = "viewer { role }") -> str:
    """Each fragment spreads the next one twice, so the expansion holds 2^levels copies of the
    last one. `{i}` in `field` is replaced by the fragment's number (to vary aliases)."""
    fragments = [
        f"fragment F{i} on Query {{ {field.replace('{i}', str(i))} ...F{i + 1} ...F{i + 1} }}"
        for i in range(levels)
    ]
    last = f"fragment F{levels} on Query {{ {field.replace('{i}', str(levels))} }}"
    return " ".join(["query { ...F0 }", *fragments, last])


def fan_out_cost(levels: int) -> int:
    """The cost of `fan_out(levels)` written out: the last fragment costs 2 (`viewer`,
    `role`), and each one above it 2 plus twice the next."""
    return 2 ** (levels + 2) - 2
