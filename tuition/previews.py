"""What a change would do before it is done: the totals invoices would have if they were issued
again now (after a plan or an exemption changed), and which a reissue voids or leaves to settle."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tuition.models import Exemption, FeePlan, Invoice, Student
from tuition.rules import Reduction, invoice_lines

LIVE = ("open", "partially_paid", "paid", "overpaid")


def reductions_of(session: Session, student_ids: list[int]) -> dict[int, list[Reduction]]:
    """Every exemption of these students, as the invoice rules take them, by student id."""
    found: dict[int, list[Reduction]] = {}
    stmt = select(Exemption).where(Exemption.student_id.in_(student_ids))
    for e in session.scalars(stmt):
        kinds = tuple(e.kinds) if e.kinds else None
        found.setdefault(e.student_id, []).append(
            Reduction(e.percent, e.amount, kinds, e.valid_from, e.valid_to)
        )
    return found


def total_now(plan: FeePlan, reductions: list[Reduction]) -> int:
    """What an invoice of plan would total if it were issued now with these reductions."""
    base = [(line.item, line.kind, line.amount) for line in plan.lines]
    return sum(line["amount"] for line in invoice_lines(base, reductions, plan.due_date))


@dataclass(frozen=True)
class Change:
    invoice: Invoice
    total_now: int  # the total a reissue would give it

    @property
    def differs(self) -> bool:
        """True when a reissue would change what is due, or by when."""
        due = self.invoice.plan.due_date
        return self.total_now != self.invoice.total_amount or due != self.invoice.due_date


@dataclass
class ReissuePreview:
    voided: list[Change] = field(default_factory=list)  # unpaid: voided and issued again
    to_settle: list[Change] = field(default_factory=list)  # (partly) paid: kept as they are
    new_students: int = 0  # students of the plan's classes without an invoice yet

    @property
    def changed(self) -> int:
        """How many invoices a reissue would change (voided with another total)."""
        return sum(1 for c in self.voided if c.differs)


def _changes(session: Session, invoices: list[Invoice]) -> list[Change]:
    reductions = reductions_of(session, [i.student_id for i in invoices])
    return [Change(i, total_now(i.plan, reductions.get(i.student_id, []))) for i in invoices]


def reissue_preview(session: Session, *, plan: FeePlan) -> ReissuePreview:
    """What reissuing plan would do now: `tuition.plans.reissue_plan`'s rules, nothing written."""
    invoices = list(
        session.scalars(
            select(Invoice)
            .where(Invoice.plan_id == plan.id, Invoice.status.in_(LIVE))
            .order_by(Invoice.reference)
        )
    )
    preview = ReissuePreview()
    for change in _changes(session, invoices):
        unpaid = change.invoice.paid_amount == 0
        (preview.voided if unpaid else preview.to_settle).append(change)
    classes_students = session.scalars(
        select(Student.id).where(
            Student.school_id == plan.school_id, Student.class_name.in_(plan.classes)
        )
    )
    have = {i.student_id for i in invoices}
    preview.new_students = sum(1 for s in classes_students if s not in have)
    return preview


def student_effect(session: Session, *, student: Student) -> list[Change]:
    """The student's live invoices whose total would change if their plan were reissued."""
    invoices = list(
        session.scalars(
            select(Invoice)
            .where(Invoice.student_id == student.id, Invoice.status.in_(LIVE))
            .order_by(Invoice.id.desc())
        )
    )
    return [c for c in _changes(session, invoices) if c.differs]
