"""web workspace: one-time action links and browser sessions

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actiontoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"],
                                name=op.f("fk_actiontoken_assignment_id_assignment")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_actiontoken_person_id_person")),
        sa.ForeignKeyConstraint(["request_id"], ["extensionrequest.id"],
                                name=op.f("fk_actiontoken_request_id_extensionrequest")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actiontoken")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_actiontoken_token_hash")),
    )
    with op.batch_alter_table("actiontoken", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actiontoken_assignment_id"), ["assignment_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_actiontoken_person_id"), ["person_id"],
                              unique=False)
    op.create_table(
        "websession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_websession_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_websession")),
        sa.UniqueConstraint("session_hash", name=op.f("uq_websession_session_hash")),
    )
    with op.batch_alter_table("websession", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_websession_person_id"), ["person_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("websession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_websession_person_id"))
    op.drop_table("websession")
    with op.batch_alter_table("actiontoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actiontoken_person_id"))
        batch_op.drop_index(batch_op.f("ix_actiontoken_assignment_id"))
    op.drop_table("actiontoken")
