"""What POST /notifications/{provider} accepts and answers, per provider format, for the OpenAPI
document (the adapters in payments/providers parse the raw body themselves)."""

from marshmallow import INCLUDE, Schema, fields, validate


class ProviderBody(Schema):
    """A provider may send more fields than we read: they are kept in the raw body."""

    class Meta:
        unknown = INCLUDE


class GenericNotificationSchema(ProviderBody):
    transaction_id = fields.String(required=True)
    amount = fields.Integer(required=True, metadata={"description": "đồng"})
    credit_bin = fields.String(required=True, metadata={"description": "BIN or short name"})
    credit_account = fields.String(required=True)
    description = fields.String(required=True)
    occurred_at = fields.DateTime(required=True)
    debit_bin = fields.String()
    debit_account = fields.String()
    debit_name = fields.String()


class SePayNotificationSchema(ProviderBody):
    id = fields.Integer(required=True)
    gateway = fields.String(metadata={"description": "the bank, e.g. Vietcombank"})
    transactionDate = fields.String(  # noqa: N815 - SePay's own name
        required=True, metadata={"example": "2026-11-20 09:30:00"}
    )
    accountNumber = fields.String(required=True)  # noqa: N815
    subAccount = fields.String(allow_none=True)  # noqa: N815
    code = fields.String(allow_none=True)
    content = fields.String()
    transferType = fields.String(required=True, validate=validate.OneOf(("in", "out")))  # noqa: N815
    transferAmount = fields.Integer(required=True)  # noqa: N815
    accumulated = fields.Integer()
    referenceCode = fields.String()  # noqa: N815
    description = fields.String()


class CassoTransactionSchema(ProviderBody):
    id = fields.Integer(required=True)
    reference = fields.String()
    description = fields.String()
    amount = fields.Integer(required=True, metadata={"description": "negative when money left"})
    accountNumber = fields.String(required=True)  # noqa: N815
    bankName = fields.String()  # noqa: N815
    bankAbbreviation = fields.String()  # noqa: N815
    virtualAccountNumber = fields.String(allow_none=True)  # noqa: N815
    virtualAccountName = fields.String(allow_none=True)  # noqa: N815
    counterAccountName = fields.String(allow_none=True)  # noqa: N815
    counterAccountNumber = fields.String(allow_none=True)  # noqa: N815
    counterAccountBankId = fields.String(allow_none=True)  # noqa: N815
    counterAccountBankName = fields.String(allow_none=True)  # noqa: N815
    transactionDateTime = fields.String(  # noqa: N815
        required=True, metadata={"example": "2026-11-20 09:30:00"}
    )


class CassoNotificationSchema(ProviderBody):
    error = fields.Integer(required=True, metadata={"description": "0 when all is well"})
    data = fields.Nested(CassoTransactionSchema, required=True)


class RecordedAnswerSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("recorded", "duplicate")))
    payment_id = fields.Integer(required=True)


class SuccessAnswerSchema(Schema):
    success = fields.Boolean(required=True)


# The body of each provider format (payments.providers.ADAPTERS), keyed by format name.
NOTIFICATION_BODIES = {
    "generic": GenericNotificationSchema,
    "sepay": SePayNotificationSchema,
    "casso": CassoNotificationSchema,
}
SIGNATURES = (
    'generic: `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`;'
    " sepay: `Authorization: Apikey <key>`, or `X-SePay-Signature: sha256=<hex HMAC-SHA256"
    '(secret, "<X-SePay-Timestamp>.<raw body>")>` with `X-SePay-Timestamp`; casso: '
    '`X-Casso-Signature: t=<unix ms>,v1=<hex HMAC-SHA512(secret, "<t>.<body, keys sorted>")>`.'
    " A signature more than 300 s old is refused."
)
NOTIFICATION_DOC = {
    "summary": "A provider's signed notification of a credited transfer",
    "description": "The body is in the format of the provider named in the path (set with "
    "`providers add NAME --format generic|sepay|casso`). " + SIGNATURES,
    "security": [],
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"oneOf": list(NOTIFICATION_BODIES.values())}}},
    },
    "responses": {
        200: {
            "description": "Recorded, or a duplicate of a transfer already recorded (generic: "
            "its payment; sepay and casso: their own success answer)",
            "content": {
                "application/json": {
                    "schema": {"oneOf": [RecordedAnswerSchema, SuccessAnswerSchema]}
                }
            },
        },
        401: "UNAUTHORIZED",
    },
}
