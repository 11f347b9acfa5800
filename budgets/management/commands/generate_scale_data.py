"""`manage.py generate_scale_data --scale 1 --seed 42`: a synthetic data set at scale.

At scale 1 it is roughly the twelve Dutch provinces over ten years (2016-2025): 30.000
organisations, 6.000 documents, 5.000 programs in a hierarchy, 18.000 motions, 18.000
toezeggingen with their deadline changes, 90.000 subsidies and 360.000 budget lines, each
record with its creation history row. A tenth of every model is concept.

- Deterministic: one `random.Random(seed)`; every date and history timestamp comes from it,
  never from the clock. The same scale and seed give the same records (public ids, names,
  amounts); only database ids may differ.
- Next to the memo: every slug, and every commitment number, starts with `gen-`, so nothing
  clashes with `load_memo`'s records (themes also have names of their own: names are unique).
- Once: when generated data is present the command changes nothing (same scale and seed) or
  refuses (another scale or seed).
- Fast: `bulk_create` in batches inside one transaction, and the history rows in bulk too.
  Bulk inserts send no `post_save` nor simple-history signals, so the audit log
  (`limburg_maak.audit`) gets one line per model for the whole batch, not one per record;
  every history row carries the reason `Gegenereerd (schaal 1, zaad 42)`, which marks the
  data as generated. On PostgreSQL the written tables are vacuumed and analysed at the end
  (`VACUUM (ANALYZE)`), so the planner knows their new size at once.

This command lives in `budgets` because it writes budget lines and subsidies: `budgets` uses
`programs`, never the reverse.
"""

import datetime
import json
import logging
import math
import random
import time
from decimal import Decimal
from operator import attrgetter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.text import slugify

from budgets.feeds import FEED_TYPES
from budgets.models import (
    BudgetLine,
    BudgetTotal,
    ContributionKind,
    Funder,
    Subsidy,
    SubsidyTotal,
)
from common.caching import data_changed
from common.fuzzydates import FuzzyDate, Precision
from programs.changes import record_created
from programs.models import (
    BudgetProgram,
    Commitment,
    DeadlineChange,
    Document,
    Meeting,
    Organisation,
    Person,
    Program,
    ProgramLine,
    ProgramOrganisation,
    PublicationStatus,
    Theme,
    change_reason_limit,
)

PREFIX = "gen-"
BATCH_SIZE = 2000
CHUNK = 20000
FIRST_YEAR, LAST_YEAR = 2016, 2025
#: "Today" for the generated data: statuses (overdue, finished) are as of this day.
REFERENCE_DAY = datetime.date(2026, 1, 1)
UTC = datetime.UTC

#: Records at scale 1.
SCALE_ONE = {
    "organisations": 30_000,
    "documents": 6_000,
    "budget_programs": 96,
    "persons": 552,
    "meetings": 1_440,
    "programs": 5_000,
    "motions": 18_000,
    "promises": 18_000,
    "subsidies": 90_000,
    "budget_lines": 360_000,
}

