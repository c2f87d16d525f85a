"""Where the owner reads an item of any kind (for links from other features' pages)."""

from __future__ import annotations

from flask import url_for

from portfolio.entries import records
from portfolio.entries.models import Item, ItemKind


def item_url(item: Item) -> str:
    if item.kind == ItemKind.GOAL.value:
        return url_for("entries.show_goal", item_id=item.id)
    spec = records.BY_KIND.get(ItemKind(item.kind))
    if spec is None:
        return url_for("entries.index")
    if spec.single:
        return url_for("entries.show_single", slug=spec.slug)
    return url_for("entries.show", slug=spec.slug, item_id=item.id)
