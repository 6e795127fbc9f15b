"""Database tables, as typed SQLAlchemy ORM models."""

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (CheckConstraint("price >= 0", name="ck_tickets_price_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    price: Mapped[int]
    is_sold: Mapped[bool] = mapped_column(default=False)
    sold_to: Mapped[str | None] = mapped_column(String(255), default=None)
