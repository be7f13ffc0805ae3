"""Forms on pages: a service's refusal shown beside the fields it concerns, in Vietnamese."""

from market.errors import AppError
from market.words import say, say_errors


def form_errors(error: AppError) -> dict[str, list[str]]:
    """{field: [messages]} for the form; "form" holds what concerns no one field."""
    return say_errors(error.errors) or {"form": [say(error.detail)]}
