"""The bot's heartbeat: `ipfacts serve` touches a file while it is healthy, and
`python -m bot.health` (the Docker HEALTHCHECK) exits 0 only while that file is fresh.

In polling mode the file is touched after every successful getUpdates call, so it goes stale
when the bot can no longer reach the Bot API; in webhook mode, every HEARTBEAT_SECONDS while
the webhook server runs.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

# Long polling returns at least every POLL_TIMEOUT_SECONDS (bot/telegram.py: 10 s); a
# heartbeat older than six of those means polling has stopped, not just a quiet minute.
MAX_AGE_SECONDS = 60.0
HEARTBEAT_SECONDS = 10.0


def touch(path: Path) -> None:
    """Mark the bot alive now."""
    # A read-only or vanished folder must not stop the bot; the health check will say so.
    with contextlib.suppress(OSError):
        path.touch()


def age(path: Path) -> float | None:
    """Seconds since the last heartbeat, or None if there is none."""
    try:
        modified = path.stat().st_mtime
    except OSError:
        return None
    return time.time() - modified


def main() -> int:
    """Exit status 0 if the heartbeat is fresh, 1 otherwise (with the reason on stderr)."""
    from bot.settings import SettingsError, load_settings

    try:
        path = load_settings().heartbeat_file
    except SettingsError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    seconds = age(path)
    if seconds is None:
        print(f"unhealthy: no heartbeat at {path}", file=sys.stderr)
        return 1
    if seconds > MAX_AGE_SECONDS:
        print(
            f"unhealthy: last heartbeat {seconds:.0f} s ago (limit {MAX_AGE_SECONDS:.0f} s)", file=sys.stderr
        )
        return 1
    print(f"healthy: last heartbeat {seconds:.0f} s ago")
    return 0


if __name__ == "__main__":
    sys.exit(main())
