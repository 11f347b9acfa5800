"""Following by e-mail (Dutch addresses, without trailing slash)."""

from django.urls import path

from . import views

app_name = "subscriptions"
urlpatterns = [
    path("volgen", views.follow, name="follow"),
    path("volgen/bevestigen/<str:token>", views.confirm, name="confirm"),
    path("volgen/beheer/<str:token>", views.manage, name="manage"),
    path("volgen/afmelden/<str:token>", views.unsubscribe, name="unsubscribe"),
]
