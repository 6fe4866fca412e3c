"""Helpers for the accounts tests: reauthentication and checks of the page markup."""

from html.parser import HTMLParser

from django.urls import reverse

from tests.factories import PASSWORD


def reauthenticate(client, password: str = PASSWORD) -> None:
    """Confirm the password on allauth's "Confirm access" page, as the person would."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:500]


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict] = []
        self.label_for: set[str] = set()
        self.label_depth = 0
        self.h1_count = 0
        self.problems: list[str] = []
        self.in_script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.problems.append(f"style attribute on <{tag}>")
        if any(name.startswith("on") for name in attrs) or "hx-on" in attrs:
            self.problems.append(f"inline event handler on <{tag}>")
        if tag == "script":
            if "src" not in attrs and attrs.get("type") != "application/json":
                self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("inline <style>")
        if tag == "h1":
            self.h1_count += 1
        if tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        if tag in ("input", "select", "textarea"):
            kind = attrs.get("type", "text")
            if kind not in ("hidden", "submit", "button", "reset", "image"):
                self.fields.append({**attrs, "_tag": tag, "_in_label": self.label_depth > 0})

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth = max(0, self.label_depth - 1)


def check_markup(html: str) -> list[str]:
    """Problems with the page: fields without a label, inline scripts or styles, not one h1."""
    parser = _Markup()
    parser.feed(html)
    problems = list(parser.problems)
    for field in parser.fields:
        labelled = (
            field["_in_label"]
            or field.get("id") in parser.label_for
            or field.get("aria-label")
            or field.get("aria-labelledby")
        )
        if not labelled:
            problems.append(f"<{field['_tag']} name={field.get('name')!r}> has no label")
    if parser.h1_count != 1:
        problems.append(f"{parser.h1_count} h1 elements")
    return problems


def nl(text: str) -> str:
    """``text`` as the Dutch interface shows it (our catalogue or allauth's; the English
    msgid while it has no translation), so assertions hold before and after translating."""
    from django.utils import translation

    with translation.override("nl"):
        return translation.gettext(text) if isinstance(text, str) else str(text)
