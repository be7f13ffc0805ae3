"""A roster import over HTTP: the upload, the preview switch, the report."""

from marshmallow import Schema, fields, post_load

from market.fields import InputSchema


class ImportQuerySchema(InputSchema):
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "report what the import would do and write nothing"},
    )


class ImportFileSchema(InputSchema):
    """The uploaded roster, loaded as what the import takes: its bytes and its file name."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})

    @post_load
    def _read(self, data: dict, **_kwargs) -> dict:
        upload = data["file"]
        return {"data": upload.read(), "filename": upload.filename or ""}


class ImportErrorSchema(Schema):
    row = fields.Integer(metadata={"description": "the sheet's row number (header = row 1)"})
    field = fields.String()
    message = fields.String()


class ImportResultSchema(Schema):
    rows = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    dry_run = fields.Boolean()
    errors = fields.List(fields.Nested(ImportErrorSchema))
