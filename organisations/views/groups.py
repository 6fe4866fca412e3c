"""Groups of an organisation: list and create, detail with members, rename, delete."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations import permissions, queries, services
from organisations.forms import GroupForm, GroupMemberForm, MemberSearchForm
from organisations.models import Group
from organisations.views.access import organisation_context, organisation_or_404, posted


def _group_or_404(request, slug, group_id):
    organisation = organisation_or_404(request.user, slug, permissions.can_manage_groups)
    group = get_object_or_404(Group, pk=group_id, organisation=organisation)
    return organisation, group


@login_required
def group_list(request, slug):
    organisation = organisation_or_404(request.user, slug, permissions.can_manage_groups)
    form = GroupForm(posted(request))
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.group_create(
                organisation=organisation, name=form.cleaned_data["name"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error("name", exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            if not request.htmx:
                messages.success(request, _("Group “%(name)s” created.") % {"name": created})
                return redirect("organisations:groups", slug=organisation.slug)
            form = GroupForm()
    context = organisation_context(
        request.user,
        organisation,
        groups=queries.groups_of(organisation),
        form=form,
        created=created,
    )
    template = "organisations/groups.html"
    if request.htmx:
        template += "#groups-section"
    return render(request, template, context)


def _group_context(request, organisation, group, **extra):
    search = MemberSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    return organisation_context(
        request.user,
        organisation,
        group=group,
        members=queries.group_members(group),
        search_form=search,
        query=query,
        candidates=queries.group_candidates(group, query) if query else None,
        **extra,
    )


@login_required
def group_detail(request, slug, group_id):
    organisation, group = _group_or_404(request, slug, group_id)
    context = _group_context(request, organisation, group)
    template = "organisations/group_detail.html"
    if request.htmx:
        template += "#candidates"
    return render(request, template, context)


@login_required
@require_POST
def group_member_add(request, slug, group_id):
    organisation, group = _group_or_404(request, slug, group_id)
    form = GroupMemberForm(request.POST, group=group)
    error = None
    if form.is_valid():
        person = form.cleaned_data["user"]
        try:
            added = services.group_add_member(group=group, user=person, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied:
            raise Http404 from None
        else:
            text = (
                _("%(person)s added to the group.")
                if added
                else _("%(person)s was already in the group.")
            )
            messages.success(request, text % {"person": person})
    else:
        error = " ".join(form.errors.get("user", []))
    if error:
        messages.error(request, error)
    if request.htmx:
        return render(
            request,
            "organisations/group_detail.html#group-body",
            _group_context(request, organisation, group),
        )
    return redirect("organisations:group_detail", slug=organisation.slug, group_id=group.pk)


@login_required
@require_POST
def group_member_remove(request, slug, group_id, user_id):
    organisation, group = _group_or_404(request, slug, group_id)
    person = get_object_or_404(get_user_model(), pk=user_id, group_memberships__group=group)
    try:
        services.group_remove_member(group=group, user=person, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("%(person)s removed from the group.") % {"person": person})
    if request.htmx:
        return render(
            request,
            "organisations/group_detail.html#group-body",
            _group_context(request, organisation, group),
        )
    return redirect("organisations:group_detail", slug=organisation.slug, group_id=group.pk)


@login_required
def group_rename(request, slug, group_id):
    organisation, group = _group_or_404(request, slug, group_id)
    form = GroupForm(posted(request), initial={"name": group.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.group_rename(group=group, name=form.cleaned_data["name"], actor=request.user)
        except ValidationError as exc:
            form.add_error("name", exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Group renamed to “%(name)s”.") % {"name": group.name})
            return redirect("organisations:group_detail", slug=organisation.slug, group_id=group.pk)
    group.refresh_from_db(fields=["name"])
    context = organisation_context(request.user, organisation, group=group, form=form)
    return render(request, "organisations/group_rename.html", context)


@login_required
def group_delete(request, slug, group_id):
    organisation, group = _group_or_404(request, slug, group_id)
    if request.method == "POST":
        name = group.name
        try:
            services.group_delete(group=group, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("Group “%(name)s” deleted.") % {"name": name})
        return redirect("organisations:groups", slug=organisation.slug)
    context = organisation_context(
        request.user, organisation, group=group, member_count=group.group_members.count()
    )
    return render(request, "organisations/group_delete.html", context)
