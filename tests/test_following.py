"""Following by e-mail: double opt-in, digests of what changed, unsubscribing, and that only
public data reaches a mail and only the subscriber's own mailbox. The mails go through a real
SMTP server (aiosmtpd) run inside the test, and are read from what it received."""

import datetime
import io

import pytest
from django.core import mail as django_mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from programs.models import PublicationStatus, PublicChange
from subscriptions import digests
from subscriptions.models import Digest, Follow, Subscriber

from . import factories
from .mailbox import free_port, html_of, link_in, text_of

ADDRESS = "statenlid@example.nl"
CONCEPT_MARKER = "LEKMARKER"


def ask_to_follow(client, record, kind="toezegging", address=ADDRESS, **extra):
    data = {"soort": kind, "id": str(record.uuid), "email": address, "frequency": "dagelijks"}
    return client.post("/volgen", {**data, **extra})


def follow_confirmed(client, smtp, record, kind="toezegging", address=ADDRESS, **extra):
    """Ask to follow and confirm by the link in the mail; the subscriber."""
    response = ask_to_follow(client, record, kind, address, **extra)
    assert response.status_code == 200, response.content.decode()
    confirm = link_in(smtp.to(address)[-1], "/volgen/bevestigen/")
    assert client.post(confirm).status_code == 302
    return Subscriber.objects.get(email=address)


def first_digest_time(subscriber):
    return subscriber.next_digest_at


def send_digests(moment):
    call_command("send_digests", now=moment.isoformat(), stdout=io.StringIO())


# Asking and confirming


def test_a_request_sends_a_confirmation_and_nothing_else_until_it_is_confirmed(db, client, smtp):
    commitment = factories.CommitmentFactory(title="Evaluatie LimburgMakers")

    response = ask_to_follow(client, commitment)

    assert response.status_code == 200
    [(recipients, confirmation)] = smtp.messages
    assert recipients == [ADDRESS]
    assert "Evaluatie LimburgMakers" in confirmation["Subject"]
    assert "/volgen/bevestigen/" in text_of(confirmation)
    assert "/volgen/bevestigen/" in html_of(confirmation)
    subscriber = Subscriber.objects.get(email=ADDRESS)
    assert subscriber.confirmed_at is None
    commitment.title = "Evaluatie LimburgMakers, herzien"
    commitment.save()
    send_digests(timezone.now() + datetime.timedelta(days=1))
    assert len(smtp.messages) == 1
    assert not Digest.objects.exists()


def test_opening_the_link_shows_a_button_and_only_the_button_confirms(db, client, smtp):
    commitment = factories.CommitmentFactory()
    ask_to_follow(client, commitment)
    confirm = link_in(smtp.messages[0][1], "/volgen/bevestigen/")

    assert client.get(confirm).status_code == 200
    assert Subscriber.objects.get().confirmed_at is None
    response = client.post(confirm)

    assert response.status_code == 302 and "/volgen/beheer/" in response["Location"]
    assert Follow.objects.get().confirmed_at is not None
    page = client.get(response["Location"]).content.decode()
    assert commitment.title in page and ADDRESS not in page


def test_the_confirmation_link_expires_after_48_hours(db, client, smtp, monkeypatch):
    ask_to_follow(client, factories.CommitmentFactory())
    confirm = link_in(smtp.messages[0][1], "/volgen/bevestigen/")
    later = timezone.now().timestamp() + 48 * 3600 + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    assert client.post(confirm).status_code == 400
    assert Subscriber.objects.get().confirmed_at is None


def test_an_address_left_unconfirmed_is_deleted_after_48_hours(db, client, smtp):
    ask_to_follow(client, factories.CommitmentFactory())

    send_digests(timezone.now() + datetime.timedelta(hours=47))
    assert Subscriber.objects.filter(email=ADDRESS).exists()
    send_digests(timezone.now() + datetime.timedelta(hours=49))
    assert not Subscriber.objects.filter(email=ADDRESS).exists()


