"""Many rows in one statement: on PostgreSQL one INSERT ... SELECT over unnested arrays (one
parameter a column, whatever the number of rows), elsewhere an executemany."""

from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session


def insert_rows(session: Session, model: Any, rows: list[dict], returning: tuple = ()) -> list:
    """Insert rows (dicts with the same keys) into model's table; the returning columns of
    each row written, in no particular order."""
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        stmt = insert(model).returning(*returning) if returning else insert(model)
        result = session.execute(stmt, rows)
        return result.all() if returning else []
    table, names = model.__table__, list(rows[0])
    columns = []
    for name in names:
        values, kind = [row[name] for row in rows], table.c[name].type
        if all(v == values[0] for v in values):  # the same for all: one value, not an array
            columns.append(bindparam(f"v_{name}", values[0], type_=kind))
        else:
            columns.append(func.unnest(bindparam(f"a_{name}", values, type_=ARRAY(kind))))
    stmt = insert(model).from_select(names, select(*columns))
    result = session.execute(stmt.returning(*returning) if returning else stmt)
    return result.all() if returning else []
