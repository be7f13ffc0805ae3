"""Guessing on the parents' page is limited per student and per client (the real client behind
the trusted proxies), counted atomically: forty parallel guesses get no more than five tries."""

import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from market.db import get_db
from market.migrate import upgrade
from market.ratelimit import RateLimitHit
from tests.browser import live_server
from tests.factories import make_school
from tuition.models import School, Student
from tuition.pages import MAX_PER_CLIENT, MAX_PER_STUDENT


def enrol(session, code: str = "HS001") -> Student:
    """A student of school THCS-LQD whose guardian's phone ends in 5678."""
    school = session.scalars(select(School).where(School.code == "THCS-LQD")).first()
    school = school or make_school(session, code="THCS-LQD")
    student = Student(
        school_id=school.id,
        student_code=code,
        full_name="Nguyễn Văn An",
        name_folded="nguyen van an",
        class_name="6A1",
        guardian_name="Nguyễn Văn Bình",
        guardian_phone="0912345678",
    )
    session.add(student)
    session.flush()
    return student


def ask(client, phone: str, student: str = "HS001", **headers):
    form = {"school": "THCS-LQD", "student": student, "phone": phone}
    return client.post("/pay", data=form, headers=headers)


def test_right_answers_do_not_count_towards_the_limit(client, session):
    enrol(session)
    for _ in range(MAX_PER_STUDENT + 3):
        assert ask(client, "5678").status_code == 200
    for _ in range(MAX_PER_STUDENT - 1):
        assert ask(client, "0000").status_code == 404
    assert ask(client, "5678").status_code == 200


@pytest.fixture
def proxied(make_app, tmp_path):
    """A client of an app behind one trusted proxy (a database of its own, committed)."""
    url = f"sqlite:///{tmp_path / 'proxied.db'}"
    upgrade(url)
    app = make_app(DATABASE_URL=url, TRUSTED_PROXIES=1)
    with app.app_context(), get_db().session_scope() as session:
        for n in range(MAX_PER_CLIENT + 1):
            enrol(session, f"HS{n:03d}")
    return app.test_client()


def test_behind_a_trusted_proxy_each_parent_is_counted_apart(proxied):
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    for n in range(MAX_PER_CLIENT):  # one wrong try on each of many students
        assert ask(proxied, "0000", f"HS{n:03d}", **guesser).status_code == 404
    assert ask(proxied, "0000", f"HS{MAX_PER_CLIENT:03d}", **guesser).status_code == 429
    parent = {"X-Forwarded-For": "198.51.100.20"}  # behind the same proxy, another phone
    assert ask(proxied, "5678", f"HS{MAX_PER_CLIENT:03d}", **parent).status_code == 200


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(client, session):
    for n in range(MAX_PER_CLIENT + 1):
        enrol(session, f"HS{n:03d}")
    for n in range(MAX_PER_CLIENT):
        forged = {"X-Forwarded-For": f"198.51.100.{n}"}
        assert ask(client, "0000", f"HS{n:03d}", **forged).status_code == 404
    last = {"X-Forwarded-For": "10.9.9.9"}
    assert ask(client, "5678", f"HS{MAX_PER_CLIENT:03d}", **last).status_code == 429


@pytest.fixture
def served(make_app, live_database):
    app = make_app(DATABASE_URL=live_database)
    with app.app_context(), get_db().session_scope() as session:
        enrol(session)
    with live_server(app) as base:
        yield app, base


def test_forty_parallel_wrong_guesses_get_at_most_the_limit_and_no_500(served):
    app, base = served
    body = urllib.parse.urlencode({"school": "THCS-LQD", "student": "HS001", "phone": "0000"})
    start = threading.Barrier(40)

    def guess(_):
        request = urllib.request.Request(f"{base}/pay", data=body.encode())
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status
        except urllib.error.HTTPError as refused:
            return refused.code

    with ThreadPoolExecutor(40) as pool:
        statuses = list(pool.map(guess, range(40)))
    assert 500 not in statuses
    assert statuses.count(404) == MAX_PER_STUDENT
    assert statuses.count(429) == 40 - MAX_PER_STUDENT
    with app.app_context(), get_db().session_scope() as session:
        counted = session.scalar(
            select(RateLimitHit.count).where(RateLimitHit.key == "pay:student:THCS-LQD:HS001")
        )
    assert counted == MAX_PER_STUDENT
