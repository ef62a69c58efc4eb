"""``registry demo``: load the demo data of ``registry.demo`` and print how to try it.

Without ``--institutions`` it loads the three dozen demo institutions through the registry's
commands. Running it again on the same database adds nothing: the first demo institution's
credit code is already registered, so the registry refuses it (Conflict) and only the demo's
keys are printed again (the same ones: they derive from the signing key). With
``--institutions N`` it loads (or resumes loading) N generated institutions,
freezes the contracts of those that absconded, projects the log and reports the time taken.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from sqlalchemy import func, select

from cli.common import OPERATOR, open_services, pad, redacted
from registry.adapters.signing import SigningKey
from registry.bootstrap import Services
from registry.demo import scale_load
from registry.demo.bureau import Bureau, yuan
from registry.demo.institutions import DemoInstitution, demo_institutions, everyone
from registry.demo.scale_identity import AS_OF
from registry.demo.scale_load import LoadReport
from registry.demo.stories import live
from registry.domain.errors import Conflict
from registry.projections import public_register as pub
from registry.projections import refund_tracking as rt
from registry.settings import Settings

Echo = Callable[[str], None]

REGULATOR_DISTRICT = "110108"
STATUS_ORDER = (
    "licensed suspended registered converting converted revoked ceased deregistered".split()
)


def run_demo(settings: Settings, seed: int, echo: Echo) -> None:
    """Load the demo data (once per database) and print keys and commands to try it with."""
    institutions = demo_institutions(seed)
    where = redacted(settings.database_url)
    if settings.backend == "postgresql":
        where += f" (schema {settings.database_schema})"
    with open_services(settings) as services:
        bureau = Bureau(services.registry, OPERATOR, seed)
        started = time.monotonic()
        try:
            bureau.register(institutions[0])
        except Conflict:
            echo(f"Demo data already loaded in {where}: nothing added.")
        else:
            echo(f"Loading demo data (seed {seed}) into {where}")
            services.registry.calendars.ensure_recorded()
            load(services, bureau, institutions, echo)
            summarise(services, bureau, institutions, time.monotonic() - started, echo)
        how_to_try(services, settings, institutions, echo)


def load(
    services: Services, bureau: Bureau, institutions: list[DemoInstitution], echo: Echo
) -> None:
    """Each institution's story, printed district by district once it has happened."""
    district = None
    for inst in institutions:
        if inst is not institutions[0]:
            bureau.register(inst)
        notes = live(bureau, inst)
        if inst.district.code != district:
            district = inst.district.code
            echo(f"\n{inst.district.full_name} ({district})")
        for who in everyone([inst]):
            status = services.registry.institution(OPERATOR, who.id)["status"]
            code = who.registration["credit_code"]
            online = "  online" if who.registration["delivery"] == "online" else ""
            echo(f"  {pad(status, 13)}{pad(who.name, 38)}{code}{online}")
            echo(f"  {'':13}{'; '.join(notes[who.id])}")


