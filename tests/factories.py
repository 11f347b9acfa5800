"""Factories for tests: published records unless a test says otherwise."""

import datetime
from decimal import Decimal

import factory

from budgets.models import BudgetLine, ContributionKind, Subsidy
from programs.models import (
    Action,
    BudgetProgram,
    Commitment,
    Document,
    Indicator,
    Meeting,
    Organisation,
    Person,
    Program,
    ProgramLine,
    ProgramOrganisation,
    PublicationStatus,
    Settlement,
    Theme,
)


class PublishedFactory(factory.django.DjangoModelFactory):
    publication_status = PublicationStatus.PUBLISHED

    class Meta:
        abstract = True


class DocumentFactory(PublishedFactory):
    slug = factory.Sequence(lambda n: f"document-{n}")
    title = factory.Sequence(lambda n: f"Notitie {n}")
    kind = Document.Kind.NOTE

    class Meta:
        model = Document


class ThemeFactory(PublishedFactory):
    slug = factory.Sequence(lambda n: f"thema-{n}")
    name = factory.Sequence(lambda n: f"Thema {n}")

    class Meta:
        model = Theme


class OrganisationFactory(PublishedFactory):
    slug = factory.Sequence(lambda n: f"organisatie-{n}")
    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = Organisation.Kind.COMPANY
    place = "Venlo"

    class Meta:
        model = Organisation


class BudgetProgramFactory(PublishedFactory):
    slug = factory.Sequence(lambda n: f"begrotingsprogramma-{n}")
    name = factory.Sequence(lambda n: f"Begrotingsprogramma {n}")

    class Meta:
        model = BudgetProgram


class ProgramLineFactory(PublishedFactory):
    slug = factory.Sequence(lambda n: f"programmalijn-{n}")
    name = factory.Sequence(lambda n: f"Programmalijn {n}")
    budget_program = factory.SubFactory(BudgetProgramFactory)

    class Meta:
        model = ProgramLine


class ProgramFactory(PublishedFactory):
    slug = factory.Sequence(lambda n: f"programma-{n}")
    name = factory.Sequence(lambda n: f"Programma {n}")
    kind = Program.Kind.PROGRAM
    status = Program.Status.RUNNING
    program_line = factory.SubFactory(ProgramLineFactory)
    source = factory.SubFactory(DocumentFactory)
    start = "medio 2013"
    end = "medio 2016"

    class Meta:
        model = Program
        skip_postgeneration_save = True

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class ProgramOrganisationFactory(PublishedFactory):
    program = factory.SubFactory(ProgramFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ProgramOrganisation.Role.PARTNER

    class Meta:
        model = ProgramOrganisation


class PersonFactory(PublishedFactory):
    slug = factory.Sequence(lambda n: f"persoon-{n}")
    name = factory.Sequence(lambda n: f"Persoon {n}")
    role = Person.Role.COUNCIL_MEMBER

    class Meta:
        model = Person


class MeetingFactory(PublishedFactory):
    slug = factory.Sequence(lambda n: f"vergadering-{n}")
    body = "Statencommissie Economie"
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))

    class Meta:
        model = Meeting


class CommitmentFactory(PublishedFactory):
    kind = Commitment.Kind.PROMISE
    number = factory.Sequence(lambda n: str(2000 + n))
    title = factory.Sequence(lambda n: f"Toezegging {n}")
    status = Commitment.Status.OPEN
    made_on = "7 november 2014"

    class Meta:
        model = Commitment


class SettlementFactory(PublishedFactory):
    commitment = factory.SubFactory(CommitmentFactory)
    proposed_on = datetime.date(2026, 11, 1)
    proposal_document = factory.SubFactory(DocumentFactory)
    proposed_status = Commitment.Status.FULFILLED
    explanation = "De notitie beantwoordt de vraag."

    class Meta:
        model = Settlement


class ActionFactory(PublishedFactory):
    slug = factory.Sequence(lambda n: f"actie-{n}")
    title = factory.Sequence(lambda n: f"Actie {n}")
    status = Action.Status.PLANNED
    due = "najaar 2015"
    program = factory.SubFactory(ProgramFactory)
    owner = factory.SubFactory(OrganisationFactory)

    class Meta:
        model = Action


class IndicatorFactory(PublishedFactory):
    slug = factory.Sequence(lambda n: f"kengetal-{n}")
    name = factory.Sequence(lambda n: f"Kengetal {n}")
    value = Decimal("2500")
    unit = "vestigingen"
    qualifier = "ruim"
    reference = "2014"
    program = factory.SubFactory(ProgramFactory)

    class Meta:
        model = Indicator


class BudgetLineFactory(PublishedFactory):
    document = factory.SubFactory(DocumentFactory)
    position = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: f"Post {n}")
    program = factory.SubFactory(ProgramFactory)
    contribution_kind = ContributionKind.AMOUNT
    amount = Decimal("1000000.00")

    class Meta:
        model = BudgetLine


class SubsidyFactory(PublishedFactory):
    slug = factory.Sequence(lambda n: f"subsidie-{n}")
    instrument = factory.SubFactory(ProgramFactory)
    recipient = factory.SubFactory(OrganisationFactory)
    status = Subsidy.Status.GRANTED
    granted_amount = Decimal("50000.00")
    project_volume = Decimal("175000.00")
    granted_on = "april 2015"

    class Meta:
        model = Subsidy


def save_at(record, moment, **changes):
    """Save `record` with `changes`, as if at `moment` (its history and feed entries)."""
    for name, value in changes.items():
        setattr(record, name, value)
    record._history_date = moment
    record.save()
    return record
