"""Column types that behave the same on SQLite and PostgreSQL.

- `UTCDateTime`: timezone-aware in and out; stored as UTC. SQLite keeps no zone, so naive
  values read back are UTC by construction.
- `Exact`: Decimal in and out. PostgreSQL stores NUMERIC(p, s); SQLite has no exact decimal,
  so it stores a scaled BIGINT (value x 10^scale): exact, sortable, and SUM() stays exact.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Integer, Numeric
from sqlalchemy.types import TypeDecorator

BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Exact(TypeDecorator[Decimal]):
    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 4) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self._factor = Decimal(10) ** scale
        self._quantum = Decimal(1).scaleb(-scale)
        self._limit = Decimal(10) ** (precision - scale)

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Decimal):
            if isinstance(value, float):
                raise TypeError(f"float {value!r} for an exact column: use Decimal")
            value = Decimal(value)
        if not value.is_finite() or abs(value) >= self._limit:
            raise ValueError(f"{value} does not fit NUMERIC({self.precision}, {self.scale})")
        if dialect.name == "sqlite":
            return int((value * self._factor).to_integral_value())
        return value.quantize(self._quantum)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)) / self._factor).quantize(self._quantum)
        return Decimal(value).quantize(self._quantum)

    @property
    def python_type(self):
        return Decimal


def utcnow() -> datetime:
    return datetime.now(UTC)
