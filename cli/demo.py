"""``registry demo``: load the demo institutions through the registry, then show how to try them.

Running it again on the same database adds nothing: the first demo institution's credit code is
already registered, so the registry refuses it (Conflict) and only fresh keys are printed.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from cli.common import OPERATOR, open_services, pad, redacted
from cli.demo_bureau import Bureau, yuan
from cli.demo_data import DemoInstitution, demo_institutions, everyone
from cli.demo_ledger import Families
from cli.demo_stories import STORIES
from registry.bootstrap import Services
from registry.domain.errors import Conflict
from registry.settings import Settings

Echo = Callable[[str], None]

REGULATOR_DISTRICT = "110108"
# Stories whose institution also takes families' prepaid contracts: how many, and whether its
# feed reports breaches (a fee outside the supervised account, a lesson ending at 21:00).
FAMILIES = {
    "licensed": (3, False),
    "rectified": (2, False),
    "penalised": (3, True),
    "suspension_lifted": (2, True),
}
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
        bureau = Bureau(services.registry, seed)
        started = time.monotonic()
        try:
            bureau.register(institutions[0])
        except Conflict:
            echo(f"Demo data already loaded in {where}: nothing added.")
        else:
            echo(f"Loading demo data (seed {seed}) into {where}")
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
        notes = STORIES[inst.story](bureau, inst)
        if inst.story in FAMILIES:
            count, breaches = FAMILIES[inst.story]
            Families(bureau).enrol(inst, families=count, since=70, breaches=breaches)
            notes[inst.id].append(
                f"{count} family contracts" + (", breaches flagged" if breaches else "")
            )
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
        f"with {services.registry.recorder.max_notification_id() or 0} events in {seconds:.1f} s."
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
    """Fresh keys (shown only now) and commands to look at the demo data with."""
    _, admin = services.keys.create("admin", [], "demo admin")
    _, regulator = services.keys.create("regulator", [REGULATOR_DISTRICT], "海淀区教委 (demo)")
    example = next(
        i for i in institutions if i.district.code == REGULATOR_DISTRICT and i.story == "suspended"
    )
    base = f"http://{settings.host}:{settings.port}"
    code = example.registration["credit_code"]
    echo("\nAPI keys, shown only now (the registry keeps only their hashes):")
    echo(f"  admin, every district:        {admin}")
    echo(f"  regulator of 110108 海淀区:   {regulator}")
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
