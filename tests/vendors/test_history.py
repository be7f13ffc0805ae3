"""A vendor's audit log read as Vietnamese sentences (pure: no app, no database)."""

from datetime import UTC, datetime
from types import SimpleNamespace

from vendors.history import SYSTEM, describe, lines


def entry(action, changes=None, reason=None, actor_id=1, minute=0):
    at = datetime(2026, 11, 20, 2, minute, tzinfo=UTC)
    return SimpleNamespace(
        at=at, action=action, changes=changes or {}, reason=reason, actor_id=actor_id
    )


def test_a_status_change_reads_with_both_states_and_the_reason():
    sentence = describe("suspend", {"status": ["active", "suspended"]}, "Nợ phí chợ.", "hoa.nt")
    assert sentence == (
        "hoa.nt đã tạm ngưng bán hàng (Đang hoạt động → Tạm ngưng). Lý do: Nợ phí chợ."
    )


def test_an_update_names_each_field_with_banks_by_name_and_national_ids_masked():
    sentence = describe(
        "update",
        {
            "phone": ["0912345678", "0987654321"],
            "bank_bin": ["970436", "970418"],
            "national_id": [None, "086012345678"],
        },
        None,
        "hoa.nt",
    )
    assert sentence == (
        "hoa.nt đã sửa thông tin: số điện thoại từ 0912345678 thành 0987654321; "
        "ngân hàng từ Vietcombank thành BIDV; số CCCD: •••••••••678."
    )


def test_an_import_that_created_the_vendor_lists_what_it_set():
    sentence = describe("import", {"stall": [None, "A-01"], "category": [None, None]}, None, "x")
    assert sentence == "x đã nhập từ file danh sách: sạp: A-01; ngành hàng: (trống)."


def test_lines_are_newest_first_and_an_entry_without_actor_is_the_system():
    found = lines(
        [
            entry("create", actor_id=None),
            entry("activate", {"status": ["pending", "active"]}, minute=5),
        ],
        {1: "banbql"},
    )
    assert [line.who for line in found] == ["banbql", SYSTEM]
    assert found[0].what == "Kích hoạt"
    assert found[0].sentence == "banbql đã kích hoạt (Chờ kích hoạt → Đang hoạt động)."
    assert found[1].sentence == f"{SYSTEM} đã đăng ký tiểu thương."