PROVINCES = [
    ("Groningen", "GR", ["Groningen", "Veendam", "Delfzijl", "Hoogezand", "Winschoten"]),
    ("Fryslân", "FR", ["Leeuwarden", "Drachten", "Heerenveen", "Sneek", "Harlingen"]),
    ("Drenthe", "DR", ["Assen", "Emmen", "Hoogeveen", "Meppel", "Coevorden"]),
    ("Overijssel", "OV", ["Zwolle", "Enschede", "Hengelo", "Almelo", "Deventer"]),
    ("Flevoland", "FL", ["Lelystad", "Almere", "Emmeloord", "Dronten", "Zeewolde"]),
    ("Gelderland", "GE", ["Arnhem", "Nijmegen", "Apeldoorn", "Ede", "Doetinchem"]),
    ("Utrecht", "UT", ["Utrecht", "Amersfoort", "Nieuwegein", "Veenendaal", "Zeist"]),
    ("Noord-Holland", "NH", ["Haarlem", "Alkmaar", "Hoorn", "Den Helder", "Amsterdam"]),
    ("Zuid-Holland", "ZH", ["Den Haag", "Rotterdam", "Leiden", "Dordrecht", "Delft"]),
    ("Zeeland", "ZE", ["Middelburg", "Vlissingen", "Terneuzen", "Goes", "Zierikzee"]),
    ("Noord-Brabant", "NB", ["Eindhoven", "Tilburg", "Breda", "Helmond", "Oss"]),
    ("Limburg", "LI", ["Venlo", "Horst", "Heerlen", "Sittard-Geleen", "Roermond", "Weert"]),
]
BUDGET_PROGRAMS = [
    "Economie en werkgelegenheid",
    "Energie en klimaat",
    "Onderwijs en arbeidsmarkt",
    "Mobiliteit en bereikbaarheid",
    "Ruimte en wonen",
    "Natuur en landschap",
    "Cultuur en samenleving",
    "Bestuur en financiën",
]
PROGRAM_LINES = [
    "Innovatiekracht en topsectoren",
    "Ondernemerschap en MKB",
    "Vestigingsklimaat",
    "Kennis en talent",
    "Internationalisering",
    "Verduurzaming",
]
THEMES = [
    "Circulaire economie",
    "Energietransitie in de industrie",
    "Robotisering",
    "Internationalisering",
    "Biobased maken",
    "Fotonica",
    "Chemie en materialen",
    "Vakmanschap",
    "Kennisvalorisatie",
    "Slimme logistiek",
]
TOPICS = [
    "Smart Industry",
    "Circulaire Maakindustrie",
    "Innovatie MKB",
    "Vakmanschap en Techniek",
    "Robotisering",
    "Digitalisering MKB",
    "Energietransitie Industrie",
    "Internationaal Ondernemen",
    "Kennisvalorisatie",
    "Biobased Economy",
    "Fieldlabs",
    "Hightech Systemen",
    "Startende Ondernemers",
    "Campusontwikkeling",
    "Leven Lang Ontwikkelen",
    "Materialen en Chemie",
]
PART_KINDS = [
    (Program.Kind.SCHEME, "Regeling", 35),
    (Program.Kind.INSTRUMENT, "Instrument", 20),
    (Program.Kind.FUND, "Fonds", 5),
    (Program.Kind.PROJECT, "Project", 25),
    (Program.Kind.FACILITY, "Centrum", 5),
    (Program.Kind.STUDY, "Onderzoek", 5),
    (Program.Kind.EVENT, "Evenement", 5),
]
NAME_PARTS = [
    "Van den Berg",
    "Jansen",
    "De Vries",
    "Bakker",
    "Visser",
    "Smeets",
    "Janssen",
    "Peters",
    "Hendriks",
    "Willems",
    "Mertens",
    "Claessens",
    "Vossen",
    "Dekker",
    "Meijer",
    "Mulder",
    "Kuipers",
    "Brouwer",
    "Hermans",
    "Schepers",
    "Coenen",
    "Wouters",
    "Gielen",
    "Houben",
]
TRADES = [
    "Metaaltechniek",
    "Precisiebewerking",
    "Kunststoffen",
    "Machinebouw",
    "Staalbouw",
    "Elektrotechniek",
    "Automatisering",
    "Verpakkingen",
    "Lasertechniek",
    "Composieten",
    "Meet- en Regeltechniek",
    "Gieterij",
    "Hydrauliek",
    "Robotics",
    "Engineering",
    "Coatings",
]
COMPANY_FORMS = ["B.V.", "B.V.", "B.V.", "Holding B.V.", "V.O.F.", "N.V."]
ORG_KINDS = [
    (Organisation.Kind.COMPANY, 80),
    (Organisation.Kind.KNOWLEDGE, 5),
    (Organisation.Kind.EDUCATION, 4),
    (Organisation.Kind.NETWORK, 4),
    (Organisation.Kind.PARTNERSHIP, 3),
    (Organisation.Kind.CAMPUS, 2),
    (Organisation.Kind.AGENCY, 2),
]
ORG_NAMES = {
    Organisation.Kind.KNOWLEDGE: "Kenniscentrum {trade}",
    Organisation.Kind.EDUCATION: "Stichting {trade}opleidingen {place}",
    Organisation.Kind.NETWORK: "Vereniging {trade} {place}",
    Organisation.Kind.PARTNERSHIP: "Coöperatie {trade} {place} U.A.",
    Organisation.Kind.CAMPUS: "Campus {place} {trade}",
    Organisation.Kind.AGENCY: "Ontwikkelingsmaatschappij {place}",
}
DOCUMENT_KINDS = [
    (Document.Kind.BUDGET, "Programmabegroting", 15),
    (Document.Kind.INFORMATIONAL_MEMO, "Informatienota", 30),
    (Document.Kind.COUNCIL_PROPOSAL, "Statenvoorstel", 25),
    (Document.Kind.POLICY_PAPER, "Beleidsnota", 10),
    (Document.Kind.REPORT, "Evaluatierapport", 10),
    (Document.Kind.NOTE, "Notitie", 5),
    (Document.Kind.AGENDA, "Uitvoeringsagenda", 5),
]
LINE_LABELS = [
    "Uitvoering",
    "Subsidieplafond",
    "Cofinanciering",
    "Apparaatskosten",
    "Proceskosten",
    "Onderzoek en monitoring",
    "Communicatie",
    "Investeringen",
]
DEADLINE_REASONS = [
    "Afhankelijk van besluitvorming door het Rijk",
    "Meer tijd nodig voor de evaluatie",
    "Samengevoegd met de voortgangsrapportage",
    "Vertraging bij de uitvoerende partners",
    "Op verzoek van de statencommissie",
    "Afstemming met de gemeenten vraagt meer tijd",
]
PARTIES = [
    "VVD",
    "CDA",
    "PVV",
    "SP",
    "GroenLinks",
    "PvdA",
    "D66",
    "ChristenUnie",
    "Partij voor de Dieren",
    "50PLUS",
    "BBB",
    "JA21",
    "FvD",
    "Lokale Partij",
]
FIRST_NAMES = [
    "Anne",
    "Bram",
    "Carla",
    "Daan",
    "Els",
    "Frank",
    "Gerda",
    "Hans",
    "Ingrid",
    "Jeroen",
    "Karin",
    "Luc",
    "Marieke",
    "Noud",
    "Olga",
    "Pieter",
    "Ria",
    "Sjoerd",
]

