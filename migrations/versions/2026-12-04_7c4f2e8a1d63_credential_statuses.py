"""credential_statuses: each credential's random place in its issuer's Bitstring Status
List, and when its verification stopped holding.

Revision ID: 7c4f2e8a1d63
Revises: 5e1d7a2c9b30
Create Date: 2026-12-04 05:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c4f2e8a1d63'
down_revision = '5e1d7a2c9b30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('credential_statuses',
    sa.Column('municipality_id', sa.String(length=32), nullable=False),
    sa.Column('list_number', sa.Integer(), nullable=False),
    sa.Column('status_index', sa.Integer(), nullable=False),
    sa.Column('endorsement_id', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_credential_statuses_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('municipality_id', 'list_number', 'status_index', name=op.f('pk_credential_statuses')),
    sa.UniqueConstraint('endorsement_id', name=op.f('uq_credential_statuses_endorsement_id'))
    )


def downgrade():
    op.drop_table('credential_statuses')
