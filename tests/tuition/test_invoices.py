"""Invoices: what the database writes when money lands on one."""

import pytest
from sqlalchemy import literal, select

from tuition.invoices import status_expression
from tuition.rules import invoice_status

AMOUNTS = [-500, -1, 0, 1, 499, 500, 501, 10**12]


@pytest.mark.parametrize("total", [0, 1, 500, 10**12])
def test_the_status_the_database_writes_is_the_status_the_rules_give(session, total):
    # One statement for every paid amount: the SQL rule and the Python rule side by side.
    columns = [
        status_expression(literal(total), literal(paid)).label(f"p{i}")
        for i, paid in enumerate(AMOUNTS)
    ]
    in_database = list(session.execute(select(*columns)).one())
    assert in_database == [invoice_status(total, paid) for paid in AMOUNTS]
