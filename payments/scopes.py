"""Which payees' money a user may see: admins all, others what their domain registered."""

from sqlalchemy import ColumnElement, false, true

from market.users import User
from payments.registry import registry


def payee_condition(user: User, type_column, id_column) -> ColumnElement:
    """SQL condition limiting (type_column, id_column) to the payees user may see."""
    if user.role == "admin":
        return true()
    scope = registry.scopes.get(user.role)
    condition = scope(user, type_column, id_column) if scope else None
    return condition if condition is not None else false()
