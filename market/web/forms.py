"""Forms on pages: a service's refusal shown beside the fields it concerns, in Vietnamese."""

from collections.abc import Mapping

from marshmallow import Schema, ValidationError

from market.errors import AppError, ValidationFailed
from market.words import say, say_errors


def form_errors(error: AppError) -> dict[str, list[str]]:
    """{field: [messages]} for the form; "form" holds what concerns no one field."""
    return say_errors(error.errors) or {"form": [say(error.detail)]}


def load_form(schema: Schema, form: Mapping[str, str]) -> dict:
    """The schema's fields that the form filled in, loaded; ValidationFailed with the field
    errors otherwise (an empty optional field is left out, as an API client would)."""
    sent = {k: v for k, v in form.items() if k in schema.fields and v.strip()}
    try:
        return schema.load(sent)
    except ValidationError as exc:
        raise ValidationFailed("the form has errors", errors=exc.messages) from exc
