"""municipalities.credential_public_key and credential_key_encrypted: the RSA key each
municipality signs its Open Badges credentials with (RS256), made when first needed.

Revision ID: 5e1d7a2c9b30
Revises: 360b06c1628d
Create Date: 2026-12-04 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1d7a2c9b30'
down_revision = '360b06c1628d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credential_public_key', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('credential_key_encrypted', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.drop_column('credential_key_encrypted')
        batch_op.drop_column('credential_public_key')
