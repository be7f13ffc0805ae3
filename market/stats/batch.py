"""Many statistics questions as one statement: each a select of (key, count[, value]) rows,
tagged with its name under UNION ALL, so that a report costs one round trip to the database
instead of one per figure (on a busy server each round trip waits its turn)."""

from functools import lru_cache

from sqlalchemy import String, cast, literal_column, select, text, union_all
from sqlalchemy.orm import Session

from market.stats.adoption import Question


def ask(session: Session, questions: dict[str, Question], shared: dict) -> dict[str, dict]:
    """{name: {key (text or None): (count, value)}} of every question, in one statement
    (shared: the values every question may bind, such as the filters')."""
    params = dict(shared)
    for _, bound in questions.values():
        params |= bound
    stmt = _union(tuple((name, stmt) for name, (stmt, _) in questions.items()))
    answers = {name: {} for name in questions}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(PLANNED_FOR_THE_DATES)
    for name, key, count, value in session.execute(stmt, params):
        answers[name][key] = (int(count or 0), int(value or 0))
    return answers


# For the rest of the transaction, a statement is planned for the dates it is asked with. The
# driver prepares a statement it runs often, and after five runs PostgreSQL may settle on one
# generic plan, made without knowing the period: on 2 M payments a yearly report took 36 ms
# that way and 24 ms planned for its dates each time (the planning included).
PLANNED_FOR_THE_DATES = text("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)")


@lru_cache(maxsize=512)  # shapes: grouping × filters given × kinds of period
def _union(questions: tuple):
    """The questions (name, statement) tagged and put together: built once per shape."""
    parts = []
    for name, stmt in questions:
        if not name.isidentifier():  # written into the statement as text, never a value
            raise ValueError(f"question name {name!r}")
        columns = list(stmt.subquery(name).c)
        value = columns[2] if len(columns) > 2 else literal_column("0")
        tag = literal_column(f"'{name}'")
        parts.append(select(tag, cast(columns[0], String), columns[1], value))
    return union_all(*parts)
