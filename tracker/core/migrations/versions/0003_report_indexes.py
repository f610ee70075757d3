"""report scans: covering indexes in the order of the report's two GROUP BYs

The report groups assignments by (organisation, person) and by task
(tracker.reports.scan). SQLite has no hash aggregation: without an index in that order
it sorts every row. These two indexes hold every column the scans read, so each scan
reads one index in order, with no sort and no access to the table. They begin with the
columns of the single-column indexes they replace (organisation_id; task_id, which the
unique (task_id, organisation_id, period) index served already).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_REPORT_COLUMNS = ["status", "due_date", "completed_at", "created_at"]


def upgrade() -> None:
    op.create_index("ix_assignment_holder_scan", "assignment",
                    ["organisation_id", "person_id", *_REPORT_COLUMNS, "task_id", "period"])
    op.create_index("ix_assignment_task_scan", "assignment",
                    ["task_id", "organisation_id", *_REPORT_COLUMNS, "period"])
    op.drop_index("ix_assignment_organisation_id", table_name="assignment")
    op.drop_index("ix_assignment_task_id", table_name="assignment")


def downgrade() -> None:
    op.create_index("ix_assignment_task_id", "assignment", ["task_id"])
    op.create_index("ix_assignment_organisation_id", "assignment", ["organisation_id"])
    op.drop_index("ix_assignment_task_scan", table_name="assignment")
    op.drop_index("ix_assignment_holder_scan", table_name="assignment")
