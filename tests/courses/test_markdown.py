"""Markdown rendering and the HTML allowlist (also used by the admin's lesson form)."""

from courses.markdown import render_markdown, sanitise_html


def test_it_renders_case_and_reflect_blocks():
    html = render_markdown('!!! case "Casus: een controle"\n    Sanne werkt achter het raam.\n')

    assert html == (
        '<div class="admonition case">\n<p class="admonition-title">Casus: een controle</p>\n'
        "<p>Sanne werkt achter het raam.</p>\n</div>"
    )


def test_it_makes_the_highest_heading_an_h2():
    assert render_markdown("# Een\n\n## Twee\n") == "<h2>Een</h2>\n<h3>Twee</h3>"
    assert render_markdown("## Twee\n\n### Drie\n") == "<h2>Twee</h2>\n<h3>Drie</h3>"


def test_it_renders_tables_and_lists():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n1. een\n2. twee\n")

    assert "<table>" in html and "<th>a</th>" in html and "<td>2</td>" in html
    assert "<ol>" in html and "<li>een</li>" in html


def test_it_strips_scripts_event_handlers_styles_and_javascript_urls():
    html = sanitise_html(
        "<script>alert(1)</script><style>p{}</style>"
        '<p onclick="x()" style="color:red" id="p1">tekst</p>'
        '<a href="javascript:alert(1)">a</a><a href="  JaVaScRiPt:alert(1)">b</a>'
        '<img src="/static/x.png" alt="x" onerror="alert(1)">'
        '<iframe src="https://evil.example"></iframe><form><input name="x"></form>'
    )

    assert "script" not in html and "alert(1)" not in html.replace('src="/static/x.png"', "")
    assert "<style" not in html and "style=" not in html
    assert "onclick" not in html and "onerror" not in html and 'id="p1"' not in html
    assert "javascript" not in html.lower()
    assert "<iframe" not in html and "<form" not in html and "<input" not in html
    assert '<img src="/static/x.png" alt="x">' in html


def test_it_keeps_only_the_allowed_classes():
    html = sanitise_html(
        '<div class="admonition reflect evil"><p class="admonition-title big">T</p></div>'
        '<span class="admonition">s</span>'
    )

    assert html == '<div class="admonition reflect"><p class="admonition-title">T</p></div>s'


def test_it_keeps_links_images_figures_and_captioned_video():
    html = sanitise_html(
        '<a href="https://rijksoverheid.nl" title="R">r</a>'
        '<figure><img src="/static/content/a.png" alt="Een gesprek"><figcaption>Bijschrift</figcaption></figure>'
        '<video controls src="/static/content/v.mp4" autoplay>'
        '<track kind="captions" src="/static/content/v.nl.vtt" srclang="nl" label="Nederlands">'
        '<track kind="metadata" src="/static/content/x.vtt"></video>'
    )

    assert '<a href="https://rijksoverheid.nl" title="R" rel="noopener noreferrer">r</a>' in html
    assert "<figure><img" in html and "<figcaption>Bijschrift</figcaption>" in html
    assert '<video controls="" src="/static/content/v.mp4">' in html
    assert 'kind="captions"' in html and 'srclang="nl"' in html and 'label="Nederlands"' in html
    assert 'kind="metadata"' not in html
    assert "autoplay" not in html


def test_it_turns_an_h1_into_text_because_the_page_owns_the_h1():
    assert sanitise_html("<h1>Titel</h1><h2>Kop</h2>") == "Titel<h2>Kop</h2>"
