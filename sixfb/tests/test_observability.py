"""Sentry: off without a DSN; with one, errors reach it (a loopback fake) with secrets scrubbed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.fakes.sentry import FakeSentry

ROOT = Path(__file__).resolve().parents[2]

# Runs in its own interpreter: sentry_sdk.init patches process-wide state.
SCRIPT = textwrap.dedent(
    """
    import sys
    from sixfb.lib import observability

    enabled = observability.init(dsn=sys.argv[1], environment="test")
    print("enabled" if enabled else "disabled")

    def charge_customer():
        api_key = "sk_live_THISMUSTNOTLEAK000000000"
        stripe_signature = "t=1700000000,v1=SIGNATURETHATMUSTNOTLEAK"
        authorization = "Bearer TOKENTHATMUSTNOTLEAK"
        raise ValueError("card declined for shop 42")

    try:
        charge_customer()
    except ValueError as error:
        observability.capture_exception(error)
    observability.flush(timeout=5)
    """
)


def run(dsn: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SCRIPT, dsn], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_errors_reach_sentry_with_secrets_scrubbed():
    sentry = FakeSentry()
    sentry.start()
    try:
        result = run(sentry.dsn)
    finally:
        sentry.stop()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "enabled"
    received = b"\n".join(sentry.envelopes).decode()
    assert "card declined for shop 42" in received
    for secret in ("THISMUSTNOTLEAK", "SIGNATURETHATMUSTNOTLEAK", "TOKENTHATMUSTNOTLEAK"):
        assert secret not in received
    assert "[Filtered]" in received


def test_sentry_is_off_without_a_dsn():
    result = run("")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "disabled"
