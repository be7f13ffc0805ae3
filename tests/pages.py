"""Helpers for page tests without a browser: a test client signed in as a user, the way a
browser asks for a page, and what a page says."""

import re

from market.auth import SESSION_KEY
from market.users import User, start_session

# What Chromium sends for a page: HTML first, anything else after.
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
FORM_TOKEN = "form-token-of-this-browser"


def signed_in(app, session, user: User | None):
    """A test client holding a login session of user (None: a visitor) and a form token."""
    browser = app.test_client()
    with browser.session_transaction() as cookie:
        if user is not None:
            cookie[SESSION_KEY] = start_session(session, user=user)
        cookie["csrf"] = FORM_TOKEN
    return browser


def form_token_of(html: str) -> str:
    """The form token a page's form carries."""
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def text_of(response) -> str:
    """The words of a page, tags and repeated white space removed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def menu_of(response) -> str:
    """The header's menu of a page: its links and the account part."""
    html = response.get_data(as_text=True)
    return re.search(r'<details class="menu">(.*?)</details>', html, re.S).group(1)
