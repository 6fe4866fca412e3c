"""Template helpers for forms in the NL Design System (Utrecht) look."""

from django import template

register = template.Library()

_CLASSES = {
    "select": "utrecht-select utrecht-select--html-select",
    "selectmultiple": "utrecht-select utrecht-select--html-select",
    "textarea": "utrecht-textarea utrecht-textarea--html-textarea",
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
    "radioselect": "",
    "checkboxselectmultiple": "",
}
_INVALID = {
    "select": "utrecht-select--invalid",
    "textarea": "utrecht-textarea--invalid",
    "checkbox": "utrecht-checkbox--invalid",
}


@register.filter
def utrecht_widget(bound_field):
    """Render the field's widget with Utrecht classes (and the invalid modifier on errors);
    Django adds aria-invalid and aria-describedby (description and error) itself."""
    kind = bound_field.widget_type
    classes = _CLASSES.get(kind, "utrecht-textbox utrecht-textbox--html-input")
    if bound_field.errors:
        classes += " " + _INVALID.get(kind, "utrecht-textbox--invalid")
    existing = bound_field.field.widget.attrs.get("class", "")
    attrs = {"class": f"{existing} {classes}".strip()} if classes or existing else {}
    return bound_field.as_widget(attrs=attrs)


@register.filter(is_safe=True)
def squash(value):
    """Collapse runs of whitespace and strip the ends (headings and buttons of allauth's
    templates arrive with their template indentation)."""
    return " ".join(str(value).split())
