"""items.awaiting: whose answer a proposal waits for (a flag for the caseload, never
content). Existing proposals get it from the owner's next visit to the plan.

Revision ID: 5b7e0c1f9a21
Revises: 93a17d57a367
Create Date: 2026-11-23 18:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e0c1f9a21'
down_revision = '93a17d57a367'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('awaiting', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_column('awaiting')
