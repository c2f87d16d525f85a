"""Every user-facing string is translated into every language, and the template is current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portfolio.i18n import CODES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{\{\s*\w+\s*\}\}")


def load(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def template_ids() -> set[str]:
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


@pytest.mark.parametrize("lang", CODES)
def test_catalog_is_complete_and_not_fuzzy(lang: str) -> None:
    catalog = load(lang)
    problems = []
    ids = set()
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        ids.add(key)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        if not all(s and s.strip() for s in strings):
            problems.append(f"untranslated: {key!r}")
            continue
        wanted = sorted(PLACEHOLDER.findall(key))
        for s in strings:
            if sorted(PLACEHOLDER.findall(s)) != wanted:
                problems.append(f"placeholders differ: {key!r} -> {s!r}")
    missing = template_ids() - ids
    problems += [f"missing: {m!r}" for m in sorted(missing)]
    assert not problems, "\n".join(problems)


def test_template_is_current(tmp_path: Path) -> None:
    """The committed messages.pot holds exactly the strings found in the code."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with fresh.open("rb") as handle:
        found = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert found == template_ids(), (
        "messages.pot is stale: run `make translations-update`. "
        f"New: {sorted(found - template_ids())}; gone: {sorted(template_ids() - found)}"
    )
