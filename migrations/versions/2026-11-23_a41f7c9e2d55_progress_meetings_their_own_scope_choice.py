"""Progress meetings are their own choice in a share (they went with the plan before):
shares that held the plan keep what they showed, so "meeting" is added to them.

Revision ID: a41f7c9e2d55
Revises: 8c3d2e6f1b47
Create Date: 2026-11-23 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a41f7c9e2d55'
down_revision = '8c3d2e6f1b47'
branch_labels = None
depends_on = None

GRANTS = sa.table('grants', sa.column('id', sa.String), sa.column('scope_kinds', sa.String))


def _rewrite(change):
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(GRANTS.c.id, GRANTS.c.scope_kinds).where(GRANTS.c.scope_kinds.like('%pip%'))
    ).all()
    for grant_id, kinds in rows:
        parts = {part for part in (kinds or '').split(',') if part}
        changed = ','.join(sorted(change(parts)))
        if changed != kinds:
            connection.execute(
                sa.update(GRANTS).where(GRANTS.c.id == grant_id).values(scope_kinds=changed)
            )


def upgrade():
    _rewrite(lambda parts: parts | {'meeting'} if 'pip' in parts else parts)


def downgrade():
    _rewrite(lambda parts: parts - {'meeting'})
