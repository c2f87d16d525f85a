"""The municipality's PDF certificate (X.509, key encrypted) and logo. Existing
municipalities get a development certificate when it is first needed.

Revision ID: 8c3d2e6f1b47
Revises: 5b7e0c1f9a21
Create Date: 2026-11-23 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c3d2e6f1b47'
down_revision = '5b7e0c1f9a21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('certificate_key_encrypted', sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column('certificate_development', sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column('logo', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.drop_column('logo')
        batch_op.drop_column('certificate_development')
        batch_op.drop_column('certificate_key_encrypted')
        batch_op.drop_column('certificate')
