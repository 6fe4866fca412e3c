from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/data/", views.personal_data, name="personal_data"),
    path("profile/delete/", views.delete_account, name="delete"),
    path("audit/", views.audit_log, name="audit"),
]
