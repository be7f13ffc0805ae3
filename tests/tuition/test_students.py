"""A school's students over the API: the list by class and accent-insensitive search, one
student with its exemptions; only the school's own accountant (and admins) see them."""

from tests.factories import bearer, make_market, make_school, make_student, make_user


def _staff(session, school):
    return bearer(make_user(session, "school_admin", school_id=school.id)[1])


def test_the_list_filters_by_class_and_finds_a_name_without_accents_or_a_code(client, session):
    school = make_school(session)
    hoa = make_student(session, school, full_name="Nguyễn Thị Hòa", name_folded="nguyen thi hoa")
    make_student(session, school, full_name="Trần Văn Bảo", name_folded="tran van bao")
    other = make_student(session, school, class_name="7B", full_name="Lê Hoà", name_folded="le hoa")
    staff = _staff(session, school)
    url = f"/api/v1/schools/{school.code.lower()}/students"

    found = client.get(f"{url}?q=HOA", headers=staff).json["items"]
    assert [s["id"] for s in found] == [hoa.id, other.id]
    assert found[0]["guardian_phone"] == "•••••••678"  # masked in a list
    assert found[0]["class"] == "6A1" and found[0]["school"] == school.code
    in_class = client.get(f"{url}?q=hoa&class=lop 7b", headers=staff).json["items"]
    assert [s["id"] for s in in_class] == [other.id]
    by_code = client.get(f"{url}?q={hoa.student_code.lower()}", headers=staff).json["items"]
    assert [s["id"] for s in by_code] == [hoa.id]
    assert client.get(f"{url}?class=9Z", headers=staff).json["items"] == []


def test_the_list_goes_page_by_page(client, session):
    school = make_school(session)
    ids = [make_student(session, school).id for _ in range(3)]
    staff = _staff(session, school)
    first = client.get(f"/api/v1/schools/{school.code}/students?limit=2", headers=staff).json
    assert [s["id"] for s in first["items"]] == ids[:2]
    rest = client.get(
        f"/api/v1/schools/{school.code}/students?limit=2&cursor={first['next_cursor']}",
        headers=staff,
    ).json
    assert [s["id"] for s in rest["items"]] == ids[2:] and rest["next_cursor"] is None


def test_bad_queries_are_422(client, session):
    school = make_school(session)
    staff = _staff(session, school)
    url = f"/api/v1/schools/{school.code}/students"
    assert client.get(f"{url}?limit=0", headers=staff).status_code == 422
    assert client.get(f"{url}?cursor=nonsense", headers=staff).status_code == 422
    assert client.get(f"{url}?class={'A' * 11}", headers=staff).status_code == 422


def test_one_student_shows_the_phone_and_the_exemptions(client, session):
    school = make_school(session)
    student = make_student(session, school)
    staff = _staff(session, school)
    client.post(
        f"/api/v1/students/{student.id}/exemptions",
        headers=staff,
        json={"percent": 50, "kinds": ["tuition"], "reason": "Hộ nghèo"},
    )
    body = client.get(f"/api/v1/students/{student.id}", headers=staff).json
    assert body["guardian_phone"] == "0912345678"
    assert [(e["percent"], e["kinds"], e["reason"]) for e in body["exemptions"]] == [
        (50, ["tuition"], "Hộ nghèo")
    ]


def test_another_schools_accountant_sees_neither_list_nor_student(client, session):
    school, other = make_school(session), make_school(session)
    student = make_student(session, school)
    stranger = _staff(session, other)
    assert (
        client.get(f"/api/v1/schools/{school.code}/students", headers=stranger).status_code == 403
    )
    assert client.get(f"/api/v1/students/{student.id}", headers=stranger).status_code == 404
    assert client.get("/api/v1/students/999999", headers=_staff(session, school)).status_code == 404
    vendor_board = bearer(
        make_user(session, "market_manager", market_id=make_market(session).id)[1]
    )
    assert client.get(f"/api/v1/students/{student.id}", headers=vendor_board).status_code == 403


def test_an_exemption_is_ended_on_a_day_once(client, session):
    school = make_school(session)
    student = make_student(session, school)
    staff = _staff(session, school)
    added = client.post(
        f"/api/v1/students/{student.id}/exemptions",
        headers=staff,
        json={"amount": 200000, "reason": "Con thương binh", "valid_from": "2026-09-01"},
    ).json
    url = f"/api/v1/students/{student.id}/exemptions/{added['id']}/end"
    assert client.post(url, headers=staff, json={"on": "2026-08-01"}).status_code == 409
    assert client.post(url, headers=staff, json={"on": "1 tháng 12"}).status_code == 422
    ended = client.post(url, headers=staff, json={"on": "2026-10-31"})
    assert ended.status_code == 200 and ended.json["valid_to"] == "2026-10-31"
    later = client.post(url, headers=staff, json={"on": "2026-12-31"})
    assert later.status_code == 409  # already ended
    other = make_student(session, school)
    wrong = f"/api/v1/students/{other.id}/exemptions/{added['id']}/end"
    assert client.post(wrong, headers=staff, json={}).status_code == 404
