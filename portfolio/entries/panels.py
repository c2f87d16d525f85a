"""Parts of the owner's item page that other features draw (feedback, verification).

Entries does not import those features: they register a panel at the composition root
(``create_app``), the way they observe item writes. A panel gets the opened item and
returns its HTML, or None when it has nothing to show for this item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from portfolio.entries.models import Item
from portfolio.vault.envelope import SymmetricKey

ItemPanel = Callable[[Session, Item, SymmetricKey, dict[str, Any]], Markup | None]
_panels: list[ItemPanel] = []


def register(panel: ItemPanel) -> None:
    """Add a panel; they show in the order they were registered."""
    if panel not in _panels:
        _panels.append(panel)


def for_item(
    session: Session, item: Item, item_key: SymmetricKey, data: dict[str, Any]
) -> list[Markup]:
    shown = (panel(session, item, item_key, data) for panel in _panels)
    return [html for html in shown if html]
