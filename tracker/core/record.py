"""What every table shares (`tracker.core.models`, `tracker.core.models_more`): the
constraint naming convention, the `Record` base and the UTC clock of default values."""

import datetime as dt
from datetime import datetime

from pydantic import ConfigDict
from sqlmodel import SQLModel

# Named constraints let Alembic's batch mode (SQLite) drop and recreate them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, aware UTC. Only edges (CLI, bot, delivery loop) call this."""
    return datetime.now(dt.UTC)


class Record(SQLModel):
    """The base of every table and field set: pydantic's schema, validator and serializer
    are built when first used, not when the class is defined (table models are built
    from rows and constructed without validation, so most commands never build them)."""

    model_config = ConfigDict(defer_build=True)
