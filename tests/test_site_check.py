"""The site check: the static pass on a tiny hand-written site, the browser pass where Chromium
is."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from website.site_check import (
    LAPTOP,
    PHONE,
    PRINT,
    Layout,
    check_in_browser,
    check_static,
    find_chromium,
    find_pages,
    inspect_findings,
    layouts_for,
    merge,
    resolve,
    screenshot_name,
    scroll_notes,
)

# A 1x1 transparent PNG: a real image with a non-zero natural size.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)


def write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())


def page(body: str) -> str:
    return f"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>"


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    """Home links to a good page, a good anchor, a missing page and a missing anchor; one image is
    gone."""
    write(
        tmp_path / "index.html",
        page(
            '<h1 id="top">Home</h1>'
            '<a href="good/">ok</a> <a href="good/#here">ok anchor</a> <a href="#top">self</a>'
            '<a href="nowhere/">broken</a> <a href="good/#gone">missing anchor</a>'
            '<a href="https://example.org/paper.pdf">external</a> <a href="mailto:a@b.c">mail</a>'
            '<img src="img/ok.png" alt="ok"> <img src="img/lost.png" alt="lost">'
        ),
    )
    write(
        tmp_path / "good" / "index.html",
        page(
            '<h2 id="here">Here</h2><a href="../">home</a><a href="/#top">home top</a>'
            '<img src="../img/ok.png" alt="ok">'
        ),
    )
    write(tmp_path / "img" / "ok.png", PNG)
    return tmp_path


def test_pages_and_screenshot_names(tiny_site: Path):
    assert find_pages(tiny_site) == ["good/", ""]
    assert screenshot_name("") == "index.png" and screenshot_name("a/b/") == "a__b.png"
    assert screenshot_name("404.html") == "404.png"
    assert screenshot_name("", "390px") == "index-390px.png"
    assert screenshot_name("svm/", "print") == "svm-print.png"


def test_layouts_phone_laptop_and_print_by_default():
    assert layouts_for(None, True) == (PHONE, LAPTOP, PRINT)
    assert [x.name for x in layouts_for(None, True)] == ["390px", "1280px", "print"]
    assert layouts_for([800, 1440, 800], False) == (Layout(800), Layout(1440, list_scrolling=True))
    assert PRINT.print and PRINT.width == 718  # A4 less 1 cm margins at 96 dpi


def found(**changes):
    """What the in-page script returns for a page with nothing wrong, with ``changes``."""
    return {
        "broken": [],
        "rawMath": 0,
        "markup": [],
        "scrolled": [],
        "splitIds": [],
        "overflow": 0,
        **changes,
    }


def test_layout_findings_on_screen_and_in_print():
    wide = [{"what": "table", "under": "Claims", "hidden": 120}]
    assert inspect_findings("svm/", found(scrolled=wide), LAPTOP) == []  # scrolls in its column
    assert scroll_notes("svm/", found(scrolled=wide), LAPTOP) == [
        "svm/: table under 'Claims' scrolls sideways (120px hidden at 1280px)"
    ]
    assert scroll_notes("svm/", found(scrolled=wide * 3), PHONE) == [
        "svm/: 3 tables or code blocks scroll sideways inside their column at 390px"
    ]
    assert scroll_notes("svm/", found(scrolled=wide), PRINT) == []
    (cut,) = inspect_findings("svm/", found(scrolled=wide), PRINT)  # paper does not scroll
    assert str(cut) == "svm/: table under 'Claims' is 120px wider than the printed page (cut off)"
    (split,) = inspect_findings("xor/", found(splitIds=["MP-xor-lp"]), PHONE)
    assert str(split) == "xor/: claim id MP-xor-lp is split over two lines at 390px"
    (wider,) = inspect_findings("", found(overflow=30), PHONE)
    assert str(wider) == "/: page is 30px wider than a 390px window (horizontal scrolling)"
    (printed,) = inspect_findings("", found(overflow=30), PRINT)
    assert str(printed) == "/: page is 30px wider than the printed page (cut off)"


def test_resolve_relative_and_absolute_links():
    assert resolve("svm/", "../xor/#parity") == ("xor/", "parity")
    assert resolve("svm/", "/figures/a%20b.png") == ("figures/a%20b.png", "")  # page_file unquotes
    assert resolve("", "#top") == ("", "top")


def test_static_pass_reports_each_broken_thing_once(tiny_site: Path):
    problems, external = check_static(tiny_site)
    lines = sorted(str(p) for p in problems)
    assert len(lines) == 3, lines
    assert any("broken link 'nowhere/'" in line for line in lines)
    assert any("broken anchor 'good/#gone'" in line and "no id 'gone'" in line for line in lines)
    assert any("missing image 'img/lost.png'" in line for line in lines)
    assert all(line.startswith("/: ") for line in lines)  # all on the home page
    assert external == {"https://example.org/paper.pdf": {"/"}}


def test_merge_keeps_one_line_per_page_and_ref():
    from website.site_check import Problem

    merged = merge(
        [
            Problem("a/", "missing image x", "x.png"),
            Problem("a/", "HTTP 404 for /x.png", "x.png"),
            Problem("b/", "HTTP 404 for /x.png", "x.png"),
            Problem("a/", "console error: y"),
        ]
    )
    assert [str(p) for p in merged] == [
        "a/: missing image x",
        "a/: console error: y",
        "b/: HTTP 404 for /x.png",
    ]


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium (apt-get install chromium)")
def test_browser_pass_catches_runtime_problems(tiny_site: Path, tmp_path: Path):
    pytest.importorskip("playwright", reason="the `check` extra is not installed")
    write(
        tiny_site / "bad" / "index.html",
        page(
            '<p>$x$</p><span class="arithmatex">\\(x^2\\)</span>'
            "<p>raw \\(a+b\\) :material-check:</p>"
            '<img src="../img/not-an-image.png" alt="zero size">'
            '<script>console.error("boom"); throw new Error("uncaught kaboom");</script>'
            '<script src="../js/missing.js"></script>'
            '<link rel="stylesheet" href="https://fonts.example.org/font.css">'
        ),
    )
    write(tiny_site / "img" / "not-an-image.png", b"this is not a PNG")
    shots = tmp_path / "shots"
    problems, blocked = check_in_browser(tiny_site, shots, find_chromium(), pages=["bad/", "good/"])
    lines = [str(p) for p in merge(problems)]
    assert all(line.startswith("bad/: ") for line in lines), lines  # the good page is clean
    text = "\n".join(lines)
    assert "console error: boom" in text
    assert "uncaught page error" in text and "uncaught kaboom" in text
    assert "HTTP 404 for /js/missing.js" in text
    assert "zero natural size: /img/not-an-image.png" in text
    assert (
        "1 formulas shown as raw TeX" in text
    )  # the arithmatex span; its text is not counted twice
    assert r"unrendered markup in the text: '\\('" in text
    assert "unrendered markup in the text: ':material-check:'" in text
    assert sum("missing.js" in line for line in lines) == 1  # the 404 and its console echo merge
    assert list(blocked) == [
        "https://fonts.example.org/font.css"
    ]  # listed, not fetched, no problem
    assert (shots / "bad.png").stat().st_size > 0 and (shots / "good.png").stat().st_size > 0


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium (apt-get install chromium)")
def test_browser_pass_checks_phone_width_and_print(tiny_site: Path, tmp_path: Path):
    """A wide table is a note on screens and a problem in print; a claim id that wraps at a hyphen
    on a phone is a problem; print media is really emulated (a rule only print applies)."""
    pytest.importorskip("playwright", reason="the `check` extra is not installed")
    write(
        tiny_site / "layout" / "index.html",
        page(
            "<style>@media print { .print-only { width: 3000px; } } .scroll { overflow-x: auto; }"
            ".narrow { width: 300px; }</style>"
            '<div class="md-content"><h2>Claims</h2>'
            '<div class="md-typeset__scrollwrap scroll">'
            '<table style="width: 1600px"><tr><td>x</td></tr></table></div>'
            '<div class="narrow"><span class="claim-id">SZ-T4-P1-FC100-x0.1-on-P1-FC123</span> '
            "and more words so that "
            '<span class="claim-id">SZ-T4-P1-FC100-x0.1-on-P2-FC100</span></div>'
            '<div class="print-only">printed</div></div>'
        ),
    )
    notes: list[str] = []
    problems, _ = check_in_browser(
        tiny_site,
        tmp_path / "shots",
        find_chromium(),
        pages=["layout/"],
        notes=notes,
        layouts=(PHONE, LAPTOP, PRINT),
    )
    lines = [str(p) for p in merge(problems)]
    assert any(
        "claim id SZ-T4-P1-FC100-x0.1-on-P2-FC100 is split over two lines at 390px" in line
        for line in lines
    ), lines
    assert any(
        "table under 'Claims' is" in line and "printed page (cut off)" in line for line in lines
    ), lines
    assert any(
        "wider than the printed page (cut off)" in line and line.startswith("layout/: page")
        for line in lines
    ), lines
    assert not any("window (horizontal scrolling)" in line for line in lines), lines  # screens fit
    assert any("at 1280px" in note for note in notes) and any("at 390px" in note for note in notes)
    for layout in ("390px", "1280px", "print"):
        assert (tmp_path / "shots" / f"layout-{layout}.png").stat().st_size > 0