def test_only_public_records_can_be_followed(db, client, smtp):
    concept = factories.CommitmentFactory(publication_status=PublicationStatus.CONCEPT)

    assert ask_to_follow(client, concept).status_code == 404
    assert client.get("/volgen?soort=toezegging&id=geen-uuid").status_code == 404
    assert not smtp.messages


def test_requests_are_limited_per_address_and_per_client(db, client, smtp, settings):
    settings.FOLLOW_REQUESTS_PER_ADDRESS_PER_DAY = 2
    settings.FOLLOW_REQUESTS_PER_CLIENT_PER_HOUR = 4
    commitment = factories.CommitmentFactory()

    statuses = [ask_to_follow(client, commitment).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert len(smtp.to(ADDRESS)) == 2
    others = [ask_to_follow(client, commitment, address=f"iemand{n}@example.nl") for n in range(3)]
    assert [response.status_code for response in others] == [200, 200, 429]
    assert len(smtp.messages) == 4


def test_an_existing_address_keeps_its_choices_when_someone_else_asks(db, client, smtp):
    subscriber = follow_confirmed(client, smtp, factories.CommitmentFactory())
    other = factories.CommitmentFactory()

    ask_to_follow(client, other, frequency="wekelijks")

    subscriber.refresh_from_db()
    assert subscriber.frequency == "dagelijks"
    assert not subscriber.follows.get(target=str(other.uuid)).confirmed_at


def test_staff_follow_with_their_account_without_a_mail(db, client, smtp, admin_user):
    admin_user.email = "beleid@prvlimburg.nl"
    admin_user.save()
    client.force_login(admin_user)
    program = factories.ProgramFactory()

    response = client.post("/volgen", {"soort": "programma", "id": str(program.uuid), "account": 1})

    assert response.status_code == 302
    subscriber = Subscriber.objects.get(user=admin_user)
    assert subscriber.address == "beleid@prvlimburg.nl" and subscriber.confirmed_at
    assert subscriber.follows.get().confirmed_at
    assert not smtp.messages


# Digests


def test_a_digest_lists_what_changed_from_what_to_what_and_is_sent_once(db, client, smtp):
    commitment = factories.CommitmentFactory(title="Evaluatie LimburgMakers")
    subscriber = follow_confirmed(client, smtp, commitment)
    commitment.title = "Evaluatie LimburgMakers en KennisCheque"
    commitment.save()
    due = first_digest_time(subscriber)

    send_digests(due - datetime.timedelta(minutes=1))
    assert len(smtp.to(ADDRESS)) == 1
    send_digests(due)
    send_digests(due + datetime.timedelta(hours=1))

    digest = smtp.to(ADDRESS)[-1]
    assert len(smtp.to(ADDRESS)) == 2
    text = text_of(digest)
    assert "Titel: Evaluatie LimburgMakers -> Evaluatie LimburgMakers en KennisCheque" in text
    assert f"http://testserver/toezeggingen/{commitment.public_id}" in text
    assert "Evaluatie LimburgMakers</del>" in html_of(digest)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Folded after the colon, as a long header is: read unfolded.
    assert digest["List-Unsubscribe"].strip().startswith("<http://testserver/volgen/afmelden/")
    assert "Provincie Limburg" in digest["From"]
    assert Digest.objects.get().message_id == digest["Message-ID"].strip()


def test_nothing_changed_no_mail(db, client, smtp):
    subscriber = follow_confirmed(client, smtp, factories.CommitmentFactory())
    factories.CommitmentFactory(title="Iets anders")

    send_digests(first_digest_time(subscriber))

    assert len(smtp.to(ADDRESS)) == 1
    subscriber.refresh_from_db()
    assert subscriber.next_digest_at > timezone.now()


def test_a_program_s_digest_holds_its_budget_lines_even_one_deleted(db, client, smtp):
    program = factories.ProgramFactory(name="LimburgMakers")
    line = factories.BudgetLineFactory(program=program, label="Bijdrage provincie")
    subscriber = follow_confirmed(client, smtp, program, kind="programma")
    line.delete()

    send_digests(first_digest_time(subscriber))

    text = text_of(smtp.to(ADDRESS)[-1])
    assert "Programma: LimburgMakers" in text
    assert "‘Bijdrage provincie’ verwijderd" in text


def test_a_digest_never_holds_concept_data(db, client, smtp):
    program = factories.ProgramFactory(name="LimburgMakers")
    subscriber = follow_confirmed(client, smtp, program, kind="programma")
    factories.BudgetLineFactory(
        program=program, label=CONCEPT_MARKER, publication_status=PublicationStatus.CONCEPT
    )
    program.name = f"{CONCEPT_MARKER} programma"
    program.publication_status = PublicationStatus.CONCEPT
    program.save()

    send_digests(first_digest_time(subscriber))

    digest = smtp.to(ADDRESS)[-1]
    assert "‘LimburgMakers’ verwijderd" in text_of(digest)
    assert CONCEPT_MARKER not in digest.as_string()


def test_a_crash_between_two_mails_resumes_without_duplicates_or_gaps(
    db, client, smtp, monkeypatch
):
    commitment = factories.CommitmentFactory()
    first = follow_confirmed(client, smtp, commitment, address="een@example.nl")
    second = follow_confirmed(client, smtp, commitment, address="twee@example.nl")
    commitment.title = "Nieuwe titel"
    commitment.save()
    real_deliver, delivered = digests.deliver, []

    def crash_after_the_first(*args, **kwargs):
        if delivered:
            raise SystemExit("the process was killed")
        delivered.append(real_deliver(*args, **kwargs))
        return delivered[-1]

    monkeypatch.setattr(digests, "deliver", crash_after_the_first)
    due = max(first.next_digest_at, second.next_digest_at)
    with pytest.raises(SystemExit):
        send_digests(due)
    monkeypatch.setattr(digests, "deliver", real_deliver)
    send_digests(due)
    commitment.title = "Nog een titel"
    commitment.save()
    send_digests(due + datetime.timedelta(days=1))

    for address in ("een@example.nl", "twee@example.nl"):
        texts = [text_of(message) for message in smtp.to(address)[1:]]
        assert len(texts) == 2, address
        assert "-> Nieuwe titel" in texts[0] and "Nog een titel" not in texts[0]
        assert "Nieuwe titel -> Nog een titel" in texts[1]


def test_a_digest_before_a_meeting_has_the_changes_since_the_previous_and_the_rappellijst(
    db, client, smtp
):
    today = timezone.localdate()
    factories.MeetingFactory(body="Commissie EWB", date=today - datetime.timedelta(days=30))
    coming = factories.MeetingFactory(body="Commissie EWB", date=today + datetime.timedelta(days=4))
    due = factories.CommitmentFactory(title="Rapportage reshoring", deadline="2016")
    response = client.post(
        "/volgen",
        {
            "soort": "commissie",
            "id": "Commissie EWB",
            "email": ADDRESS,
            "frequency": "voor-vergadering",
        },
    )
    assert response.status_code == 200, response.content.decode()
    client.post(link_in(smtp.to(ADDRESS)[0], "/volgen/bevestigen/"))

    send_digests(timezone.now())
    send_digests(timezone.now() + datetime.timedelta(hours=1))

    [digest] = smtp.to(ADDRESS)[1:]
    text = text_of(digest)
    assert str(coming) in digest["Subject"]
    assert "Rapportage reshoring" in text and "Rappellijst" in text
    assert Digest.objects.get().meeting == coming
    assert due.public_id in text


# Unsubscribing and personal data


def test_one_click_unsubscribe_deletes_the_address(db, client, smtp):
    commitment = factories.CommitmentFactory()
    follow_confirmed(client, smtp, commitment)
    header = smtp.to(ADDRESS)[0]["List-Unsubscribe"].strip().strip("<>")
    path = header.removeprefix("http://testserver")

    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert not Subscriber.objects.exists() and not Follow.objects.exists()
    assert client.get(path).status_code == 404


def test_the_unsubscribe_link_in_the_body_works(db, client, smtp):
    follow_confirmed(client, smtp, factories.CommitmentFactory())
    path = link_in(smtp.to(ADDRESS)[0], "/volgen/afmelden/")

    assert client.get(path).status_code == 200
    assert Subscriber.objects.exists()
    client.post(path)
    assert not Subscriber.objects.exists()


def test_the_manage_page_stops_one_follow_and_saves_choices(db, client, smtp):
    first, second = factories.CommitmentFactory(), factories.CommitmentFactory()
    follow_confirmed(client, smtp, first)
    subscriber = follow_confirmed(client, smtp, second)
    manage = link_in(smtp.to(ADDRESS)[-1], "/volgen/beheer/")
    page = client.get(manage)
    assert page["Cache-Control"].startswith("max-age=0") and "private" in page["Cache-Control"]

    client.post(manage, {"stop": subscriber.follows.get(target=str(first.uuid)).pk})
    response = client.post(
        manage, {"save": 1, "frequency": "wekelijks", "days_before_meeting": 5, "language": "en"}
    )

    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert [follow.target for follow in subscriber.follows.all()] == [str(second.uuid)]
    assert subscriber.frequency == "wekelijks" and subscriber.language == "en"
    assert subscriber.next_digest_at.weekday() == 0


def test_mails_without_an_smtp_server_are_logged_without_the_address(db, client, settings, caplog):
    settings.EMAIL_BACKEND = "subscriptions.mail.LoggingBackend"
    settings.DEBUG = False
    caplog.set_level("INFO", logger="subscriptions.mail")

    ask_to_follow(client, factories.CommitmentFactory(title="Evaluatie"))

    assert "Evaluatie" in caplog.text
    assert ADDRESS not in caplog.text and "statenlid" not in caplog.text


def test_the_start_says_when_mails_are_only_logged(settings):
    from subscriptions.checks import mail_is_sent

    settings.EMAIL_HOST, settings.EMAIL_BACKEND = "", "subscriptions.mail.LoggingBackend"
    assert [warning.id for warning in mail_is_sent(None)] == ["subscriptions.I001"]
    settings.EMAIL_HOST = "smtp.example.nl"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert mail_is_sent(None) == []


def test_send_digests_refuses_a_time_that_is_not_iso(db):
    with pytest.raises(CommandError, match="not an ISO 8601 time"):
        call_command("send_digests", now="morgen")


def test_a_digest_is_in_the_language_chosen(db, client, smtp):
    commitment = factories.CommitmentFactory()
    subscriber = follow_confirmed(client, smtp, commitment)
    Subscriber.objects.filter(pk=subscriber.pk).update(language="en")
    commitment.title = "Nieuwe titel"
    commitment.save()

    send_digests(first_digest_time(subscriber))

    digest = smtp.to(ADDRESS)[-1]
    assert digest["Subject"].startswith("What changed in what you follow")
    assert "Unsubscribe" in text_of(digest)


def test_no_mail_goes_out_in_a_test_that_does_not_ask_for_the_smtp_server(db, client):
    ask_to_follow(client, factories.CommitmentFactory())
    assert len(django_mail.outbox) == 1


def test_pages_offer_to_follow_what_they_show(db, client):
    commitment = factories.CommitmentFactory()
    program = factories.ProgramFactory()
    meeting = factories.MeetingFactory(body="Commissie EWB")
    holder = factories.PersonFactory(name="Mackus", role="gedeputeerde")
    concept = factories.ProgramFactory(publication_status=PublicationStatus.CONCEPT)

    pages = {
        f"/toezeggingen/{commitment.public_id}": f"soort=toezegging&amp;id={commitment.uuid}",
        f"/programmas/{program.slug}": f"soort=programma&amp;id={program.uuid}",
        "/toezeggingen": "soort=verstreken",
        f"/toezeggingen?portfolioHolder={holder.slug}": (
            f"soort=portefeuillehouder&amp;id={holder.uuid}"
        ),
        f"/toezeggingen/rappellijst?vergadering={meeting.slug}": (
            "soort=commissie&amp;id=Commissie%20EWB"
        ),
    }
    for path, link in pages.items():
        assert f"/volgen?{link}" in client.get(path).content.decode(), path
    page = client.get("/volgen?soort=commissie&id=Commissie EWB").content.decode()
    assert "voor-vergadering" in page
    assert (
        "voor-vergadering"
        not in client.get(f"/volgen?soort=programma&id={program.uuid}").content.decode()
    )
    assert client.get(f"/volgen?soort=programma&id={concept.uuid}").status_code == 404


def test_no_address_reaches_a_backup(db, client, smtp, tmp_path):
    follow_confirmed(client, smtp, factories.CommitmentFactory())

    call_command("backup", str(tmp_path / "backup.json"), verbosity=0)

    backup = (tmp_path / "backup.json").read_text(encoding="utf-8")
    assert ADDRESS not in backup and "subscriptions." not in backup


def test_a_mail_server_that_fails_is_a_clear_error_and_keeps_nothing(db, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens

    response = ask_to_follow(client, factories.CommitmentFactory())

    assert response.status_code == 503
    assert "kon nu niet worden verstuurd" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_the_manage_page_refuses_a_follow_that_is_no_number(db, client, smtp):
    follow_confirmed(client, smtp, factories.CommitmentFactory())
    manage = link_in(smtp.to(ADDRESS)[-1], "/volgen/beheer/")

    assert client.post(manage, {"stop": "alles"}).status_code == 302
    assert Follow.objects.count() == 1


def test_leaving_digests_before_meetings_starts_the_daily_ones_from_now(db, client, smtp):
    factories.MeetingFactory(body="Commissie EWB")
    client.post(
        "/volgen",
        {
            "soort": "commissie",
            "id": "Commissie EWB",
            "email": ADDRESS,
            "frequency": "voor-vergadering",
        },
    )
    client.post(link_in(smtp.to(ADDRESS)[0], "/volgen/bevestigen/"))
    factories.CommitmentFactory(title="Al lang geleden")
    manage = link_in(smtp.to(ADDRESS)[0], "/volgen/beheer/")

    client.post(
        manage, {"save": 1, "frequency": "dagelijks", "days_before_meeting": 5, "language": "nl"}
    )

    subscriber = Subscriber.objects.get()
    assert subscriber.covered_to == PublicChange.objects.order_by("-id").first().id


def test_a_staff_account_without_an_address_is_skipped_not_failed(db, client, smtp, admin_user):
    admin_user.email = "beleid@prvlimburg.nl"
    admin_user.save()
    client.force_login(admin_user)
    commitment = factories.CommitmentFactory()
    client.post("/volgen", {"soort": "toezegging", "id": str(commitment.uuid), "account": 1})
    admin_user.email = ""
    admin_user.save()
    commitment.title = "Nieuwe titel"
    commitment.save()
    due = Subscriber.objects.get().next_digest_at

    assert digests.send_due(due) == ([], 0)
    admin_user.email = "beleid@prvlimburg.nl"
    admin_user.save()
    sent, failed = digests.send_due(due + datetime.timedelta(days=1))

    assert len(sent) == 1 and failed == 0
    # The change made while the account had no address is in it: nothing missed.
    assert "-> Nieuwe titel" in text_of(smtp.to("beleid@prvlimburg.nl")[0])
