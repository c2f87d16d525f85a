"""Who is told when an item is written (created, or its content and so perhaps its domain
changed), with the item key and the owner's user key. Sharing registers at the
composition root (``create_app``) to keep the wraps of covering grants in step; entries
does not import sharing."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from portfolio.entries.models import Item
from portfolio.vault.envelope import SymmetricKey

ItemObserver = Callable[[Session, Item, SymmetricKey, SymmetricKey], None]
_observers: list[ItemObserver] = []


def register(observer: ItemObserver) -> None:
    if observer not in _observers:
        _observers.append(observer)


def written(session: Session, item: Item, item_key: SymmetricKey, user_key: SymmetricKey) -> None:
    for observer in _observers:
        observer(session, item, item_key, user_key)