MONEY_STEP = Decimal("100")


def weighted(rng, options):
    """One of `(value, ..., weight)` tuples, by weight (the last element)."""
    return rng.choices(options, weights=[option[-1] for option in options])[0]


class Generator:
    def __init__(self, scale, seed):
        self.scale, self.seed = scale, seed
        self.rng = random.Random(seed)
        self.reason = f"Gegenereerd (schaal {scale:g}, zaad {seed})"
        self.counts = {}
        self.tables = set()
        #: {model: keys inserted}, for the changes feed.
        self.created = {}

    # Helpers -------------------------------------------------------------------------------

    def scaled(self, key, minimum=1):
        return max(minimum, round(SCALE_ONE[key] * self.scale))

    def status(self, n, published_first=0):
        """Publication states for `n` records: exactly a tenth (rounded) concept, never one of
        the first `published_first`."""
        concept = set(self.rng.sample(range(published_first, n), round(n / 10)))
        return [
            PublicationStatus.CONCEPT if i in concept else PublicationStatus.PUBLISHED
            for i in range(n)
        ]

    def day(self, first=FIRST_YEAR, last=LAST_YEAR):
        start = datetime.date(first, 1, 1)
        return start + datetime.timedelta(
            days=self.rng.randrange((datetime.date(last, 12, 31) - start).days + 1)
        )

    def moment(self, day):
        """A working-hours time on `day`, in UTC: when the record was entered."""
        return datetime.datetime.combine(
            day, datetime.time(self.rng.randint(7, 16), self.rng.randrange(60)), tzinfo=UTC
        )

    @staticmethod
    def fuzzy(day, precision):
        return FuzzyDate.containing(day, precision)

    def money(self, median, sigma):
        """A lognormal amount in euros, in whole hundreds, never below 100."""
        value = Decimal(round(self.rng.lognormvariate(math.log(median), sigma)))
        return max(MONEY_STEP, (value / MONEY_STEP).to_integral_value() * MONEY_STEP).quantize(
            Decimal("0.01")
        )

    def write(self, model, objs, history=None):
        """Insert `objs` and their history rows in bulk; `history` overrides per record."""
        created = model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)
        self.created.setdefault(model, []).extend(obj.pk for obj in created)
        history_model = model.history.model
        tracked = [field.attname for field in history_model.tracked_fields]
        rows = []
        for obj in created:
            for date, kind, reason, overrides in (
                history(obj) if history else [(obj._history_date, "+", self.reason, {})]
            ):
                values = {name: getattr(obj, name) for name in tracked}
                values.update(overrides)
                rows.append(
                    history_model(
                        history_date=date,
                        history_type=kind,
                        history_change_reason=reason,
                        history_user=None,
                        **values,
                    )
                )
        history_model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.tables.update({model._meta.db_table, history_model._meta.db_table})
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(created)
        history_label = history_model._meta.label
        self.counts[history_label] = self.counts.get(history_label, 0) + len(rows)
        return created

    def through(self, field, pairs):
        """Many-to-many links, in bulk (they have no history of their own)."""
        model = field.through
        names = [f.attname for f in model._meta.fields if f.attname != "id"]
        model.objects.bulk_create(
            [model(**dict(zip(names, pair, strict=True))) for pair in pairs],
            batch_size=BATCH_SIZE,
        )
        self.tables.add(model._meta.db_table)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(pairs)

    # The data set ----------------------------------------------------------------------------

    def run(self):
        self.themes()
        self.organisations()
        self.documents()
        self.budget_structure()
        self.people_and_meetings()
        self.programs()
        self.commitments()
        self.subsidies()
        self.budget_lines()
        return self.counts

    def themes(self):
        statuses = self.status(len(THEMES))
        objs = []
        for i, name in enumerate(THEMES):
            obj = Theme(
                slug=f"{PREFIX}{slugify(name)}",
                name=name,
                description=f"Thema {name.lower()} in het beleid voor de maakindustrie.",
                publication_status=statuses[i],
            )
            obj._history_date = self.moment(datetime.date(FIRST_YEAR, 1, 4))
            objs.append(obj)
        self.theme_ids = [obj.pk for obj in self.write(Theme, objs)]

    def organisations(self):
        n = self.scaled("organisations", minimum=len(PROVINCES) + 1)
        # The provinces themselves are always published: they issue the documents.
        statuses = self.status(n, published_first=len(PROVINCES))
        objs = []
        self.org_province = []
        for i in range(n):
            if i < len(PROVINCES):
                province, _code, places = PROVINCES[i]
                name, kind, place = f"Provincie {province}", Organisation.Kind.GOVERNMENT, places[0]
                province_index = i
            else:
                province_index = self.rng.randrange(len(PROVINCES))
                place = self.rng.choice(PROVINCES[province_index][2])
                kind = weighted(self.rng, ORG_KINDS)[0]
                trade = self.rng.choice(TRADES)
                if kind == Organisation.Kind.COMPANY:
                    form = self.rng.choice(COMPANY_FORMS)
                    name = f"{self.rng.choice(NAME_PARTS)} {trade} {form}"
                else:
                    name = ORG_NAMES[kind].format(trade=trade, place=place)
            obj = Organisation(
                slug=f"{PREFIX}{slugify(name)[:80]}-{i + 1}",
                name=name,
                kind=kind,
                place=place,
                publication_status=statuses[i],
            )
            obj._history_date = self.moment(self.day(FIRST_YEAR, FIRST_YEAR + 1))
            objs.append(obj)
            self.org_province.append(province_index)
        created = self.write(Organisation, objs)
        self.province_ids = [obj.pk for obj in created[: len(PROVINCES)]]
        self.org_ids = [obj.pk for obj in created]
        self.recipient_ids = [obj.pk for obj in created[len(PROVINCES) :]]

    def documents(self):
        n = self.scaled("documents")
        statuses = self.status(n)
        objs = []
        self.document_province = []
        for i in range(n):
            province_index = i % len(PROVINCES)
            province, code, _places = PROVINCES[province_index]
            kind, word, _weight = weighted(self.rng, DOCUMENT_KINDS)
            day = self.day()
            precision = Precision.DAY if self.rng.random() < 0.85 else Precision.MONTH
            if kind == Document.Kind.BUDGET:
                title = f"{word} {day.year} Provincie {province}"
            else:
                title = f"{word} {self.rng.choice(TOPICS)} {province} {day.year}"
            obj = Document(
                slug=f"{PREFIX}{slugify(title)[:80]}-{i + 1}",
                title=title,
                kind=kind,
                date=self.fuzzy(day, precision),
                issuer_id=self.province_ids[province_index],
                reference=f"{code}-{day.year}-{i + 1:05d}",
                summary=f"{word} van Gedeputeerde Staten van {province} aan Provinciale Staten.",
                publication_status=statuses[i],
            )
            obj._history_date = self.moment(day)
            objs.append(obj)
            self.document_province.append(province_index)
        self.document_ids = [obj.pk for obj in self.write(Document, objs)]

    def budget_structure(self):
        n = self.scaled("budget_programs")
        statuses = self.status(n)
        objs = []
        for i in range(n):
            province = PROVINCES[i % len(PROVINCES)][0]
            name = BUDGET_PROGRAMS[(i // len(PROVINCES)) % len(BUDGET_PROGRAMS)]
            obj = BudgetProgram(
                slug=f"{PREFIX}{slugify(province)}-{slugify(name)}-{i + 1}",
                name=f"{name} ({province})",
                publication_status=statuses[i],
            )
            obj._history_date = self.moment(datetime.date(FIRST_YEAR, 1, 5))
            objs.append(obj)
        budget_programs = self.write(BudgetProgram, objs)
        lines = []
        statuses = self.status(4 * n)
        for i in range(4 * n):
            budget_program = budget_programs[i // 4]
            name = PROGRAM_LINES[(i + i // 4) % len(PROGRAM_LINES)]
            obj = ProgramLine(
                slug=f"{PREFIX}{slugify(name)}-{i + 1}",
                name=name,
                budget_program=budget_program,
                publication_status=statuses[i],
            )
            obj._history_date = self.moment(datetime.date(FIRST_YEAR, 1, 5))
            lines.append(obj)
        self.program_line_ids = [obj.pk for obj in self.write(ProgramLine, lines)]

    def people_and_meetings(self):
        n = self.scaled("persons", minimum=2)
        statuses = self.status(n)
        objs = []
        self.executives = {}
        self.council = {}
        for i in range(n):
            province_index = i % len(PROVINCES)
            executive = i % 8 == 1
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(NAME_PARTS)}"
            obj = Person(
                slug=f"{PREFIX}{slugify(name)}-{i + 1}",
                name=name,
                role=Person.Role.EXECUTIVE_MEMBER if executive else Person.Role.COUNCIL_MEMBER,
                party=self.rng.choice(PARTIES),
                publication_status=statuses[i],
            )
            obj._history_date = self.moment(datetime.date(FIRST_YEAR, 1, 6))
            obj._province, obj._executive = province_index, executive
            objs.append(obj)
        for obj in self.write(Person, objs):
            group = self.executives if obj._executive else self.council
            group.setdefault(obj._province, []).append(obj.pk)
        self.all_executives = [pk for pks in self.executives.values() for pk in pks]
        self.all_council = [pk for pks in self.council.values() for pk in pks]

        n = self.scaled("meetings")
        statuses = self.status(n)
        objs = []
        for i in range(n):
            province_index = i % len(PROVINCES)
            province = PROVINCES[province_index][0]
            day = self.day()
            committee = self.rng.random() < 0.4
            body = (
                f"Statencommissie Economie ({province})"
                if committee
                else f"Provinciale Staten van {province}"
            )
            obj = Meeting(
                slug=f"{PREFIX}{slugify(province)}-{day.isoformat()}-{i + 1}",
                body=body,
                date=day,
                title="Commissievergadering" if committee else "Statenvergadering",
                publication_status=statuses[i],
            )
            obj._history_date = self.moment(day)
            obj._province = province_index
            objs.append(obj)
        self.meetings = {}
        for obj in self.write(Meeting, objs):
            self.meetings.setdefault(obj._province, []).append((obj.pk, obj.date))
        self.all_meetings = [meeting for ms in self.meetings.values() for meeting in ms]

    def program_period(self):
        first = self.rng.randint(FIRST_YEAR, LAST_YEAR - 1)
        start_precision = self.rng.choice(
            [Precision.YEAR, Precision.MID, Precision.LATE, Precision.QUARTER, Precision.MONTH]
        )
        start = self.fuzzy(self.day(first, first), start_precision)
        end_day = start.end + datetime.timedelta(days=self.rng.randint(365, 6 * 365))
        end = self.fuzzy(end_day, self.rng.choice([Precision.YEAR, Precision.MID, Precision.LATE]))
        if self.rng.random() < 0.05:
            status = Program.Status.STOPPED
        elif end.end < REFERENCE_DAY:
            status = Program.Status.FINISHED
        elif start.start > REFERENCE_DAY:
            status = Program.Status.PLANNED
        else:
            status = Program.Status.RUNNING
        return start, end, status

    def programs(self):
        n = self.scaled("programs")
        statuses = self.status(n)
        n_top = max(1, n // 5)
        objs = []
        parents = []  # index of each program's parent, or None
        first_level = []  # parts directly under a top-level program
        for i in range(n):
            start, end, status = self.program_period()
            topic = self.rng.choice(TOPICS)
            document = self.rng.randrange(len(self.document_ids))
            province = PROVINCES[self.document_province[document]][0]
            if i < n_top:
                kind = weighted(
                    self.rng,
                    [
                        (Program.Kind.PROGRAM, 70),
                        (Program.Kind.FUND, 15),
                        (Program.Kind.PARTNERSHIP, 15),
                    ],
                )[0]
                word = {Program.Kind.FUND: "Fonds", Program.Kind.PARTNERSHIP: "Agenda"}.get(
                    kind, "Programma"
                )
                name = f"{word} {topic} {province} {start.start.year}-{end.start.year}"
                parent, line = None, self.rng.choice(self.program_line_ids)
            else:
                kind, word, _weight = weighted(self.rng, PART_KINDS)
                name = f"{word} {topic} {self.rng.choice(TRADES)} {province}"
                # Most parts hang under a top-level program, the rest a level deeper.
                if first_level and self.rng.random() < 0.3:
                    parent = self.rng.choice(first_level)
                else:
                    parent = self.rng.randrange(n_top)
                    first_level.append(i)
                line = None
            obj = Program(
                slug=f"{PREFIX}{slugify(name)[:80]}-{i + 1}",
                name=name,
                kind=kind,
                program_line_id=line,
                status=status,
                start=start,
                end=end,
                description=f"{name}: {word.lower()} van de provincie {province} "
                f"voor de maakindustrie.",
                source_id=self.document_ids[document],
                source_locator=f"§{self.rng.randint(1, 9)}",
                publication_status=statuses[i],
            )
            obj._history_date = self.moment(
                min(start.start, REFERENCE_DAY - datetime.timedelta(days=1))
            )
            objs.append(obj)
            parents.append(parent)
        # Level by level: a part refers to a program already written.
        self.write(Program, objs[:n_top])
        for level in (set(first_level), set(range(n_top, n)) - set(first_level)):
            written = [obj for i, obj in enumerate(objs) if i in level]
            for i in sorted(level):
                objs[i].parent_id = objs[parents[i]].pk
            for first in range(0, len(written), CHUNK):
                self.write(Program, written[first : first + CHUNK])
        created = objs
        self.program_rows = [(obj.pk, obj.name, obj.kind) for obj in created]
        instruments = [
            pk
            for pk, _name, kind in self.program_rows
            if kind in (Program.Kind.SCHEME, Program.Kind.INSTRUMENT, Program.Kind.FUND)
        ]
        self.instrument_ids = instruments or [pk for pk, _name, _kind in self.program_rows]

        themes, roles = [], []
        for i, obj in enumerate(created):
            for theme in self.rng.sample(self.theme_ids, self.rng.randint(1, 3)):
                themes.append((obj.pk, theme))
            if i < n_top:
                wanted = [
                    (
                        self.province_ids[self.rng.randrange(len(PROVINCES))],
                        ProgramOrganisation.Role.LEAD,
                    )
                ]
            else:
                wanted = [
                    (
                        self.rng.choice(self.org_ids),
                        self.rng.choice(
                            [ProgramOrganisation.Role.PARTNER, ProgramOrganisation.Role.RECIPIENT]
                        ),
                    )
                    for _ in range(self.rng.randint(0, 2))
                ]
            for organisation, role in dict.fromkeys(wanted):
                roles.append((obj, organisation, role))
        self.through(Program.themes, themes)
        role_statuses = self.status(len(roles))
        role_objs = []
        for (program, organisation, role), status in zip(roles, role_statuses, strict=True):
            role_obj = ProgramOrganisation(
                program_id=program.pk,
                organisation_id=organisation,
                role=role,
                publication_status=status,
            )
            role_obj._history_date = program._history_date
            role_objs.append(role_obj)
        self.write(ProgramOrganisation, role_objs)

    def deadline_precision(self):
        return self.rng.choice(
            [
                Precision.QUARTER,
                Precision.HALF_YEAR,
                Precision.EARLY,
                Precision.MID,
                Precision.LATE,
                Precision.YEAR,
                Precision.MONTH,
            ]
        )

    def commitments(self):
        n_motions, n_promises = self.scaled("motions"), self.scaled("promises")
        n = n_motions + n_promises
        statuses = self.status(n)
        objs = []
        for i in range(n):
            motion = i < n_motions
            province_index = self.rng.randrange(len(PROVINCES))
            meeting_pk, meeting_day = self.rng.choice(
                self.meetings.get(province_index) or self.all_meetings
            )
            topic = self.rng.choice(TOPICS)
            obj = Commitment(
                kind=Commitment.Kind.MOTION if motion else Commitment.Kind.PROMISE,
                number=f"{PREFIX}{i + 1}",
                made_on=self.fuzzy(meeting_day, Precision.DAY),
                meeting_id=meeting_pk,
                agenda_item=f"{self.rng.choice(['Statenvoorstel', 'Informatienota'])} {topic}",
                publication_status=statuses[i],
                source_id=self.rng.choice(self.document_ids),
            )
            outcome = None
            if motion:
                outcome = weighted(
                    self.rng,
                    [("aangenomen", 74), ("verworpen", 16), ("ingetrokken", 7), ("aangehouden", 3)],
                )[0]
                obj.title = f"Motie {topic}: {self.rng.choice(['onderzoek', 'steun', 'plan'])}"
                obj.text = f"Verzoekt Gedeputeerde Staten om werk te maken van {topic.lower()}."
                obj.vote_outcome = outcome
                obj.appraisal = self.rng.choice(["", "ontraden", "oordeel_staten", "overgenomen"])
                seats = self.rng.choice([39, 41, 43, 47, 49, 55])
                if outcome in ("aangenomen", "verworpen"):
                    majority = self.rng.randint(seats // 2 + 1, seats)
                    minority = seats - majority
                    obj.votes_for, obj.votes_against = (
                        (majority, minority) if outcome == "aangenomen" else (minority, majority)
                    )
                submitters = self.council.get(province_index) or self.all_council
                obj._submitters = self.rng.sample(
                    submitters, min(len(submitters), self.rng.randint(1, 3))
                )
            else:
                obj.title = f"Toezegging {topic}: {self.rng.choice(['informeren', 'evalueren'])}"
                obj.text = f"De gedeputeerde zegt toe de Staten te informeren over {topic.lower()}."
                executives = self.executives.get(province_index) or self.all_executives
                obj.made_by_id = self.rng.choice(executives) if executives else None
                obj.made_by_role = "de portefeuillehouder Economie"
                obj._submitters = []
            self.commitment_state(obj, outcome, meeting_day)
            obj._history_date = self.moment(meeting_day)
            # Before the insert: the history decides the version.
            obj._history_rows = self.commitment_history(obj)
            obj._themes = self.rng.sample(self.theme_ids, self.rng.randint(0, 2))
            obj._programs = [
                self.rng.choice(self.program_rows)[0] for _ in range(self.rng.randint(0, 2))
            ]
            objs.append(obj)
        created = []
        for i in range(0, n, CHUNK):
            created += self.write(Commitment, objs[i : i + CHUNK], attrgetter("_history_rows"))
        self.through(
            Commitment.themes, [(obj.pk, theme) for obj in created for theme in obj._themes]
        )
        self.through(
            Commitment.programs,
            [(obj.pk, program) for obj in created for program in dict.fromkeys(obj._programs)],
        )
        self.through(
            Commitment.submitters,
            [(obj.pk, person) for obj in created for person in obj._submitters],
        )
        changes = []
        for obj in created:
            for change in obj._changes:
                change.commitment_id = obj.pk
                changes.append(change)
        self.write(DeadlineChange, changes)

    def commitment_state(self, obj, outcome, made):
        """Deadline (with its earlier values), status and fulfilment of one commitment."""
        obj._changes, obj._deadlines = [], []
        if outcome in ("verworpen", "ingetrokken"):
            obj.status = Commitment.Status.LAPSED
            return
        if outcome == "aangehouden":
            obj.status = Commitment.Status.OPEN
            return
        draw = self.rng.random()
        if draw < 0.1:
            obj.without_deadline = True
        elif draw < 0.85:
            deadline = self.fuzzy(
                made + datetime.timedelta(days=self.rng.randint(60, 720)),
                self.deadline_precision(),
            )
            deadlines = [deadline]
            moves = weighted(self.rng, [(0, 73), (1, 20), (2, 7)])[0]
            changed_at = made
            for _ in range(moves):
                changed_at = min(
                    deadlines[-1].start, changed_at + datetime.timedelta(days=90)
                ) + datetime.timedelta(days=self.rng.randint(0, 60))
                if changed_at >= REFERENCE_DAY:
                    break  # nothing happens after "today"
                later = deadlines[-1].end + datetime.timedelta(days=self.rng.randint(60, 365))
                deadlines.append(self.fuzzy(later, self.deadline_precision()))
                change = DeadlineChange(
                    old_deadline=deadlines[-2],
                    new_deadline=deadlines[-1],
                    changed_at=self.moment(changed_at),
                    reason=self.rng.choice(DEADLINE_REASONS),
                )
                change._history_date = change.changed_at
                obj._changes.append(change)
            obj.deadline = deadlines[-1]
            obj._deadlines = deadlines
        past = obj.deadline is not None and obj.deadline.end < REFERENCE_DAY
        draw = self.rng.random()
        if past or obj.deadline is None:
            outcomes = [(0.65, "voldaan"), (0.75, "deels_voldaan"), (0.8, "vervallen")]
        else:
            outcomes = [(0.15, "voldaan"), (0.2, "deels_voldaan")]
        obj.status = next(
            (status for limit, status in outcomes if draw < limit), Commitment.Status.OPEN
        )
        if obj.status in (Commitment.Status.FULFILLED, Commitment.Status.PARTLY_FULFILLED):
            fulfilled = min(
                REFERENCE_DAY - datetime.timedelta(days=1),
                made + datetime.timedelta(days=self.rng.randint(30, 900)),
            )
            obj.fulfilled_on = self.fuzzy(fulfilled, Precision.DAY)
            obj.fulfilment = "Afgedaan met een informatienota aan Provinciale Staten."
            if self.rng.random() < 0.7:
                obj.fulfilled_by_id = self.rng.choice(self.document_ids)
        if obj.status == Commitment.Status.PARTLY_FULFILLED:
            obj.remaining = "De evaluatie volgt nog."

    def commitment_history(self, obj):
        """Created open with the first deadline; one update per deadline change; then settled."""
        reason_limit = change_reason_limit(Commitment)
        settled = obj.status != Commitment.Status.OPEN and obj.vote_outcome not in (
            "verworpen",
            "ingetrokken",
        )
        rows = []
        first = obj._deadlines[0] if obj._deadlines else obj.deadline
        open_fields = {
            "status": Commitment.Status.OPEN,
            "remaining": "",
            "fulfilled_by_id": None,
            "fulfilled_on_date": None,
            "fulfilled_on_precision": "",
            "fulfilment": "",
        }
        version = 1

        def deadline_fields(deadline):
            return {
                "deadline_date": deadline.start if deadline else None,
                "deadline_precision": deadline.precision if deadline else "",
            }

        base = open_fields if settled else {}
        rows.append(
            (
                obj._history_date,
                "+",
                self.reason,
                {**base, **deadline_fields(first), "version": version},
            )
        )
        for change, deadline in zip(obj._changes, obj._deadlines[1:], strict=True):
            version += 1
            reason = f"{change.reason} ({self.reason.lower()})"[:reason_limit]
            rows.append(
                (
                    change.changed_at,
                    "~",
                    reason,
                    {**base, **deadline_fields(deadline), "version": version},
                )
            )
        if settled:
            version += 1
            day = obj.fulfilled_on.start if obj.fulfilled_on else obj.deadline_date or REFERENCE_DAY
            last_day = REFERENCE_DAY - datetime.timedelta(days=1)
            when = max(self.moment(min(day, last_day)), rows[-1][0] + datetime.timedelta(minutes=1))
            reason = f"Status {obj.get_status_display()} ({self.reason.lower()})"[:reason_limit]
            rows.append((when, "~", reason, {"version": version}))
        obj.version = version
        return rows

    def subsidies(self):
        n = self.scaled("subsidies")
        statuses = self.status(n)
        for first in range(0, n, CHUNK):
            objs = []
            for i in range(first, min(n, first + CHUNK)):
                status = weighted(
                    self.rng,
                    [
                        (Subsidy.Status.REQUESTED, 10),
                        (Subsidy.Status.GRANTED, 40),
                        (Subsidy.Status.SETTLED, 45),
                        (Subsidy.Status.WITHDRAWN, 5),
                    ],
                )[0]
                granted = self.money(50_000, 1.1) if status != Subsidy.Status.REQUESTED else None
                day = self.day()
                obj = Subsidy(
                    slug=f"{PREFIX}subsidie-{i + 1}",
                    instrument_id=self.rng.choice(self.instrument_ids),
                    recipient_id=self.rng.choice(self.recipient_ids),
                    status=status,
                    granted_amount=granted,
                    settled_amount=(
                        (granted * Decimal(self.rng.choice(["1", "1", "0.9", "0.75"]))).quantize(
                            Decimal("0.01")
                        )
                        if status == Subsidy.Status.SETTLED
                        else None
                    ),
                    project_volume=(
                        (granted * Decimal(self.rng.randint(15, 50)) / 10).quantize(Decimal("0.01"))
                        if granted is not None and self.rng.random() < 0.8
                        else None
                    ),
                    granted_on=self.fuzzy(
                        day, Precision.DAY if self.rng.random() < 0.9 else Precision.MONTH
                    ),
                    description=f"Project {self.rng.choice(TOPICS).lower()}",
                    publication_status=statuses[i],
                )
                obj._history_date = self.moment(day)
                objs.append(obj)
            self.write(Subsidy, objs)

    def budget_lines(self):
        n = self.scaled("budget_lines")
        statuses = self.status(n)
        positions = {}
        for first in range(0, n, CHUNK):
            objs = []
            for i in range(first, min(n, first + CHUNK)):
                document = self.rng.randrange(len(self.document_ids))
                position = positions[document] = positions.get(document, 0) + 1
                program_pk, program_name, _kind = self.rng.choice(self.program_rows)
                kind = weighted(
                    self.rng,
                    [
                        (ContributionKind.AMOUNT, 85),
                        (ContributionKind.PM, 10),
                        (ContributionKind.EXTERNAL, 5),
                    ],
                )[0]
                external = kind == ContributionKind.EXTERNAL
                if external or self.rng.random() < 0.15:
                    funder = self.rng.choice([Funder.EU, Funder.NATIONAL, Funder.OTHER])
                else:
                    funder = Funder.PROVINCE
                year = self.rng.randint(FIRST_YEAR, LAST_YEAR)
                obj = BudgetLine(
                    document_id=self.document_ids[document],
                    position=position,
                    label=f"{program_name[:200]}: {self.rng.choice(LINE_LABELS).lower()}",
                    program_id=program_pk,
                    contribution_kind=kind,
                    amount=self.money(400_000, 1.4) if kind == ContributionKind.AMOUNT else None,
                    funder=funder,
                    start=FuzzyDate(datetime.date(year, 1, 1), Precision.YEAR),
                    end=FuzzyDate(
                        datetime.date(min(LAST_YEAR + 4, year + self.rng.randint(0, 4)), 1, 1),
                        Precision.YEAR,
                    ),
                    source_locator=f"bijlage, rij {position}",
                    publication_status=statuses[i],
                )
                obj._history_date = self.moment(datetime.date(year, 1, 2))
                objs.append(obj)
            self.write(BudgetLine, objs)


class Command(BaseCommand):
    help = (
        "Generate a synthetic data set for load and speed tests: at --scale 1 about the twelve "
        "provinces over ten years. Deterministic per --scale and --seed; next to the memo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = the full set")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, scale, seed, verbosity=1, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        generator = Generator(scale, seed)
        existing = Organisation.history.filter(
            slug__startswith=PREFIX, history_type="+"
        ).values_list("history_change_reason", flat=True)
        reason = existing.first()
        if reason is not None:
            if reason == generator.reason:
                self.stdout.write(f"Generated data is already present ({reason}); nothing changed.")
                return
            raise CommandError(
                f"Other generated data is present ({reason}); generate into a fresh database."
            )
        began = time.monotonic()
        with transaction.atomic():
            counts = generator.run()
            # Bulk inserts send no signals: the changes feed and the cached figures learn of
            # them here.
            record_created(FEED_TYPES, generator.created)
            # The kept totals likewise: counted for every program and instrument in one go.
            BudgetTotal.objects.recount()
            SubsidyTotal.objects.recount()
            generator.tables |= {BudgetTotal._meta.db_table, SubsidyTotal._meta.db_table}
            data_changed()
        analysed = time.monotonic()
        self.analyse(generator.tables)
        analyse_seconds = time.monotonic() - analysed
        seconds = time.monotonic() - began
        audit = logging.getLogger("limburg_maak.audit")
        for label, count in counts.items():
            if ".Historical" in label:
                continue
            # One audit line per model: bulk inserts send no per-record signals.
            history = counts.get(label.replace(".", ".Historical", 1))
            line = {"event": "bulk_write", "model": label, "change": "create", "count": count}
            if history is not None:
                line["history_rows"] = history
            audit.info(json.dumps({**line, "reason": generator.reason}, ensure_ascii=False))
        if verbosity:
            width = max(map(len, counts))
            for label, count in counts.items():
                self.stdout.write(f"{label:<{width}}  {count:>9}")
            total = sum(counts.values())
            self.stdout.write(
                self.style.SUCCESS(
                    f"{generator.reason}: {total} rows in {seconds:.1f} s "
                    f"(statistics: {analyse_seconds:.1f} s)."
                )
            )

    @staticmethod
    def analyse(tables):
        """Fresh planner statistics: right after a bulk load, PostgreSQL's are those of the
        empty tables, and a query over the new rows can take a minute instead of a second
        until autovacuum catches up. Vacuumed too, unless inside a transaction (a test's),
        where PostgreSQL refuses it: until then no index-only scan skips the table, and the
        site search at scale 1 took 1,2 s instead of 0,2 s for the subsidies alone."""
        if connection.vendor != "postgresql":
            return
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {', '.join(map(connection.ops.quote_name, sorted(tables)))}")
