"""Many statistics questions as one statement: each a select of (key, count[, value]) rows,
tagged with its name under UNION ALL, so that a report costs one round trip to the database
instead of one per figure (on a busy server each round trip waits its turn)."""

from functools import lru_cache

from sqlalchemy import String, cast, literal_column, select, union_all
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
    for name, key, count, value in session.execute(stmt, params):
        answers[name][key] = (int(count or 0), int(value or 0))
    return answers


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
