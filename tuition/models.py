"""Schools, students, fee plans, exemptions, invoices and receipts."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from market.db import Base, BigId, utcnow

SCHOOL_TYPES = ("public", "private")
LINE_KINDS = ("tuition", "meals", "insurance", "service", "other")
INVOICE_STATUSES = ("open", "partially_paid", "paid", "overpaid", "void")


class School(Base):
    __tablename__ = "schools"
    __table_args__ = (
        CheckConstraint(f"type IN {SCHOOL_TYPES!r}", name="type"),
        # Notifications find a school by account, whatever the case of its letters.
        Index("ix_schools_account", func.upper(text("account_number"))),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(10))
    ward_code: Mapped[str | None] = mapped_column(String(10))
    legacy_district: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    bank_bin: Mapped[str] = mapped_column(String(6))
    account_number: Mapped[str] = mapped_column(String(19))
    account_name: Mapped[str] = mapped_column(String(70))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Student(Base):
    __tablename__ = "students"
    __table_args__ = (
        UniqueConstraint("school_id", "student_code"),
        Index("ix_students_school_class", "school_id", "class_name"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    student_code: Mapped[str] = mapped_column(String(20))
    full_name: Mapped[str] = mapped_column(String(100))
    name_folded: Mapped[str] = mapped_column(String(100))
    class_name: Mapped[str] = mapped_column(String(10))
    date_of_birth: Mapped[date | None]
    guardian_name: Mapped[str] = mapped_column(String(100))
    guardian_phone: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    school: Mapped[School] = relationship(lazy="joined")
    exemptions: Mapped[list["Exemption"]] = relationship(order_by="Exemption.id", viewonly=True)


class FeePlan(Base):
    """A collection round (đợt thu) of a school year: lines, classes, due date."""

    __tablename__ = "fee_plans"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    school_year: Mapped[str] = mapped_column(String(9))
    term: Mapped[str | None] = mapped_column(String(40))
    due_date: Mapped[date]
    classes: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    school: Mapped[School] = relationship(lazy="joined")
    lines: Mapped[list["FeePlanLine"]] = relationship(
        order_by="FeePlanLine.position", cascade="all, delete-orphan"
    )


class FeePlanLine(Base):
    __tablename__ = "fee_plan_lines"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"kind IN {LINE_KINDS!r}", name="kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("fee_plans.id"), index=True)
    position: Mapped[int]
    item: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(BigInteger)


class Exemption(Base):
    """A reduction (miễn giảm) for one student: a percent or a fixed amount."""

    __tablename__ = "exemptions"
    __table_args__ = (
        CheckConstraint("(percent IS NULL) <> (amount IS NULL)", name="percent_or_amount"),
        CheckConstraint("percent IS NULL OR (percent > 0 AND percent <= 100)", name="percent"),
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    percent: Mapped[int | None]
    amount: Mapped[int | None] = mapped_column(BigInteger)
    kinds: Mapped[list | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(300))
    legal_basis: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        CheckConstraint("total_amount >= 0 AND paid_amount >= 0", name="amounts"),
        CheckConstraint(f"status IN {INVOICE_STATUSES!r}", name="status"),
        # One live invoice per student and plan; void ones stay for the record.
        Index(
            "uq_invoices_student_plan_live",
            "student_id",
            "plan_id",
            unique=True,
            sqlite_where=text("status != 'void'"),
            postgresql_where=text("status != 'void'"),
        ),
        Index("ix_invoices_school_status", "school_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("fee_plans.id"))
    total_amount: Mapped[int] = mapped_column(BigInteger)
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(15), default="open")
    due_date: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(String(300))

    student: Mapped[Student] = relationship(lazy="joined")
    plan: Mapped[FeePlan] = relationship(lazy="joined")
    lines: Mapped[list["InvoiceLine"]] = relationship(order_by="InvoiceLine.id")
    receipts: Mapped[list["Receipt"]] = relationship(order_by="Receipt.id", viewonly=True)

    @property
    def balance(self) -> int:
        """What is still due (negative: a credit the school owes back)."""
        return self.total_amount - self.paid_amount


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (CheckConstraint("amount >= 0 AND discount_amount >= 0", name="amounts"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    item: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    base_amount: Mapped[int] = mapped_column(BigInteger)
    discount_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    amount: Mapped[int] = mapped_column(BigInteger)


class ReceiptCounter(Base):
    """The last receipt number of a school year: numbers are taken under a row lock in the
    payment's own transaction, so a rolled back payment leaves no gap."""

    __tablename__ = "receipt_counters"

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    school_year: Mapped[str] = mapped_column(String(9), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Receipt(Base):
    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("school_id", "school_year", "number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    school_year: Mapped[str] = mapped_column(String(9))
    number: Mapped[int]
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), unique=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A reversed payment's receipt is cancelled, never deleted: its number stays taken.
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    reversal_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))

    @property
    def label(self) -> str:
        """The number as printed: 2025-2026/000123."""
        return f"{self.school_year}/{self.number:06d}"

    @property
    def status(self) -> str:
        """issued, or cancelled (its payment was reversed)."""
        return "cancelled" if self.cancelled_at else "issued"
