"""Secrets kept off the screen, out of logs and out of the timeline: the value of every
environment variable whose name says it holds a secret is replaced by ``****``."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL")
"""A variable whose name contains one of these (in any case) holds a secret."""
MASK = "****"
MIN_LENGTH = 3
"""Shorter values are not masked: a secret of one or two characters would mask every
such letter pair in the output, and hides nothing worth hiding."""


def is_secret_name(name: str) -> bool:
    """Whether the environment variable *name* holds a secret (see SECRET_WORDS)."""
    upper = name.upper()
    return any(word in upper for word in SECRET_WORDS)


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """The values to mask: those of the secret variables of *environ* (the process's
    environment by default), longest first."""
    env = os.environ if environ is None else environ
    found = {v for k, v in env.items() if is_secret_name(k) and len(v.strip()) >= MIN_LENGTH}
    # Each value and its lines: a multi-line secret (a key file) is masked line by line too.
    parts = {line for v in found for line in v.splitlines() if len(line.strip()) >= MIN_LENGTH}
    return sorted(found | parts, key=len, reverse=True)


class Masker:
    """Replaces every secret value by ``****`` in the text it is given."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets = secrets
        self._pattern = re.compile("|".join(re.escape(s) for s in secrets)) if secrets else None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Masker:
        return cls(secret_values(environ))

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(MASK, text)

    @property
    def longest(self) -> int:
        """The length of the longest secret (0 without any): a stream keeps this much
        back, so that a secret split between two reads is still masked."""
        return len(self.secrets[0]) if self.secrets else 0
