"""grants.recipient_wrapped_key: the grant key under the recipient's own user key, made
at the recipient's first opening (a caseload then needs no public-key operation per
grant); deleted with the grant's other keys.

Revision ID: c7e2b9d40f18
Revises: a41f7c9e2d55
Create Date: 2026-11-23 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7e2b9d40f18'
down_revision = 'a41f7c9e2d55'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_wrapped_key', sa.LargeBinary(length=128), nullable=True))


def downgrade():
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_column('recipient_wrapped_key')
