"""Life domains (seeded with the ten defaults of domain.md) and portfolio items.

Revision ID: cd82166eb8a2
Revises: 203d8f73b499 (accounts)
Create Date: 2026-11-23 13:29:16.316394

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cd82166eb8a2'
down_revision = '203d8f73b499'
branch_labels = None
depends_on = None

# Frozen here on purpose: a migration must not change when the app's code does.
DEFAULT_DOMAINS = [
    ('language', 'Taal & leren'),
    ('education', "Opleiding & diploma's"),
    ('work', 'Werk & loopbaan'),
    ('money', 'Geld & administratie'),
    ('health', 'Gezondheid'),
    ('family', 'Gezin & kinderen'),
    ('housing', 'Wonen'),
    ('participation', 'Netwerk & meedoen'),
    ('daily_life', 'Dagelijks leven'),
    ('society', 'Nederland kennen'),
]


def upgrade():
    op.create_table('life_domains',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('icon', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_life_domains'))
    )
    op.create_table('items',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('owner_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('domain_code', sa.String(length=32), nullable=True),
    sa.Column('wrapped_key', sa.LargeBinary(length=128), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['domain_code'], ['life_domains.code'], name=op.f('fk_items_domain_code_life_domains'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_items_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items'))
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_items_domain_code'), ['domain_code'], unique=False)
        batch_op.create_index('ix_items_owner_kind', ['owner_id', 'kind'], unique=False)

    domains = sa.table(
        'life_domains',
        sa.column('code', sa.String), sa.column('name', sa.String), sa.column('icon', sa.String),
        sa.column('position', sa.Integer), sa.column('active', sa.Boolean),
        sa.column('sensitive', sa.Boolean),
    )
    op.bulk_insert(domains, [
        {'code': code, 'name': name, 'icon': code, 'position': n, 'active': True,
         'sensitive': code == 'health'}
        for n, (code, name) in enumerate(DEFAULT_DOMAINS)
    ])


def downgrade():
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index('ix_items_owner_kind')
        batch_op.drop_index(batch_op.f('ix_items_domain_code'))

    op.drop_table('items')
    op.drop_table('life_domains')
