"""The web foundation every screen stands on: page access and form tokens, the menu, the
error pages, Vietnamese formats and words in templates."""

from flask import Flask, g, request

from market import formats, words
from market.db import get_session
from market.people import bound_codes
from market.web.access import STAFF, PageBlueprint, csrf_token, page, viewer
from market.web.error_pages import render_error_page
from market.web.nav import current_link, links_for, may_open, start_path

__all__ = ["STAFF", "PageBlueprint", "page", "start_path_of", "init_app"]


def codes_of(user) -> dict[str, str]:
    """The market and school codes of user, once per request."""
    if user is None:
        return {}
    if "bound_codes" not in g:
        g.bound_codes = bound_codes(get_session(), user)
    return g.bound_codes


def start_path_of(user) -> str:
    """Where user starts (see market.web.nav.START)."""
    return start_path(user, codes_of(user))


def _layout() -> dict:
    # Error pages of a failing request do not ask the database who is signed in.
    user = g.get("user") if g.get("quiet_layout") else viewer()
    codes = {} if g.get("quiet_layout") else codes_of(user)
    links = links_for(user, codes)
    return {"me": user, "menu": links, "here": current_link(links, request.path)}


def _or_dash(format_value):
    return lambda value, *args: formats.DASH if value is None else format_value(value, *args)


FILTERS = {
    "vnd": _or_dash(formats.format_vnd),
    "number": _or_dash(formats.format_number),
    "percent": _or_dash(formats.format_ratio),
    "date": formats.format_date,
    "datetime": formats.format_datetime,
    "time": formats.format_time,
    "word": lambda value, kind: words.word(kind, value),
    # (value, text) pairs for a select: codes with their Vietnamese words, records by name
    "word_choices": lambda values, kind: [(v, words.word(kind, v)) for v in values],
    "record_choices": lambda records: [(r.code, f"{r.name} ({r.code})") for r in records],
}


def init_app(app: Flask) -> None:
    """Install the error pages, the layout's menu, the filters and the form token."""
    app.extensions["error_page"] = render_error_page
    app.context_processor(_layout)
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["may_open"] = lambda path: may_open(viewer(), path)
