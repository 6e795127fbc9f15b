"""Each key mechanism is load-bearing: take it out, and a generated test fails."""

from pathlib import Path

import pytest

from .helpers import install, output_of, render, run_suite

CONDITIONAL_PURCHASE = """\
    return await _update_unsold(session, ticket_id, is_sold=True, sold_to=user)
"""
# The purchase as it is often first written: check in Python, then write unconditionally.
READ_THEN_WRITE_PURCHASE = """\
    ticket = await get_ticket(session, ticket_id)
    if ticket.is_sold:
        raise TicketAlreadySoldError(ticket_id)
    ticket.is_sold, ticket.sold_to = True, user
    await session.commit()
    return ticket
"""

MUTATIONS = [
    pytest.param(
        "aiosqlite",
        "session",
        "src/ticketing_service/database.py",
        "        _use_sqlite_transactions(engine)\n",
        "        pass\n",
        "test_isolation.py",
        id="sqlite-begin-hooks",
    ),
    pytest.param(
        "asyncpg",
        "session",
        "tests/harness/session_scope.py",
        'join_transaction_mode="create_savepoint"',
        'join_transaction_mode="conditional_savepoint"',
        "test_tickets.py",
        id="savepoint-join",
    ),
    pytest.param(
        "asyncpg",
        "class",
        "tests/harness/databases.py",
        "engine.execution_options(schema_translate_map={None: name})",
        "engine",
        "test_isolation.py::TestAnotherClass",
        id="schema-per-class",
    ),
    pytest.param(
        "aiosqlite",
        "class",
        "tests/harness/databases.py",
        "        yield namespace_engine\n",
        "        yield engine\n",
        "test_isolation.py::TestAnotherClass",
        id="sqlite-file-per-class",
    ),
    pytest.param(
        "psycopg",
        "function",
        "tests/harness/function_scope.py",
        "        await drop_schema(connection)\n",
        "        pass\n",
        "test_isolation.py",
        id="drop-tables-per-test",
    ),
    pytest.param(
        "asyncpg",
        "session",
        "src/ticketing_service/tickets.py",
        CONDITIONAL_PURCHASE,
        READ_THEN_WRITE_PURCHASE,
        "test_concurrency.py",
        id="purchase-read-then-write",
    ),
    pytest.param(
        "psycopg",
        "class",
        "src/ticketing_service/models.py",
        "    venue: Mapped[str] = mapped_column(String(255))\n",
        "    venue: Mapped[str] = mapped_column(String(200))\n",
        "test_migrations.py",
        id="model-changed-without-a-migration",
    ),
]


@pytest.mark.parametrize(
    ("db_driver", "test_scope", "path", "mechanism", "replacement", "failing"), MUTATIONS
)
def test_removing_the_mechanism_fails_a_generated_test(
    tmp_path: Path,
    db_driver: str,
    test_scope: str,
    path: str,
    mechanism: str,
    replacement: str,
    failing: str,
) -> None:
    project = render(tmp_path, db_driver=db_driver, test_scope=test_scope)
    source = project / path
    assert mechanism in source.read_text()
    source.write_text(source.read_text().replace(mechanism, replacement))
    install(project)

    result = run_suite(project, "-p", "no:randomly")

    assert result.returncode == 1, output_of(result)
    # Failed, or errored in its fixtures (tables that already exist, for instance).
    broken = [
        line
        for line in result.stdout.splitlines()
        if line.startswith(("FAILED ", "ERROR ")) and f" tests/{failing}" in line
    ]
    assert broken, output_of(result)
