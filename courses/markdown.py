"""Lesson Markdown → sanitised HTML.

Two steps, always both:

1. ``python-markdown`` with ``admonition`` (the ``!!! case`` / ``!!! reflect`` blocks),
   ``tables`` and ``sane_lists``. No ``attr_list`` (it would let authors set arbitrary classes
   and ids) and no ``toc``. Headings are shifted so the highest heading in a lesson is an
   ``<h2>``: the lesson title is the page's only ``<h1>``.
2. ``nh3`` with an allowlist (``sanitise_html``): headings, paragraphs, lists, links, images,
   tables, block quotes, emphasis, figures, admonition ``div``/``p`` with the allowed classes
   only, and ``<video controls>`` with ``<track>`` captions. Scripts, ``on*`` attributes,
   ``style`` and ``javascript:`` URLs never survive.

The admin's lesson form uses ``sanitise_html`` on save, so HTML edited there obeys the same rules.
"""

import re
from html.parser import HTMLParser

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ADMONITION_TYPES = frozenset({"case", "reflect"})

ALLOWED_TAGS = frozenset(
    {
        "h2", "h3", "h4", "h5", "h6",
        "p", "br", "hr", "ul", "ol", "li", "dl", "dt", "dd",
        "a", "img", "blockquote", "strong", "em", "b", "i", "code", "pre", "abbr", "sup", "sub",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        "div", "figure", "figcaption",
        "video", "source", "track",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "video": {"controls", "src", "poster", "preload", "width", "height"},
    "source": {"src", "type"},
    "track": {"src", "srclang", "label", "default"},
}
# Attributes restricted to fixed values (nh3 strips any other value).
ALLOWED_ATTRIBUTE_VALUES = {
    "track": {"kind": {"captions", "subtitles", "descriptions", "chapters"}},
}
ALLOWED_CLASSES = {
    "div": {"admonition", *ADMONITION_TYPES},
    "p": {"admonition-title"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitise_html(html: str) -> str:
    """Clean author HTML down to the allowlist above."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        tag_attribute_values={
            tag: {attr: set(values) for attr, values in attrs.items()}
            for tag, attrs in ALLOWED_ATTRIBUTE_VALUES.items()
        },
        allowed_classes={tag: set(classes) for tag, classes in ALLOWED_CLASSES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


class _ShiftHeadings(Treeprocessor):
    """Make the highest heading level in the document an ``<h2>`` (keeping the relative order)."""

    def run(self, root):
        headings = [el for el in root.iter() if re.fullmatch(r"h[1-6]", el.tag)]
        if not headings:
            return None
        shift = 2 - min(int(el.tag[1]) for el in headings)
        if shift > 0:
            for el in headings:
                el.tag = f"h{min(int(el.tag[1]) + shift, 6)}"
        return None


class _ShiftHeadingsExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (python-markdown's API)
        md.treeprocessors.register(_ShiftHeadings(md), "academy_shift_headings", 5)


def render_markdown(text: str) -> str:
    """Markdown → sanitised HTML for a lesson body."""
    html = markdown.markdown(
        text,
        extensions=["admonition", "tables", "sane_lists", _ShiftHeadingsExtension()],
        output_format="html",
    )
    return sanitise_html(html)


class _MediaCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[dict[str, str | None]] = []
        self.media_sources: list[str] = []
        self.headings: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img":
            self.images.append(attributes)
        if tag in ("video", "source", "track") and attributes.get("src"):
            self.media_sources.append(attributes["src"])
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)


def inspect_html(html: str) -> _MediaCollector:
    """Images (their attributes), media sources and heading texts of rendered HTML."""
    collector = _MediaCollector()
    collector.feed(html)
    collector.close()
    return collector
