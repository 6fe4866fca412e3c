"""Reading pages as a browser does, for the tests that drive the served stack over HTTP: the
forms (action, fields, buttons) and the links of an HTML page (standard library parser)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)  # radio/checkbox name -> values
    buttons: dict[str, str] = field(default_factory=dict)  # named submit buttons

    def data(self, **extra) -> dict:
        return {**self.fields, **extra}


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = Form(action=attrs.get("action") or "", method=attrs.get("method", "get"))
            self.forms.append(self._form)
        elif self._form is None or "name" not in attrs:
            return
        elif tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            self._form.choices.setdefault(attrs["name"], []).append(attrs.get("value") or "on")
        elif tag == "input" and attrs.get("type") == "submit" or tag == "button":
            self._form.buttons[attrs["name"]] = attrs.get("value") or ""
        elif tag == "input":
            self._form.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


@dataclass
class Page:
    url: str
    forms: list[Form]
    links: list[str]

    def form(self, action_contains: str) -> Form:
        """The first form whose action contains the text (absolute action URL)."""
        for form in self.forms:
            if action_contains in urljoin(self.url, form.action):
                return Form(
                    action=urljoin(self.url, form.action),
                    method=form.method,
                    fields=form.fields,
                    choices=form.choices,
                    buttons=form.buttons,
                )
        actions = [form.action for form in self.forms]
        raise AssertionError(f"no form posting to *{action_contains}* on {self.url}: {actions}")

    def link(self, contains: str) -> str:
        """The first link (absolute) whose target contains the text."""
        for href in self.links:
            if contains in href:
                return urljoin(self.url, href)
        raise AssertionError(f"no link to *{contains}* on {self.url}")

    def links_to(self, contains: str) -> list[str]:
        """Every distinct link (absolute) whose target contains the text, in page order."""
        found = []
        for href in self.links:
            url = urljoin(self.url, href)
            if contains in href and url not in found:
                found.append(url)
        return found


def read_page(response) -> Page:
    """The forms and links of a ``requests`` response (fails on an error status)."""
    assert response.status_code == 200, (response.status_code, response.url, response.text[:2000])
    parser = _PageParser()
    parser.feed(response.text)
    return Page(url=response.url, forms=parser.forms, links=parser.links)
