"""Settings of `ipfacts serve`, read from IPFACTS_* environment variables or a `.env` file.

The bot token is read from the environment (or `.env`) only, never from the command line,
where other users of the machine could read it in the process list.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from facts.paths import default_db_path

ENV_PREFIX = "IPFACTS_"
ENV_FILE = ".env"
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
# Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as a webhook secret token.
SECRET_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class SettingsError(Exception):
    """The settings are missing or invalid; the message says which and how to fix it."""


class Settings(BaseSettings):
    """Everything `ipfacts serve` reads from IPFACTS_* variables."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = Field(default=None, description="The token @BotFather gave the bot")
    api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL; the token is appended to it (a self-hosted or test server)",
    )
    db: Path = Field(default_factory=default_db_path, description="The fact database")
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), description="Telegram user ids allowed /reload, /misses and /stats"
    )
    log_level: LogLevel = "INFO"
    state_file: Path | None = Field(
        default=None, description="Per-chat conversation state (default: bot-state.pickle beside the db)"
    )
    webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL: webhook mode instead of polling"
    )
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token (random if unset)",
    )
    questions_per_minute: int = Field(default=20, ge=1, description="Questions one user may ask a minute")
    heartbeat_file: Path = Field(
        default_factory=lambda: Path(tempfile.gettempdir()) / "ipfacts-heartbeat",
        description="Touched while the bot is healthy; read by `python -m bot.health`",
    )

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        """'123, 456' or '123 456' -> {123, 456}."""
        if isinstance(value, str):
            return [item for item in re.split(r"[\s,;]+", value) if item]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_charset(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not SECRET_TOKEN_PATTERN.match(value.get_secret_value()):
            raise ValueError("use 1-256 characters A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @property
    def state_path(self) -> Path:
        """Where the per-chat state is kept across restarts."""
        return self.state_file or self.db.parent / "bot-state.pickle"

    def token(self) -> str:
        """The bot token, or a SettingsError saying how to set it."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise SettingsError(
                "IPFACTS_BOT_TOKEN is not set: put the token from @BotFather in the environment "
                "or in a .env file (IPFACTS_BOT_TOKEN=123456:ABC...)"
            )
        return self.bot_token.get_secret_value().strip()


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and `.env`, with `overrides` (command-line options) on
    top; pydantic's errors become one readable SettingsError."""
    try:
        return Settings(**{key: value for key, value in overrides.items() if value is not None})
    except ValidationError as error:
        problems = "; ".join(
            f"{ENV_PREFIX}{'.'.join(str(part) for part in e['loc']).upper()}: {e['msg']}"
            for e in error.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from None


def unknown_settings(environ: dict[str, str] | None = None) -> list[str]:
    """IPFACTS_* names in the environment or `.env` that no setting reads (typos, usually)."""
    names = set(os.environ if environ is None else environ)
    if Path(ENV_FILE).is_file():
        names |= set(dotenv_values(ENV_FILE))
    known = {f"{ENV_PREFIX}{name.upper()}" for name in Settings.model_fields}
    return sorted(n for n in names if n.upper().startswith(ENV_PREFIX) and n.upper() not in known)
