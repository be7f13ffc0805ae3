"""What the dashboard's filters offer, by name (markets, wards with their names, legacy
districts, providers), and the names its tables show in place of codes. Reads only."""

from sqlalchemy import select
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


def filter_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """(value, text) pairs of every filter and of the grouping, sorted by what people read."""
    m, s, pr = t.markets, t.schools, t.providers
    markets = session.execute(
        select(m.c.code, m.c.name, m.c.ward_code, m.c.ward_name, m.c.legacy_district)
    ).all()
    schools = session.execute(select(s.c.ward_code, s.c.legacy_district)).all()
    wards = {code: None for code, _ in schools if code}
    for _, _, code, name, _ in markets:
        if code:
            wards[code] = name or wards.get(code)
    districts = {d for *_, d in markets if d} | {d for _, d in schools if d}
    return {
        "market": sorted(((code, name) for code, name, *_ in markets), key=_by_text),
        "ward": sorted(((c, _ward(c, n)) for c, n in wards.items()), key=_by_text),
        "legacy_district": sorted(((d, d) for d in districts), key=_by_text),
        "provider": sorted((n, n) for (n,) in session.execute(select(pr.c.name))),
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
