"""Many statistics questions as one statement: each a select of (key, count[, value]) rows,
tagged with its name under UNION ALL, so that a report costs one round trip to the database
instead of one per figure (on a busy server each round trip waits its turn)."""

from sqlalchemy import String, cast, literal_column, select, union_all
from sqlalchemy.orm import Session

from market.stats.adoption import Question


def ask(session: Session, questions: dict[str, Question], shared: dict) -> dict[str, dict]:
    """{name: {key (text or None): (count, value)}} of every question, in one statement
    (shared: the values every question may bind, such as the filters')."""
    parts, params = [], dict(shared)
    for name, (stmt, bound) in questions.items():
        if not name.isidentifier():  # written into the statement as text, never a value
            raise ValueError(f"question name {name!r}")
        columns = list(stmt.subquery(name).c)
        value = columns[2] if len(columns) > 2 else literal_column("0")
        parts.append(
            select(literal_column(f"'{name}'"), cast(columns[0], String), columns[1], value)
        )
        params |= bound
    answers = {name: {} for name in questions}
    for name, key, count, value in session.execute(union_all(*parts), params):
        answers[name][key] = (int(count or 0), int(value or 0))
    return answers
