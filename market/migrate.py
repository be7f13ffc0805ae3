"""Alembic, driven from the application: upgrade, and a check that the schema is current."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for the database at url."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at url to revision."""
    command.upgrade(alembic_config(url), revision)


def pending_revision(engine: Engine) -> str | None:
    """None when the schema is at head, else a sentence saying what is missing."""
    head = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return None
    if current is None:
        return "the database has no schema yet"
    return f"the database is at revision {current}, the code needs {head}"
