"""The tables of the risk alerts read model (``risk_alerts``): the alerts, and the state per
institution, contract, open rectification order and payment day they are judged from."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Date, DateTime, String, Table

from registry.projections import refund_tracking as rt
from registry.projections.base import metadata
from registry.projections.register_day import day_table

alerts = Table(
    "risk_alerts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("institution_id", String(36), nullable=False, index=True),
    Column("district_code", String(6), nullable=False, index=True),
    Column("signal", String(32), nullable=False),
    # What within the institution: a contract, a rectification order, a licence number.
    Column("subject", String(100)),
    Column("level", String(8), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("rule_version", String(16), nullable=False),
    Column("metrics", JSON, nullable=False),
    Column("event_positions", JSON, nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("raised_position", BigInteger, nullable=False, index=True),
    Column("status", String(8), nullable=False, index=True),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolved_position", BigInteger),
)

# Per institution: its district, licence, and the money totals of its contracts.
institutions = Table(
    "risk_institutions",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("district_code", String(6), nullable=False),
    # The status in force on the read model's day (``risk_day``), by effective dates.
    Column("licence_status", String(16), nullable=False),
    Column("licence_no", String(100)),
    # None once the licence has ended (revoked, ceased, converted, deregistered).
    Column("licence_valid_to", Date, index=True),
    Column("licence_position", BigInteger),
    Column("escrow_balance_fen", BigInteger, nullable=False),
    # The risk reserve deposited under fund supervision (0 without one).
    Column("reserve_fen", BigInteger, nullable=False),
    Column("unconsumed_fen", BigInteger, nullable=False),
    Column("last_paid_on", Date),
    # The end of its fund supervision while none is in place again: {ended_on, reason}.
    Column("supervision_ended", JSON),
    # Its dated decisions (``register_day.kept_decision``) and the next day they may change
    # what is in force (a dated decision takes effect, a licence lapses).
    Column("decisions", JSON, nullable=False),
    Column("next_change_on", Date, index=True),
)

# The refund-tracking figures of every contract, and the version of its last ledger fact.
contracts = Table(
    "risk_contracts",
    metadata,
    *(
        Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
        for c in rt.contracts.columns
    ),
    Column("fact_version", BigInteger, nullable=False),
)

# Open rectification orders only.
orders = Table(
    "risk_orders",
    metadata,
    Column("order_id", String(64), primary_key=True),
    Column("institution_id", String(36), nullable=False, index=True),
    Column("deadline", Date, nullable=False, index=True),
    Column("position", BigInteger, nullable=False),
)

# Prepaid fees by institution and payment day, only as far back as an inflow window reaches.
inflows = Table(
    "risk_inflows",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("amount_fen", BigInteger, nullable=False),
)

# Refund cases opened per institution and day, while a complaint-surge window can reach them.
complaints = Table(
    "risk_complaints",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("cases", BigInteger, nullable=False),
)

# The day what is in force is judged on: the last day reviewed, or the last fact's if later.
risk_day = day_table("risk_day")

# The last day the registry reviewed (one row).
clock = Table(
    "risk_clock",
    metadata,
    Column("name", String(16), primary_key=True),
    Column("reviewed_on", Date, nullable=False),
    Column("position", BigInteger, nullable=False),
)