def summarise(
    services: Services,
    bureau: Bureau,
    institutions: list[DemoInstitution],
    seconds: float,
    echo: Echo,
) -> None:
    """Counts of what was loaded, as a district regulator would ask for them."""
    everybody = everyone(institutions)
    views = [services.registry.institution(OPERATOR, i.id) for i in everybody]
    statuses = Counter(v["status"] for v in views)
    t = bureau.tally
    districts = {i.district.code for i in everybody}
    echo(
        f"\nLoaded {len(everybody)} institutions in {len(districts)} districts "
        f"with {services.registry.store.head()} events in {seconds:.1f} s."
    )
    echo("  status:       " + ", ".join(f"{statuses[s]} {s}" for s in STATUS_ORDER if statuses[s]))
    echo(
        f"  funds:        {t['bank_custody']} under bank custody, "
        f"{t['risk_reserve']} with a risk reserve"
    )
    echo(
        f"  inspections:  {t['inspections']}; rectification orders {t['rectification orders']} "
        f"({t['orders completed']} verified done, {t['orders overdue']} overdue)"
    )
    echo(
        f"  sanctions:    {t['suspensions']} enrolment suspensions "
        f"({t['suspensions lifted']} lifted), "
        f"{t['penalties']} penalties (fines {yuan(t['fines_fen'])}, illegal gains "
        f"{yuan(t['gains_fen'])} confiscated), {t['revocations']} licence revoked, "
        f"{t['blacklistings']} blacklisted ({t['blacklist removals']} since removed)"
    )
    echo(
        f"  families:     {t['contracts']} prepaid contracts with fees, lessons and escrow "
        f"releases; {t['refund cases']} refund cases after the abnormal closure"
    )
    echo(
        f"  closures:     {t['abnormal cessations']} abnormal (跑路), "
        f"{t['voluntary cessations']} voluntary; conversions to non-profit (营转非): "
        f"{t['conversions completed']} completed, {t['conversions in progress']} in progress"
    )


def how_to_try(
    services: Services, settings: Settings, institutions: list[DemoInstitution], echo: Echo
) -> None:
    """The demo's keys (the same on every run) and commands to look at the demo data with."""
    admin = demo_key(services, settings, "admin", [], "demo admin")
    regulator = demo_key(services, settings, "regulator", [REGULATOR_DISTRICT], "海淀区教委 (demo)")
    court = demo_key(services, settings, "court", [], "海淀区人民法院 (demo)")
    example = next(
        i for i in institutions if i.district.code == REGULATOR_DISTRICT and i.story == "suspended"
    )
    base = f"http://{settings.host}:{settings.port}"
    code = example.registration["credit_code"]
    echo("\nAPI keys of the demo (the same on every run; revoke them before going live):")
    echo(f"  admin, every district:        {admin}")
    echo(f"  regulator of 110108 海淀区:   {regulator}")
    echo(f"  court, every district:        {court}")
    echo("\nTry it: start the server (with the same REGISTRY_* settings)")
    echo("  registry serve")
    echo("then, in another terminal:")
    echo(f"  KEY={regulator}")
    echo(f'  curl -H "Authorization: Bearer $KEY" {base}/v1/institutions/{example.id}')
    echo(f'  curl -H "Authorization: Bearer $KEY" {base}/v1/institutions/{example.id}/events')
    echo(f'  curl "{base}/v1/public/institutions?district_code={REGULATOR_DISTRICT}"')
    echo(f"  curl {base}/v1/public/blacklist")
    echo("or read the register from here:")
    echo(f"  registry institutions show {code}      # {example.name}")
    echo(f"  registry institutions events {code}")


def demo_key(
    services: Services, settings: Settings, role: str, districts: list[str], name: str
) -> str:
    """The demo's key for ``role``: derived from the registry's signing key (an Ed25519
    signature is deterministic), so a second run prints the same key without any secret being
    stored; created on the first run. A revoked demo key is reported, not re-issued."""
    signed = SigningKey.open(settings.signing_key_path()).sign(
        f"registry demo key {role} {','.join(districts)}".encode()
    )
    digest = hashlib.sha256(signed).digest()
    key_id = f"demo{digest[:6].hex()}"
    secret = f"rk_{key_id}_{base64.urlsafe_b64encode(digest[6:]).decode().rstrip('=')}"
    known = {k.id: k for k in services.keys.list()}.get(key_id)
    if known is None:
        services.keys.create(role, districts, name, secret=(key_id, secret))
    elif known.revoked_at is not None:
        return f"(revoked; issue another with `registry keys create --role {role}`)"
    return secret


# -- registry demo --institutions N: the national-scale register -----------------------------------


@contextmanager
def _bar(length: int, label: str) -> Iterator[Callable[[int], None]]:
    with typer.progressbar(length=max(length, 1), label=label, show_pos=True) as bar:
        yield bar.update


