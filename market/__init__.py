"""Chợ 4.0 Cashless: the application factory."""

from flask import Flask, request

from market import auth, db, errors, hardening, idempotency, migrate, plugins, requestlog
from market.openapi import ErrorStatuses, ProblemApi

API_SPEC = {
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearerAuth": []}],
    "info": {"description": "Cashless payments by VietQR for markets and schools."},
}


def _require_schema(app: Flask) -> None:
    # Checked once per process, so an unmigrated database is a clear 503, not a traceback.
    @app.before_request
    def _check():
        if app.extensions.get("schema_ok") or request.endpoint in ("static", None):
            return
        problem = migrate.pending_revision(app.extensions["db"].engine)
        if problem:
            raise errors.SchemaNotReady(f"{problem}: run `flask --app wsgi db upgrade`.")
        app.extensions["schema_ok"] = True


def _register_domains(app: Flask, api: ProblemApi) -> None:
    from demo.cli import demo_cli
    from market import cli, health, pages, people_pages, user_views
    from market.markets import pages as markets_pages
    from market.markets.views import blp as markets_blp
    from market.stats import dashboard
    from market.stats.views import blp as stats_blp
    from payments import plugin as payments_plugin
    from tuition import plugin as tuition_plugin
    from vendors import plugin as vendors_plugin

    api.register_blueprint(markets_blp)
    api.register_blueprint(stats_blp)
    api.register_blueprint(user_views.blp)
    dashboard.init_app(app)
    payments_plugin.init_app(app, api)
    vendors_plugin.init_app(app, api)
    tuition_plugin.init_app(app, api)
    pages.init_app(app)
    app.register_blueprint(people_pages.bp)
    app.register_blueprint(markets_pages.bp)
    health.init_app(app)
    cli.init_app(app)
    app.cli.add_command(demo_cli)


def create_app(config: dict | None = None) -> Flask:
    """Build the application: config → db → errors → auth → blueprints."""
    from market.config import load_config

    app = Flask(__name__, instance_relative_config=True, static_folder="../static")
    load_config(app, config)
    app.json.ensure_ascii = False
    db.init_app(app)
    requestlog.init_app(app)
    hardening.init_app(app)  # before any route: routes take its id converter
    api = ProblemApi(app, spec_kwargs=API_SPEC | {"extra_plugins": [ErrorStatuses()]})
    errors.init_app(app)
    auth.init_app(app)
    _register_swagger_assets(app)
    _require_schema(app)
    idempotency.init_app(app)
    plugins.init_app(app)
    _register_domains(app, api)
    return app


def _register_swagger_assets(app: Flask) -> None:
    # Serve Swagger UI from the installed package rather than a CDN.
    import swagger_ui_bundle
    from flask import send_from_directory

    @app.get("/api/docs/static/<path:filename>")
    def swagger_asset(filename):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)
