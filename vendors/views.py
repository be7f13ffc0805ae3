"""Vendors over HTTP: parse, call one service, dump."""

from flask_smorest import Blueprint

from market.auth import caller, require
from market.db import get_session
from market.markets.service import get_market
from market.roster.schemas import ImportFileSchema, ImportResultSchema
from vendors import importer, service
from vendors.schemas import (
    AuditEntrySchema,
    StatusChangeSchema,
    VendorCreateSchema,
    VendorImportQuerySchema,
    VendorPageSchema,
    VendorQuerySchema,
    VendorSchema,
    VendorUpdateSchema,
)

blp = Blueprint("vendors", __name__, url_prefix="/api/v1", description="Vendors (tiểu thương)")


@blp.post("/markets/<code>/vendors")
@require(*service.MANAGERS)
@blp.arguments(VendorCreateSchema)
@blp.response(201, VendorSchema)
def register_vendor(body, code):
    """Register a vendor at a stall; the vendor starts pending."""
    session = get_session()
    return service.register_vendor(
        session, actor=caller(), market=get_market(session, code), details=body
    )


@blp.post("/markets/<code>/vendors/import")
@require(*service.MANAGERS)
@blp.arguments(VendorImportQuerySchema, location="query")
@blp.arguments(ImportFileSchema, location="files")
@blp.response(200, ImportResultSchema)
def import_vendors(query, upload, code):
    """Import a CSV or XLSX roster; every bad row is reported with its sheet row and field."""
    session = get_session()
    market = get_market(session, code)
    return importer.import_vendors(session, actor=caller(), market=market, **upload, **query)


@blp.get("/vendors")
@require(*service.READERS)
@blp.arguments(VendorQuerySchema, location="query")
@blp.response(200, VendorPageSchema)
def list_vendors(query):
    """Vendors the caller may see; q searches names without accents, stalls and phones."""
    after = query.pop("cursor")
    return service.list_vendors(get_session(), actor=caller(), after=after, **query)


@blp.get("/vendors/<int:vendor_id>")
@require(*service.READERS)
@blp.response(200, VendorSchema)
def get_vendor(vendor_id):
    """One vendor."""
    return service.get_vendor(get_session(), actor=caller(), vendor_id=vendor_id)


@blp.patch("/vendors/<int:vendor_id>")
@require(*service.MANAGERS)
@blp.arguments(VendorUpdateSchema(partial=True))
@blp.response(200, VendorSchema)
def update_vendor(body, vendor_id):
    """Change a vendor's details (audited)."""
    return service.update_vendor(get_session(), actor=caller(), vendor_id=vendor_id, changes=body)


@blp.post("/vendors/<int:vendor_id>/<any(activate, suspend, close):action>")
@require(*service.MANAGERS)
@blp.arguments(StatusChangeSchema)
@blp.response(200, VendorSchema)
def change_status(body, vendor_id, action):
    """Activate, suspend or close a vendor, with a reason."""
    return service.change_status(
        get_session(), actor=caller(), vendor_id=vendor_id, action=action, reason=body.get("reason")
    )


@blp.get("/vendors/<int:vendor_id>/history")
@require(*service.MANAGERS)
@blp.response(200, AuditEntrySchema(many=True))
def vendor_history(vendor_id):
    """Who changed what on this vendor, oldest first."""
    return service.vendor_history(get_session(), actor=caller(), vendor_id=vendor_id)
