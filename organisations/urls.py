from django.urls import path, re_path

from organisations.views import accept, audit, groups, invitations, members, overview, sharing

app_name = "organisations"
urlpatterns = [
    path("", overview.overview, name="overview"),
    # Tokens are long (43 characters); no organisation page path can look like one.
    re_path(
        r"^invitations/(?P<token>[A-Za-z0-9_-]{20,64})/$",
        accept.invitation_accept,
        name="invitation_accept",
    ),
    path("<slug:slug>/", overview.detail, name="detail"),
    path("<slug:slug>/members/<int:membership_id>/role/", members.member_role, name="member_role"),
    path(
        "<slug:slug>/members/<int:membership_id>/remove/",
        members.member_remove,
        name="member_remove",
    ),
    path(
        "<slug:slug>/members/<int:membership_id>/block/",
        members.member_block,
        name="member_block",
    ),
    path("<slug:slug>/groups/", groups.group_list, name="groups"),
    path("<slug:slug>/groups/<int:group_id>/", groups.group_detail, name="group_detail"),
    path("<slug:slug>/groups/<int:group_id>/rename/", groups.group_rename, name="group_rename"),
    path("<slug:slug>/groups/<int:group_id>/delete/", groups.group_delete, name="group_delete"),
    path(
        "<slug:slug>/groups/<int:group_id>/members/add/",
        groups.group_member_add,
        name="group_member_add",
    ),
    path(
        "<slug:slug>/groups/<int:group_id>/members/<int:user_id>/remove/",
        groups.group_member_remove,
        name="group_member_remove",
    ),
    path("<slug:slug>/invitations/", invitations.invitation_list, name="invitations"),
    path("<slug:slug>/invitations/new/", invitations.invitation_new, name="invitation_new"),
    path(
        "<slug:slug>/invitations/<int:invitation_id>/resend/",
        invitations.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<slug:slug>/invitations/<int:invitation_id>/revoke/",
        invitations.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<slug:slug>/invitations/upload/", invitations.batch_upload, name="batch_upload"),
    path(
        "<slug:slug>/invitations/template.csv",
        invitations.batch_template,
        name="batch_template",
    ),
    path(
        "<slug:slug>/invitations/batches/<int:batch_id>/",
        invitations.batch_detail,
        name="batch_detail",
    ),
    path(
        "<slug:slug>/invitations/batches/<int:batch_id>/results.csv",
        invitations.batch_results_csv,
        name="batch_results_csv",
    ),
    path(
        "<slug:slug>/invitations/batches/<int:batch_id>/continue/",
        invitations.batch_restart,
        name="batch_restart",
    ),
    path("<slug:slug>/audit/", audit.audit_log, name="audit"),
    path("<slug:slug>/sharing/", sharing.sharing, name="sharing"),
]