def run_scale_demo(
    settings: Settings,
    *,
    institutions: int,
    contracts_per_institution: int,
    seed: int,
    batch_events: int,
    stop_after: int | None,
    echo: Echo,
) -> LoadReport:
    """Load (or finish loading) N institutions, freeze what absconded, project, and report."""
    where = redacted(settings.database_url)
    if settings.backend == "postgresql":
        where += f" (schema {settings.database_schema})"
    echo(
        f"Loading {institutions:,} institutions (seed {seed}, about "
        f"{contracts_per_institution} contracts each, as of {AS_OF}) into {where}"
    )
    with open_services(settings) as services:
        started = time.perf_counter()
        with _bar(institutions, "institutions") as bar:
            report = scale_load.load(
                services.registry,
                institutions=institutions,
                contracts_per_institution=contracts_per_institution,
                seed=seed,
                batch_events=batch_events,
                stop_after=stop_after,
                progress=bar,
            )
        report.phases["load"] = time.perf_counter() - started
        if report.first > 1:
            echo(f"Institutions 1..{report.first - 1:,} were already loaded: resumed after them.")
        echo(
            f"  wrote {report.added:,} institutions, {report.events:,} events "
            f"in {report.batches:,} transactions: {report.phases['load']:.1f} s "
            f"({_rate(report.events, report.phases['load'])} events/s; drawing and commands "
            f"{report.build_s:.1f} s, Registry.save {report.save_s:.1f} s)"
        )
        if report.stopped_early:
            echo(f"Stopped after {report.batches} batch(es), as asked: run again to resume.")
            return report
        project_scale(services, report, echo)
        summarise_scale(services, report, echo)
    return report


def project_scale(services: Services, report: LoadReport, echo: Echo) -> None:
    """Freeze the contracts of institutions that absconded, then bring every view up to date."""
    started = time.perf_counter()
    frozen = services.registry.contract_freezer.run_once()
    report.phases["freeze"] = time.perf_counter() - started
    echo(f"  contract freezer: {frozen} cessations handled in {report.phases['freeze']:.1f} s")

    head = services.registry.store.head()
    behind = head - min(services.projector.positions().values(), default=0)
    started = time.perf_counter()
    with _bar(behind, "projecting  ") as bar:
        done = [head - behind]

        def moved(position: int, _head: int) -> None:
            bar(position - done[0])
            done[0] = position

        read = services.projector.run_once(progress=moved)
    report.phases["project"] = time.perf_counter() - started
    echo(
        f"  projector: {read:,} events into {len(services.projector.projections)} read models "
        f"in {report.phases['project']:.1f} s ({_rate(read, report.phases['project'])} events/s)"
    )


def summarise_scale(services: Services, report: LoadReport, echo: Echo) -> None:
    with services.engine.connect() as conn:
        statuses: dict[str, int] = dict(
            conn.execute(
                select(pub.institutions.c.status, func.count()).group_by(pub.institutions.c.status)
            ).all()
        )
        contracts = conn.execute(select(func.count()).select_from(rt.contracts)).scalar() or 0
        listed = conn.execute(select(func.count()).select_from(pub.blacklist)).scalar() or 0
    total = sum(phase for phase in report.phases.values())
    echo(
        f"\nThe register now holds {sum(statuses.values()):,} institutions "
        f"({', '.join(f'{v:,} {k}' for k, v in sorted(statuses.items(), key=lambda x: -x[1]))}), "
        f"{listed:,} blacklisted, {contracts:,} prepaid contracts, "
        f"{services.registry.store.head():,} events."
    )
    echo(
        "Time: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.phases.items())
        + f"; total {total:.1f} s."
    )
    echo(
        "Try it: `registry serve`, then curl 'http://127.0.0.1:8000/v1/public/institutions?q=星火'"
    )


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "-"
