"""long-term signatures: a municipality's certificate chain, and for each issued
document the revision its signature covers and its PAdES level. Documents issued before
were signed over the whole file (B-B): their signed revision is the file.

Revision ID: 9a3e5b7c2d14
Revises: 7c4f2e8a1d63
Create Date: 2026-12-04 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a3e5b7c2d14'
down_revision = '7c4f2e8a1d63'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_chain', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('signed_size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signature_level', sa.String(length=8), nullable=True))
    op.execute(
        "UPDATE issued_documents SET signed_sha256 = sha256, signed_size = size,"
        " signature_level = 'B-B'"
    )


def downgrade():
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_column('signature_level')
        batch_op.drop_column('signed_size')
        batch_op.drop_column('signed_sha256')
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.drop_column('certificate_chain')
