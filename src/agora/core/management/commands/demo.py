"""`agora demo`: the two demo organisations, a user per role in each, and their data.

Core creates the organisations and the people; every installed app that has a `demo` module with a
`demo_populate(*, organisation, users, today)` function then seeds its own data through its services.
Discovery keeps core free of imports from upper layers. Order: the ledger first (it creates the books), then
sales, then membership, then the other apps in INSTALLED_APPS order.

An app whose demo writes entries day by day through the year exposes `demo_steps(*, organisation, users, today)`
too: a generator yielding each day before doing that day's work (or None when the organisation is not its
kind). A `demo_populate` that accepts `steps` (the ledger's) plays them interleaved with its own entries, so the
journals stay in date order; such apps' `demo_populate` is then not called.
"""

import inspect
import time
from datetime import date
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from agora.core.models import Organisation, Role, User
from agora.core.services import membership_grant, organisation_create

PASSWORD = "agora-demo-2026"
SUPERUSER = "demo"
LOGIN_SUFFIX = {Role.ADMIN: "admin", Role.ACCOUNTING: "compta", Role.MANAGEMENT: "direction", Role.SALES: "ventes",
                Role.PURCHASING: "achats", Role.HR: "rh", Role.EMPLOYEE: "salarie"}

ORGANISATIONS = [
    {
        "slug": "durand", "legal_name": "Durand Équipement SARL", "legal_form": "SARL", "kind": "company",
        "siren": "842319576", "siret": "84231957600018", "vat_number": "FR03842319576", "ape_code": "46.69B",
        "rcs_city": "Lyon", "share_capital": Decimal("20000.00"), "address_line1": "14 rue Paul Bert",
        "postal_code": "69003", "city": "Lyon", "vat_regime": "normal_monthly", "fiscal_year_start_month": 1,
        "people": {
            Role.ADMIN: ("Claire", "Durand"), Role.ACCOUNTING: ("Sylvie", "Morel"),
            Role.MANAGEMENT: ("Philippe", "Durand"), Role.SALES: ("Julien", "Garcia"),
            Role.PURCHASING: ("Nathalie", "Simon"), Role.HR: ("Sandrine", "Michel"),
            Role.EMPLOYEE: ("Lucas", "Martin"),
        },
    },
    {
        "slug": "jardins", "legal_name": "Les Jardins du Quartier", "legal_form": "Association loi 1901",
        "kind": "association", "siren": "813475027", "siret": "81347502700013", "ape_code": "94.99Z",
        "address_line1": "3 place Sathonay", "postal_code": "69001", "city": "Lyon", "vat_regime": "franchise",
        "fiscal_year_start_month": 1,
        "people": {
            Role.ADMIN: ("Marc", "Lefort"), Role.ACCOUNTING: ("Annie", "Vasseur"),
            Role.MANAGEMENT: ("Jeanne", "Collet"), Role.SALES: ("Omar", "Saidi"),
            Role.PURCHASING: ("Paul", "Besson"), Role.HR: ("Lise", "Carré"),
            Role.EMPLOYEE: ("Manon", "Tessier"),
        },
    },
]


def login_of(slug: str, role: str) -> str:
    return f"{slug}.{LOGIN_SUFFIX[role]}"


FIRST_APPS = ["agora.ledger", "agora.sales", "agora.membership"]


def demo_modules() -> list:
    """The `demo` modules of installed apps that have a `demo_populate`: ledger, sales, membership, then the
    others in INSTALLED_APPS order."""
    found = {}
    for config in apps.get_app_configs():
        if config.name.startswith("agora.") and module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            if getattr(module, "demo_populate", None) is not None:
                found[config.name] = module
    rank = {name: n for n, name in enumerate(FIRST_APPS)}
    return [found[name] for name in sorted(found, key=lambda name: rank.get(name, len(rank)))]


def demo_hooks() -> list:
    """`demo_populate` of every app with a demo module, in the order they run."""
    return [module.demo_populate for module in demo_modules()]


def demo_run(*, organisation, users: dict, today: date) -> None:
    """Seed one organisation: each app's demo, the day-by-day ones played inside the one that takes steps."""
    modules = demo_modules()
    player = next((m for m in modules if "steps" in inspect.signature(m.demo_populate).parameters), None)
    stepped = [m for m in modules if m is not player and hasattr(m, "demo_steps")] if player else []
    for module in modules:
        if module is player:
            steps = [s for m in stepped
                     if (s := m.demo_steps(organisation=organisation, users=users, today=today)) is not None]
            module.demo_populate(organisation=organisation, users=users, today=today, steps=steps)
        elif module not in stepped:
            module.demo_populate(organisation=organisation, users=users, today=today)


class Command(BaseCommand):
    help = "Crée les organisations de démonstration (une SARL et une association) avec leurs utilisateurs."

    def add_arguments(self, parser):
        parser.add_argument("--if-absent", action="store_true",
                            help="Ne rien faire si les organisations de démonstration existent déjà.")
        parser.add_argument("--today", help="Date du jour simulée (AAAA-MM-JJ) ; par défaut la date réelle.")

    def handle(self, *args, if_absent: bool, today: str | None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Date invalide : « {today} » (format AAAA-MM-JJ).") from exc
        present = set(Organisation.objects.filter(slug__in=[o["slug"] for o in ORGANISATIONS])
                      .values_list("slug", flat=True))
        missing = [spec for spec in ORGANISATIONS if spec["slug"] not in present]
        if not missing:
            if not if_absent:
                raise CommandError("Les organisations de démonstration existent déjà "
                                   "(« agora demo --if-absent » réaffiche les identifiants).")
            self.stdout.write("Organisations de démonstration déjà présentes : rien à faire.")
            self._print_logins()
            return
        password = make_password(PASSWORD)  # one hash for all (argon2 is slow by design)
        for spec in missing:
            started = time.monotonic()
            with transaction.atomic():
                organisation, users = self._create(spec, password)
                demo_run(organisation=organisation, users=users, today=day)
            self.stdout.write(f"{organisation.legal_name} créée ({time.monotonic() - started:.1f} s).")
        self._print_logins()

    def _user(self, username: str, first: str, last: str, password: str, **flags) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name=last, password=password,
                        email=f"{username}@demo.agora.example", **flags)
            user.save()
        return user

    def _create(self, spec: dict, password: str) -> tuple[Organisation, dict]:
        data = {k: v for k, v in spec.items() if k != "people"}
        superuser = self._user(SUPERUSER, "Démo", "Agora", password, is_staff=True)
        organisation = organisation_create(actor=superuser, data=data)
        membership_grant(actor=superuser, organisation=organisation, user=superuser, role=Role.ADMIN)
        users = {}
        for role, (first, last) in spec["people"].items():
            user = self._user(login_of(spec["slug"], role), first, last, password)
            membership_grant(actor=superuser, organisation=organisation, user=user, role=role)
            users[str(role)] = user
        return organisation, users

    def _print_logins(self) -> None:
        out = self.stdout
        out.write("")
        out.write("=" * 72)
        out.write("Comptes de démonstration")
        out.write(f"  Mot de passe (commun à tous) : {PASSWORD}")
        out.write(f"  {SUPERUSER:<20} administrateur des deux organisations")
        for spec in ORGANISATIONS:
            out.write(f"  — {spec['legal_name']} (/o/{spec['slug']}/)")
            for role in spec["people"]:
                out.write(f"  {login_of(spec['slug'], role):<20} {Role(role).label}")
        out.write("=" * 72)
