"""Passphrase rules (NIST SP 800-63B): long enough, not absurdly long, not common."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from portfolio.accounts.errors import WeakPassphraseError

MIN_LENGTH = 12  # OWASP ASVS 5.0 V6.2.1
MAX_LENGTH = 256


@lru_cache(maxsize=1)
def common_passphrases() -> frozenset[str]:
    """The 30,000 most common passwords of public breach corpora (shipped with zxcvbn)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.casefold() for word in FREQUENCY_LISTS["passwords"])


def check_passphrase(passphrase: str, username: str) -> None:
    """Raise ``WeakPassphraseError`` with a reason code: too_short, too_long, common."""
    length = len(unicodedata.normalize("NFC", passphrase))
    if length < MIN_LENGTH:
        raise WeakPassphraseError("too_short")
    if length > MAX_LENGTH:
        raise WeakPassphraseError("too_long")
    folded = passphrase.casefold().strip()
    if folded in common_passphrases() or folded == username.casefold() or len(set(folded)) < 3:
        raise WeakPassphraseError("common")
