"""Counting tokens offline, the way OpenAI's models count them.

``bpe-openai`` is a tiktoken-compatible tokenizer whose wheel ships the cl100k/o200k BPE files,
so counting works on a fresh machine with no download (tiktoken itself fetches its files from
the internet at first use). Models it does not know (local models) are counted with o200k,
which is an estimate for them.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_ENCODING = "o200k_base"
# OpenAI's chat format adds a few tokens per message and primes the reply (OpenAI cookbook).
TOKENS_PER_MESSAGE = 3
REPLY_PRIMING_TOKENS = 3


@functools.cache
def _encoding_for(model: str) -> Any:
    try:
        import bpe_openai
    except ImportError:  # pragma: no cover - the package is in requirements.txt
        logger.warning("bpe-openai is missing: token counts are estimated from characters")
        return None
    try:
        return bpe_openai.encoding_for_model(model)
    except Exception:
        return bpe_openai.get_encoding(DEFAULT_ENCODING)


# bpe-openai refuses inputs of about a million characters ("Input too long to encode safely"), and
# a remembered count keeps its text alive: past this, tokens are estimated instead.
TOKENIZE_MAX_CHARS = 100_000


def estimate(text: str) -> int:
    """A count from the length: three characters a token over-counts English text, so a budget
    computed with it still holds."""
    return len(text) // 3 + 1


def count_text(text: str, *, model: str) -> int:
    if not text:
        return 0
    if len(text) > TOKENIZE_MAX_CHARS:
        return estimate(text)
    return _count(text, model)


# Earlier turns are counted again for every prompt of a conversation: remember recent counts.
@functools.lru_cache(maxsize=1024)
def _count(text: str, model: str) -> int:
    encoding = _encoding_for(model)
    if encoding is None:  # pragma: no cover
        return estimate(text)
    try:
        return len(encoding.encode(text))
    except ValueError:  # the tokenizer's own limits (it says so rather than crash)
        return estimate(text)


def count_messages(messages: list[dict[str, str]], *, model: str) -> int:
    """Prompt tokens for a chat request, counted as OpenAI bills them."""
    return sum(TOKENS_PER_MESSAGE + count_text(m["content"], model=model) for m in messages) + REPLY_PRIMING_TOKENS
