"""Benchmark: what one login costs with production Argon2id parameters (64 MiB, t=3, p=4).

Prints figures; it is not a pass/fail test. Run with ``make bench``.
"""

from __future__ import annotations

import statistics
import time

from portfolio.vault import keys
from portfolio.vault.envelope import SymmetricKey
from portfolio.vault.kdf import KdfParams

ROUNDS = 15


def main() -> None:
    params = KdfParams.production()
    pepper = b"p" * 32
    wrap = keys.wrap_with_passphrase(
        SymmetricKey.generate(),
        "een zin om te testen",
        "u1",
        params=params,
        pepper_id="p1",
        pepper=pepper,
        floor=params,
    )
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        keys.unlock_with_passphrase(
            wrap, "een zin om te testen", "u1", peppers={"p1": pepper}, floor=params
        )
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"login unlock (Argon2id m={params.memory_kib} KiB t={params.iterations} p={params.lanes}), {ROUNDS} rounds:"
    )
    print(
        f"  median {statistics.median(timings):.0f} ms   p95 {p95:.0f} ms   min {timings[0]:.0f} ms"
    )


if __name__ == "__main__":
    main()
