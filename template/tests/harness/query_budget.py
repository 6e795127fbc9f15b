"""`with assert_max_queries(2): ...` fails when the code in the block sends more SQL statements.
Transaction control (BEGIN, SAVEPOINT, RELEASE, ROLLBACK, COMMIT) is not counted, so the same
budget holds in every scope and with every driver."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|SAVEPOINT|RELEASE|ROLLBACK|COMMIT)\b", re.IGNORECASE)


@contextmanager
def assert_max_queries(budget: int) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not TRANSACTION_CONTROL.match(statement):
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    if len(statements) > budget:
        listed = "\n".join(f"  {n}. {statement}" for n, statement in enumerate(statements, 1))
        raise AssertionError(
            f"expected at most {budget} SQL statements, the code sent {len(statements)}:\n{listed}"
        )
