from django.urls import path

from accounts import reauth, views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/data/", views.personal_data, name="personal_data"),
    path("profile/delete/", views.delete_account, name="delete"),
    # allauth's own URL (``account_change_password``), ahead of allauth's urls: the password
    # page under the shared 10-minute confirmation (see accounts.reauth).
    path("password/change/", reauth.password_change, name="password_change"),
]
