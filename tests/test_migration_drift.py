"""The generated drift test (tests/test_migrations.py) fails on every model change that needs a
migration: a server default and a column type included, not only tables and columns."""

from pathlib import Path

import pytest

from template_facts import HEAD_REVISION, NEXT_REVISION

from .editing import A_NEW_TIER, TIERS_ON_TICKETS, edit, restored
from .rendering import render
from .running import install, new_project_folder, output_of, run_suite

MODELS = "src/ticketing_service/models.py"
WRITE_THE_MIGRATION = "Write the migration: uv run alembic revision --autogenerate"
# `alembic check` does not compare CHECK constraints: the drift test does, and says so.
WRITE_THE_CHECK = "write each missing CHECK constraint into a migration"
# Nor an enum type's members.
WRITE_THE_ENUM = "write each new enum member into a migration"
CAPACITY_CHECK = '        CheckConstraint("capacity >= 0", name="capacity_not_negative"),\n'
CHANGES_WITHOUT_A_MIGRATION = [
    pytest.param(
        "    sold_to: Mapped[str | None] = mapped_column(String(255), default=None)\n",
        "    sold_to: Mapped[str | None] = mapped_column(\n"
        '        String(255), default=None, server_default="nobody"\n'
        "    )\n",
        WRITE_THE_MIGRATION,
        id="server-default-added",
    ),
    pytest.param(
        "    price: Mapped[int]\n",
        "    price: Mapped[float]\n",
        WRITE_THE_MIGRATION,
        id="integer-to-float",
    ),
    pytest.param(
        CAPACITY_CHECK,
        CAPACITY_CHECK + '        CheckConstraint("length(venue) > 0", name="venue_named"),\n',
        WRITE_THE_CHECK,
        id="check-constraint-added",
    ),
]


@pytest.fixture(scope="module")
def project() -> Path:
    return install(render(new_project_folder("drift-"), db_driver="psycopg"))


@pytest.mark.parametrize(("line", "changed", "what_to_do"), CHANGES_WITHOUT_A_MIGRATION)
def test_a_model_change_without_a_migration_fails_the_drift_test(
    project: Path, line: str, changed: str, what_to_do: str
) -> None:
    models = project / MODELS
    with restored(models):
        original = models.read_text()
        assert line in original
        models.write_text(original.replace(line, changed))
        result = run_suite(project, "tests/test_migrations.py", "-p", "no:randomly")

    assert result.returncode == 1, output_of(result)
    assert "FAILED tests/test_migrations.py::test_upgrade_head_builds_what_the_models_describe" in (
        result.stdout
    ), output_of(result)
    assert what_to_do in result.stdout, output_of(result)


JOB_QUEUE_MIGRATION = f'''"""a table of another tool's, left out of the models

Revision ID: {NEXT_REVISION}
Revises: {HEAD_REVISION}
"""

import sqlalchemy as sa
from alembic import op

revision = "{NEXT_REVISION}"
down_revision = "{HEAD_REVISION}"


def upgrade() -> None:
    op.create_table("job_queue", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("job_queue")
'''
LEAVE_OUT_THE_JOB_QUEUE = (
    "        include_object=lambda _object, name, _type, reflected, _compared_to: not (\n"
    '            reflected and name == "job_queue"\n'
    "        ),\n"
)


def test_the_drift_test_leaves_out_what_env_py_leaves_out(project: Path) -> None:
    """A table env.py's `include_object` leaves out of autogenerate (a job queue's, made by a
    migration) is left out of the drift test too: it compares as `alembic check` does."""
    env, migration = (
        project / "migrations" / "env.py",
        project / "migrations" / "versions" / f"{NEXT_REVISION}_job_queue.py",
    )
    drift_test = "tests/test_migrations.py::test_upgrade_head_builds_what_the_models_describe"
    with restored(env, migration):
        migration.write_text(JOB_QUEUE_MIGRATION)
        unexcluded = run_suite(project, drift_test, "-p", "no:randomly")
        text = env.read_text()
        assert "        compare_server_default=True,\n" in text
        env.write_text(
            text.replace(
                "        compare_server_default=True,\n",
                "        compare_server_default=True,\n" + LEAVE_OUT_THE_JOB_QUEUE,
            )
        )
        excluded = run_suite(project, drift_test, "-p", "no:randomly")

    assert unexcluded.returncode == 1, output_of(unexcluded)  # the table is there to leave out
    assert "('remove_table'" in unexcluded.stdout, output_of(unexcluded)
    assert excluded.returncode == 0, output_of(excluded)
    assert "1 passed" in excluded.stdout, output_of(excluded)


TIER_MIGRATION = f'''"""tickets get a tier, a PostgreSQL enum

Revision ID: {NEXT_REVISION}
Revises: {HEAD_REVISION}
"""

import sqlalchemy as sa
from alembic import op

revision = "{NEXT_REVISION}"
down_revision = "{HEAD_REVISION}"


def upgrade() -> None:
    tier = sa.Enum("standard", "vip", name="tier")
    tier.create(op.get_bind())
    op.add_column("tickets", sa.Column("tier", tier, nullable=True))


def downgrade() -> None:
    op.drop_column("tickets", "tier")
    sa.Enum(name="tier").drop(op.get_bind())
'''


def test_an_enum_member_added_without_a_migration_fails_the_drift_test(project: Path) -> None:
    """`alembic check` compares an enum column's type by name, not its members."""
    models = project / MODELS
    migration = project / "migrations" / "versions" / f"{NEXT_REVISION}_tier.py"
    with restored(models, migration):
        migration.write_text(TIER_MIGRATION)
        edit(models, TIERS_ON_TICKETS)
        migrated = run_suite(project, "tests/test_migrations.py", "-p", "no:randomly")
        edit(models, A_NEW_TIER)
        unmigrated = run_suite(project, "tests/test_migrations.py", "-p", "no:randomly")

    assert migrated.returncode == 0, output_of(migrated)
    assert unmigrated.returncode == 1, output_of(unmigrated)
    assert WRITE_THE_ENUM in unmigrated.stdout, output_of(unmigrated)
