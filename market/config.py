"""Configuration defaults; the environment (prefix ``FLASK_`` or the bare names below) wins."""

import os

DEFAULT_DATABASE_URL = "sqlite:///instance/cho40.db"


class Config:
    """Defaults for every deployment; override through the environment."""

    SECRET_KEY = "dev-only-change-me"
    DATABASE_URL = DEFAULT_DATABASE_URL
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    TIMEZONE = "Asia/Ho_Chi_Minh"
    REDIS_URL = None
    # Keyed hash of payer accounts (distinct payers): set once and keep; falls back to SECRET_KEY.
    PAYER_HASH_KEY = None
    # A business day may be closed this long after it ends, so late notifications still land.
    SETTLEMENT_GRACE_MINUTES = 120
    # How long a process may reuse a provider's settings (secret, fees) between notifications.
    PROVIDER_CACHE_SECONDS = 10
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # flask-smorest / OpenAPI
    API_TITLE = "Chợ 4.0 Cashless API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "api/v1/openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "api/docs"
    OPENAPI_SWAGGER_UI_URL = "/api/docs/static/"
    JSON_SORT_KEYS = False


PLAIN_ENV_NAMES = (
    "DATABASE_URL",
    "SECRET_KEY",
    "MAX_CONTENT_LENGTH",
    "REDIS_URL",
    "PAYER_HASH_KEY",
    "SETTLEMENT_GRACE_MINUTES",
)


def load_config(app, overrides: dict | None) -> None:
    """Fill app.config: defaults, then the environment, then explicit overrides."""
    app.config.from_object(Config)
    for name in PLAIN_ENV_NAMES:
        if name in os.environ:
            value = os.environ[name]
            numeric = name in ("MAX_CONTENT_LENGTH", "SETTLEMENT_GRACE_MINUTES")
            app.config[name] = int(value) if numeric else value
    app.config.from_prefixed_env()
    if overrides:
        app.config.update(overrides)
