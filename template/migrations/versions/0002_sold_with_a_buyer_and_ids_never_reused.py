"""a ticket is sold exactly when it has a buyer; ids are never reused

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 09:30:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOLD_WITH_A_BUYER = "is_sold = (sold_to IS NOT NULL)"
tickets = sa.Table(
    "tickets",
    sa.MetaData(),
    sa.Column("is_sold", sa.Boolean()),
    sa.Column("sold_to", sa.String(length=255)),
)


def upgrade() -> None:
    # Rows that contradict the new check stay sold: nothing sold becomes for sale again.
    op.execute(
        tickets.update()
        .where(tickets.c.is_sold.is_(True), tickets.c.sold_to.is_(None))
        .values(sold_to="unknown buyer")
    )
    op.execute(
        tickets.update()
        .where(tickets.c.is_sold.is_(False), tickets.c.sold_to.is_not(None))
        .values(is_sold=True)
    )
    # SQLite: AUTOINCREMENT is part of CREATE TABLE, so both tables are rebuilt with it.
    with op.batch_alter_table("events", **rebuilt(autoincrement=True)):
        pass
    with op.batch_alter_table("tickets", **rebuilt(autoincrement=True)) as batch:
        batch.create_check_constraint(op.f("ck_tickets_sold_with_a_buyer"), SOLD_WITH_A_BUYER)


def downgrade() -> None:
    with op.batch_alter_table("tickets", **rebuilt(autoincrement=False)) as batch:
        batch.drop_constraint(op.f("ck_tickets_sold_with_a_buyer"), type_="check")
    with op.batch_alter_table("events", **rebuilt(autoincrement=False)):
        pass


def rebuilt(autoincrement: bool) -> dict[str, Any]:
    """batch_alter_table's options: rebuild the table on SQLite, plain ALTERs elsewhere."""
    if op.get_context().dialect.name != "sqlite":
        return {}
    return {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": autoincrement}}
