"""The public site's addresses (Dutch, without trailing slash)."""

from django.urls import path

from . import changes, feeds, views

urlpatterns = [
    path("", views.home, name="home"),
    path("documenten", views.document_list, name="document-list"),
    path("documenten/<slug:slug>", views.document_detail, name="document-detail"),
    path("programmas", views.program_list, name="program-list"),
    path("programmas/<slug:slug>", views.program_detail, name="program-detail"),
    path("organisaties", views.organisation_list, name="organisation-list"),
    path("organisaties/<slug:slug>", views.organisation_detail, name="organisation-detail"),
    path("themas", views.theme_list, name="theme-list"),
    path("themas/<slug:slug>", views.theme_detail, name="theme-detail"),
    path("acties", views.action_list, name="action-list"),
    path("acties/<slug:slug>", views.action_detail, name="action-detail"),
    path("zoeken", views.search_page, name="search"),
    path("wijzigingen", changes.change_list, name="change-list"),
    path("wijzigingen.atom", feeds.ChangesFeed(), name="changes-atom"),
    path("toezeggingen", views.commitment_list, name="commitment-list"),
    path("toezeggingen/rappellijst", views.reminder_list, name="reminder-list"),
    path("termijnen.ics", views.deadline_calendar, name="deadline-calendar"),
    path("toezeggingen/<slug:public_id>", views.commitment_detail, name="commitment-detail"),
    path("toegankelijkheid", views.accessibility_statement, name="accessibility"),
    path("favicon.ico", views.favicon, name="favicon"),
]
