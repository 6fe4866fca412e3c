from django.urls import path

from certificates.views import attendance, evaluation, holder, renewal, verify

app_name = "certificates"
urlpatterns = [
    path("", holder.my_certificates, name="mine"),
    path("<str:code>/pdf/", holder.certificate_pdf, name="pdf"),
    path("verify/", verify.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", verify.verify, name="verify"),
    path("courses/<slug:slug>/finish/", evaluation.finish, name="finish"),
    path("courses/<slug:slug>/renew/", renewal.renew, name="renew"),
    path("evaluations/", evaluation.evaluation_results, name="evaluations"),
    path("attendance/", attendance.attendance_list, name="attendance"),
]
