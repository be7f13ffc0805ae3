"""The tables statistics read, named here without importing any domain: stats only read."""

from sqlalchemy import BigInteger, Column, Date, DateTime, Integer, MetaData, String, Table

_meta = MetaData()


def _table(name: str, *columns: Column) -> Table:
    return Table(name, _meta, *columns)


markets = _table(
    "markets",
    Column("id", BigInteger),
    Column("code", String),
    Column("name", String),
    Column("ward_code", String),
    Column("ward_name", String),
    Column("legacy_district", String),
)
vendors = _table(
    "vendors",
    Column("id", BigInteger),
    Column("market_id", BigInteger),
    Column("category", String),
    Column("status", String),
    Column("activated_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True)),
)
schools = _table(
    "schools",
    Column("id", BigInteger),
    Column("code", String),
    Column("name", String),
    Column("type", String),
    Column("ward_code", String),
    Column("legacy_district", String),
    Column("created_at", DateTime(timezone=True)),
)
providers = _table("providers", Column("id", BigInteger), Column("name", String))
placard_prints = _table("placard_prints", Column("vendor_id", BigInteger))
invoices = _table(
    "invoices",
    Column("id", BigInteger),
    Column("school_id", BigInteger),
    Column("total_amount", BigInteger),
    Column("paid_amount", BigInteger),
    Column("status", String),
    Column("due_date", Date),
)
rollup_days = _table(
    "rollup_days",
    Column("business_date", Date),
    Column("payee_type", String),
    Column("payee_id", BigInteger),
    Column("provider_id", BigInteger),
    Column("method", String),
    Column("payment_count", Integer),
    Column("amount", BigInteger),
)
rollup_months = _table(
    "rollup_months",
    Column("month", Date),
    Column("payee_type", String),
    Column("payee_id", BigInteger),
    Column("provider_id", BigInteger),
    Column("method", String),
    Column("payment_count", Integer),
    Column("amount", BigInteger),
)
# payer_counts' kind of payee standing for any kind: a payer of a stall and a school is one
ANY_PAYEE = "*"  # (payments.rollups.ANY_PAYEE)
payer_counts = _table(
    "payer_counts",
    Column("period", String),
    Column("payee_type", String),
    Column("payers", Integer),
)
bank_months = _table(
    "bank_months",
    Column("month", Date),
    Column("payer_bin", String),
    Column("payment_count", Integer),
)
