"""A market's placard PDF drawn in the background, so that the page of a market of 1,000
vendors shows progress instead of a frozen tab.

The state is in the database (placard_builds: any worker answers the progress) and the file
in a folder (the instance folder: shared by the workers of one machine). The drawing runs
where the caller says (a thread, or within the request): run_build is handed a way to open a
session. A build whose progress stops for STALE (its process was restarted) reads as failed."""

import logging
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from market.db import utcnow
from market.errors import NotFound
from market.markets.models import Market
from market.users import User
from payments.qr.placard import render_pdf
from vendors import placards
from vendors.models import PlacardBuild

log = logging.getLogger(__name__)
STALE = timedelta(minutes=3)
KEPT = timedelta(days=1)  # a file stays this long for its download
EVERY = 20  # placards between two progress writes

Scope = Callable[[], AbstractContextManager[Session]]


def start_build(
    session: Session, *, actor: User, market: Market, per_page: int, only_new: bool
) -> PlacardBuild:
    """A new build of market's placards; the caller then runs run_build once it committed."""
    placards.check_may_print(actor, market)
    total = placards.printable_count(session, market=market)["new" if only_new else "all"]
    if not total:
        raise placards.NothingToPrint(market, only_new)
    build = PlacardBuild(
        market_id=market.id,
        requested_by=actor.id,
        per_page=per_page,
        only_new=only_new,
        total=total,
        file_name=f"placards-{market.code}-{secrets.token_hex(8)}.pdf",
    )
    session.add(build)
    session.flush()
    return build


def get_build(session: Session, *, actor: User, market: Market, build_id: int) -> PlacardBuild:
    """A build of market the actor may see, a stalled one marked failed; 404 otherwise."""
    placards.check_may_print(actor, market)
    build = session.execute(
        select(PlacardBuild).where(PlacardBuild.id == build_id, PlacardBuild.market_id == market.id)
    ).scalar_one_or_none()
    if build is None:
        raise NotFound(f"no placard build {build_id} of market {market.code}")
    if build.status == "running" and utcnow() - build.updated_at > STALE:
        build.status = "failed"
    return build


def file_of(build: PlacardBuild, folder: Path) -> Path:
    """The finished file of a build; 404 while it is drawn, or once it is gone."""
    path = folder / build.file_name
    if build.status != "done" or not path.exists():
        raise NotFound(f"placard build {build.id} has no file")
    return path


def _progress(scope: Scope, build_id: int) -> Callable[[int], None]:
    def told(done: int) -> None:
        if done % EVERY == 0:
            with scope() as session:
                session.execute(
                    update(PlacardBuild)
                    .where(PlacardBuild.id == build_id)
                    .values(done=done, updated_at=utcnow())
                )

    return told


def run_build(scope: Scope, build_id: int, folder: Path) -> None:
    """Draw a build's placards into folder, telling its progress; record the prints and
    mark it done in one transaction once the file is there (failed if anything breaks)."""
    try:
        with scope() as session:  # read, then let go: the progress writes in between
            build = session.get(PlacardBuild, build_id)
            actor = session.get(User, build.requested_by)
            market = session.get(Market, build.market_id)
            vendors = placards.printable_vendors(session, market=market, only_new=build.only_new)
            drawn, rows = placards.prepare(actor, vendors[: build.total])
            per_page, path = build.per_page, folder / build.file_name
        data = render_pdf(drawn, per_page=per_page, progress=_progress(scope, build_id))
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        with scope() as session:
            placards.record_prints(session, rows)
            _finish(session, build_id, "done", len(rows))
    except Exception:  # a background build has no one to raise to: the page shows it failed
        log.exception("placard build %s failed", build_id)
        with scope() as session:
            _finish(session, build_id, "failed", None)


def _finish(session: Session, build_id: int, status: str, total: int | None) -> None:
    values = {"status": status, "updated_at": utcnow()}
    if total is not None:
        values |= {"done": total, "total": total}
    session.execute(update(PlacardBuild).where(PlacardBuild.id == build_id).values(**values))


def forget_old_files(folder: Path) -> None:
    """Delete the files of builds older than KEPT."""
    if not folder.is_dir():
        return
    oldest = (utcnow() - KEPT).timestamp()
    for path in folder.glob("placards-*.pdf"):
        if path.stat().st_mtime < oldest:
            path.unlink(missing_ok=True)
