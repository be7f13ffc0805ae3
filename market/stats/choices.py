"""What the dashboard's filters offer, by name (markets, wards with their names, legacy
districts, providers), and the names its tables show in place of codes. Reads only."""

from sqlalchemy import literal_column, null, select, union_all
from sqlalchemy.orm import Session

from market.stats import readmodel as t

PAYEE_TYPES = [("vendor", "Tiểu thương"), ("school", "Trường học")]
GROUPINGS = [
    ("market", "Chợ"),
    ("ward", "Phường/xã"),
    ("legacy_district", "Huyện cũ"),
    ("provider", "Ví/ngân hàng"),
    ("category", "Ngành hàng"),
    ("month", "Tháng"),
    ("day", "Ngày"),
]
# What a row without a place stands for (a school belongs to no market, for one).
NO_PLACE = {
    "market": "Không thuộc chợ (trường học)",
    "ward": "Chưa ghi phường/xã",
    "legacy_district": "Chưa ghi huyện",
}


def _places():
    """Markets, schools' places and providers in one statement: (kind, code, name, ward,
    ward name, legacy district)."""
    m, s, pr, none = t.markets, t.schools, t.providers, null()
    return union_all(
        select(literal_column("'m'"), m.c.code, m.c.name, m.c.ward_code, m.c.ward_name).add_columns(
            m.c.legacy_district
        ),
        select(literal_column("'s'"), none, none, s.c.ward_code, none, s.c.legacy_district),
        select(literal_column("'p'"), pr.c.name, none, none, none, none),
    )


def filter_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """(value, text) pairs of every filter and of the grouping, sorted by what people read."""
    rows = session.execute(_places()).all()
    markets = {code: name for kind, code, name, *_ in rows if kind == "m"}
    wards: dict[str, str | None] = {}
    for _, _, _, code, name, _ in rows:
        if code:
            wards[code] = name or wards.get(code)
    districts = {r[5] for r in rows if r[5]}
    return {
        "market": sorted(markets.items(), key=_by_text),
        "ward": sorted(((c, _ward(c, n)) for c, n in wards.items()), key=_by_text),
        "legacy_district": sorted(((d, d) for d in districts), key=_by_text),
        "provider": sorted((r[1], r[1]) for r in rows if r[0] == "p"),
        "payee_type": PAYEE_TYPES,
        "group_by": GROUPINGS,
    }


def _ward(code: str, name: str | None) -> str:
    return f"{name} ({code})" if name else code


def _by_text(pair: tuple[str, str]) -> str:
    return pair[1].casefold()


def names(choices: dict[str, list[tuple[str, str]]]) -> dict[str, dict]:
    """{dimension: {code: the name people read}} for the dimensions that have codes."""
    return {dimension: dict(choices[dimension]) for dimension in ("market", "ward")}
