"""Configuration defaults; the environment (prefix ``FLASK_`` or the bare names below) wins."""

import os

DEFAULT_DATABASE_URL = "sqlite:///instance/cho40.db"
DEVELOPMENT_SECRET_KEY = "dev-only-change-me"


class Config:
    """Defaults for every deployment; override through the environment."""

    # "production" unless told otherwise: outside development and testing the public
    # development secrets are refused (FLASK_ENV=development, FLASK_DEBUG=1 or TESTING).
    ENV = "production"
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
    DATABASE_URL = DEFAULT_DATABASE_URL
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    # Keyed hash of payer accounts (distinct payers): set once and keep; falls back to
    # SECRET_KEY in development only.
    PAYER_HASH_KEY = None
    # How many reverse proxies in front of the app set X-Forwarded-For / -Proto (0: none is
    # trusted, so a client cannot pick its own address).
    TRUSTED_PROXIES = 0
    # A business day may be closed this long after it ends, so late notifications still land.
    SETTLEMENT_GRACE_MINUTES = 120
    # How long a process may reuse a provider's settings (secret, fees) between notifications.
    PROVIDER_CACHE_SECONDS = 10
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # A vendor's phone signed in by a link keeps its cookie this long (staff cookies end with
    # the browser); the server ends the device itself after 90 days too.
    PERMANENT_SESSION_LIFETIME = 90 * 24 * 3600
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
    "PAYER_HASH_KEY",
    "TRUSTED_PROXIES",
    "SETTLEMENT_GRACE_MINUTES",
)
NUMERIC = ("MAX_CONTENT_LENGTH", "TRUSTED_PROXIES", "SETTLEMENT_GRACE_MINUTES")
MAKE_A_SECRET = "python -c 'import secrets; print(secrets.token_hex(32))'"


class UnsafeConfiguration(RuntimeError):
    """The settings would run a deployment open to anyone; the message says what to set."""


def load_config(app, overrides: dict | None) -> None:
    """Fill app.config: defaults, then the environment, then explicit overrides."""
    app.config.from_object(Config)
    for name in PLAIN_ENV_NAMES:
        if name in os.environ:
            value = os.environ[name]
            app.config[name] = int(value) if name in NUMERIC else value
    app.config.from_prefixed_env()
    if overrides:
        app.config.update(overrides)
    refuse_public_secrets(app)


def is_development(app) -> bool:
    """True on a developer's machine or under test, where the public defaults may serve."""
    return app.testing or app.debug or app.config.get("ENV") == "development"


def refuse_public_secrets(app) -> None:
    """Raise UnsafeConfiguration outside development when a secret is the public default."""
    if is_development(app):
        return
    if app.config.get("SECRET_KEY") in (None, "", DEVELOPMENT_SECRET_KEY):
        raise UnsafeConfiguration(
            "SECRET_KEY is unset or the public development value; set SECRET_KEY to a long "
            f"random value ({MAKE_A_SECRET}), or FLASK_ENV=development on a development machine."
        )
    if app.config.get("PAYER_HASH_KEY") in (None, "", DEVELOPMENT_SECRET_KEY):
        raise UnsafeConfiguration(
            "PAYER_HASH_KEY is unset or the public development value; set it to a long random "
            "value and keep it for good (a deployment that already recorded payments sets it to "
            "its SECRET_KEY), or FLASK_ENV=development on a development machine."
        )


def startup_refusal() -> str | None:
    """Why the app, configured from the environment, would refuse to start; None if it would."""
    from flask import Flask

    try:
        load_config(Flask("market"), None)
    except UnsafeConfiguration as refusal:
        return str(refusal)
    return None
