"""A real-browser check of the built site: ``python -m website.site_check [BUILD] [--out DIR]``.

Two passes over every ``*.html`` page of a ``mkdocs build``:

- a static pass over the files: every internal link, stylesheet, script and image must
  resolve to a file of the build, and every ``#fragment`` to an ``id`` on the target page;
  external links are collected and listed, never fetched;
- a browser pass: the build is served on 127.0.0.1 (a free port, loopback only) and each
  page is loaded in headless Chromium (the system's, driven by Playwright; no browser is
  downloaded). Console errors, uncaught page errors, failed requests to the local server,
  images that load with zero natural size, formulas left as raw TeX, markup left
  unrendered and pages wider than the window are problems. Requests to other hosts are
  blocked (the check runs offline) and listed. A full-page screenshot of every page is saved.

Each page is loaded once per layout (``Layout``): a phone (390 px), a laptop (1280 px), and
print (media emulated as "print" at the width of an A4 page less Chrome's default margins).
In every layout the page itself must not scroll sideways, and a claim id must sit on one line;
a table that scrolls inside its column is a note on a screen (listed at 1280 px, counted at
390 px) and a problem in print, where nothing scrolls and the cut-off part is lost.

Each problem is one line, ``PAGE: CAUSE``; the exit status is 1 when there is any.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from shared.registry import ROOT

BUILD_DIR = ROOT / "site" / "build"
SHOTS_DIR = ROOT / "runs" / "site-check"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MISSING_CHROMIUM = (
    "site-check: no Chromium found (looked for chromium, chromium-browser, "
    "google-chrome); install it with `apt-get install chromium` "
    "or point HYPE_CHROMIUM at the binary"
)
LOCAL_HOSTS = ("127.0.0.1", "localhost")
HEIGHT = 900
PRINT_WIDTH = 718  # A4 (210 mm) less Chrome's default 1 cm margins, at 96 px per inch


@dataclass(frozen=True)
class Layout:
    """One way a reader sees a page: a window ``width`` px wide, on screen or printed."""

    width: int
    print: bool = False
    list_scrolling: bool = False  # name each sideways-scrolling table in the notes (else count)

    @property
    def name(self) -> str:
        return "print" if self.print else f"{self.width}px"


PHONE = Layout(390)
LAPTOP = Layout(1280, list_scrolling=True)
PRINT = Layout(PRINT_WIDTH, print=True)
LAYOUTS = (PHONE, LAPTOP, PRINT)
PAGE_TIMEOUT_MS = 30_000


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one page; ``ref`` (a resolved URL or file) merges duplicates."""

    page: str
    cause: str
    ref: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.page or '/'}: {self.cause}"


@dataclass
class ParsedPage:
    """What the static pass needs from one HTML file."""

    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # <a href>
    resources: list[str] = field(default_factory=list)  # <link href>, <script src>
    images: list[str] = field(default_factory=list)  # <img src>, <source srcset>


class _PageParser(HTMLParser):
    """Collects ids, links, resources and images of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs if v is not None}
        if "id" in a:
            self.page.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.page.ids.add(a["name"])
        if tag == "a" and "href" in a:
            self.page.links.append(a["href"])
        elif tag == "link" and "href" in a and "preconnect" not in a.get("rel", ""):
            self.page.resources.append(a["href"])
        elif tag == "script" and "src" in a:
            self.page.resources.append(a["src"])
        elif tag == "img" and "src" in a:
            self.page.images.append(a["src"])
        elif tag == "source" and "srcset" in a:
            self.page.images += [s.split()[0] for s in a["srcset"].split(",") if s.strip()]


def find_chromium() -> str | None:
    """The Chromium binary: ``$HYPE_CHROMIUM``, else the first of CHROMIUM_NAMES on PATH."""
    if explicit := os.environ.get("HYPE_CHROMIUM"):
        return explicit if Path(explicit).is_file() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def find_pages(build: Path) -> list[str]:
    """Every page of the build as its URL path: ``""`` (home), ``"svm/"``, ``"404.html"``."""
    pages = []
    for path in sorted(build.rglob("*.html")):
        rel = path.relative_to(build).as_posix()
        pages.append(rel[: -len("index.html")] if path.name == "index.html" else rel)
    return pages


def page_file(build: Path, url_path: str) -> Path | None:
    """The file a URL path of the site is served from (``dir/`` -> ``dir/index.html``), if any."""
    rel = PurePosixPath(unquote(url_path).lstrip("/"))
    if ".." in rel.parts:
        return None
    candidate = build / rel
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def parse_page(path: Path) -> ParsedPage:
    """Ids, links, resources and images of one HTML file."""
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.page


def is_external(ref: str) -> bool:
    """A link to another site (http, https or protocol-relative)."""
    parts = urlsplit(ref)
    return parts.scheme in ("http", "https") or (not parts.scheme and bool(parts.netloc))


def is_internal(ref: str) -> bool:
    """A link into this site: no scheme, no host (mailto:, data:, javascript: are neither)."""
    parts = urlsplit(ref)
    return not parts.scheme and not parts.netloc


def resolve(page: str, ref: str) -> tuple[str, str]:
    """An internal reference on a page as (URL path from the site root, fragment)."""
    parts = urlsplit(urljoin("/" + page, ref))
    return parts.path.lstrip("/"), unquote(parts.fragment)


def check_reference(
    build: Path, page: str, ref: str, kind: str, ids_of: dict[str, set[str]]
) -> Problem | None:
    """One internal link, resource or image of a page: the file exists, the anchor too."""
    target, fragment = resolve(page, ref)
    file = page_file(build, target)
    if file is None:
        cause = {"link": "broken link", "image": "missing image", "resource": "missing file"}[kind]
        return Problem(page, f"{cause} {ref!r} (no {target or '/'} in the build)", target)
    if kind == "link" and fragment and file.suffix == ".html":
        key = file.relative_to(build).as_posix()
        if key not in ids_of:
            ids_of[key] = parse_page(file).ids
        if fragment not in ids_of[key]:
            return Problem(
                page,
                f"broken anchor {ref!r} (no id {fragment!r} on /{target})",
                f"{target}#{fragment}",
            )
    return None


def check_static(build: Path) -> tuple[list[Problem], dict[str, set[str]]]:
    """The static pass: problems, and every external link with the pages that carry it."""
    problems: list[Problem] = []
    external: dict[str, set[str]] = {}
    ids_of: dict[str, set[str]] = {}
    for page in find_pages(build):
        file = build / (page + "index.html" if page.endswith("/") or not page else page)
        parsed = parse_page(file)
        ids_of[file.relative_to(build).as_posix()] = parsed.ids
        for kind, refs in (
            ("link", parsed.links),
            ("resource", parsed.resources),
            ("image", parsed.images),
        ):
            for ref in refs:
                if is_external(ref):
                    if kind == "link":
                        external.setdefault(ref, set()).add(page or "/")
                elif is_internal(ref) and (
                    problem := check_reference(build, page, ref, kind, ids_of)
                ):
                    problems.append(problem)
    return problems, external


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the build without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  (the base class's name)
        pass


@contextlib.contextmanager
def serve(build: Path) -> Iterator[str]:
    """Serve ``build`` on 127.0.0.1 at a free port; yields the base URL (``http://127.0.0.1:P/``)."""
    handler = functools.partial(_QuietHandler, directory=str(build))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def is_local(url: str) -> bool:
    """A URL on the local server (or a data:/blob: URL the page made itself)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS


def site_path(url: str) -> str:
    """A local URL as a path from the site root, for messages (``/svm/``)."""
    return urlsplit(url).path or "/"


def screenshot_name(page: str, layout: str = "") -> str:
    """The screenshot file of a page: ``""`` -> ``index.png``, ``"a/b/"`` -> ``a__b.png``;
    with a layout, ``("", "390px")`` -> ``index-390px.png``."""
    stem = page.removesuffix("/").removesuffix(".html").replace("/", "__") or "index"
    return f"{stem}-{layout}.png" if layout else f"{stem}.png"


# Run in the page once it has loaded: make lazy images load, wait for every image, then
# report what a reader would see wrong. Text inside code and pre is left out of the
# markup check (pages may show the syntax on purpose). The ``leftover`` regex is split into two
# adjacent raw strings, which Python joins into the one line the browser runs.
_INSPECT_JS = (
    r"""
async () => {
  const images = [...document.images];
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done, {once: true});
    img.addEventListener('error', done, {once: true});
    setTimeout(done, 10000);
  })));
  const broken = images.filter(img => img.naturalWidth === 0 || img.naturalHeight === 0)
                       .map(img => img.currentSrc || img.src);
  const rawMath = [...document.querySelectorAll('.arithmatex')]
    .filter(el => /^\s*(\\\(|\\\[|\$)/.test(el.textContent)).length;
  const leftover = /--8<--|:(material|octicons|fontawesome)-[a-z0-9-]+:|^\s*!!! |\\[(\[]|"""
    r"""\\(t?frac|cdot|sum|binom|sqrt|mathbf|mathrm|alpha|epsilon|xi)(?![a-z])/g;
  const markup = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('code, pre, script, style, .arithmatex')) continue;
    for (const found of node.textContent.matchAll(leftover)) markup.push(found[0].trim());
  }
  const heading = el => {  // the nearest heading above an element, to name it in a note
    const all = [...document.querySelectorAll('.md-content h1, .md-content h2, .md-content h3')];
    const above = all.filter(h => h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
    return above.length ? above[above.length - 1].textContent.replace('¶', '').trim() : '';
  };
  // The box that scrolls: a table's wrapper, or the code element itself. Hidden ones (in a
  // closed <details>, or not printed) are not read, so they cannot scroll.
  const scrolled = [...document.querySelectorAll('.md-content table, .md-content pre > code')]
    .filter(el => el.checkVisibility())
    .map(el => [el.tagName === 'TABLE' ? el.closest('.md-typeset__scrollwrap') || el.parentElement
                                       : el, el])
    .filter(([box]) => box.scrollWidth > box.clientWidth + 1)
    .map(([box, el]) => ({what: el.tagName === 'TABLE' ? 'table' : 'code block', under: heading(el),
                          hidden: box.scrollWidth - box.clientWidth}));
  // A claim id split over two lines is hard to find and to cite: each must be one line box.
  const splitIds = [...document.querySelectorAll('.md-content .claim-id')]
    .filter(el => el.getClientRects().length > 1)
    .map(el => el.textContent.trim());
  const doc = document.documentElement;
  return {broken, rawMath, markup, scrolled, splitIds, overflow: doc.scrollWidth - doc.clientWidth};
}
"""
)


def inspect_findings(page: str, found: dict[str, Any], layout: Layout = LAPTOP) -> list[Problem]:
    """Problems from what ``_INSPECT_JS`` returned for one page in one layout."""
    problems = [
        Problem(page, f"image loads with zero natural size: {site_path(src)}", site_path(src))
        for src in found["broken"]
    ]
    if found["rawMath"]:
        problems.append(
            Problem(
                page,
                f"{found['rawMath']} formulas shown as raw TeX (no MathJax or "
                f"KaTeX ran; it must be served by the site, the check is offline)",
            )
        )
    for text in sorted(set(found["markup"])):
        problems.append(Problem(page, f"unrendered markup in the text: {text!r}"))
    where = "the printed page" if layout.print else f"a {layout.width}px window"
    if found["overflow"] > 0:
        problems.append(
            Problem(
                page,
                f"page is {found['overflow']}px wider than {where} "
                f"({'cut off' if layout.print else 'horizontal scrolling'})",
            )
        )
    for claim_id in found.get("splitIds", []):
        problems.append(
            Problem(page, f"claim id {claim_id} is split over two lines at {layout.name}")
        )
    if layout.print:  # paper does not scroll: what a screen scrolls to is lost in print
        problems += [
            Problem(
                page,
                f"{box['what']} under {box['under']!r} is {box['hidden']}px "
                f"wider than the printed page (cut off)",
            )
            for box in found["scrolled"]
        ]
    return problems


def scroll_notes(page: str, found: dict[str, Any], layout: Layout = LAPTOP) -> list[str]:
    """Notes (not failures) on tables and code blocks a reader must scroll sideways to read on a
    screen: each named where ``layout.list_scrolling``, else one line with their count."""
    if layout.print or not found["scrolled"]:
        return []
    if not layout.list_scrolling:
        return [
            f"{page or '/'}: {len(found['scrolled'])} tables or code blocks scroll sideways "
            f"inside their column at {layout.name}"
        ]
    return [
        f"{page or '/'}: {box['what']} under {box['under']!r} scrolls sideways "
        f"({box['hidden']}px hidden at {layout.name})"
        for box in found["scrolled"]
    ]


def check_page(
    browser: Any,
    base: str,
    page: str,
    shot: Path,
    blocked: dict[str, set[str]],
    notes: list[str],
    layout: Layout = LAPTOP,
) -> list[Problem]:
    """Load one page in a fresh tab in one layout: console and page errors, failed local
    requests, images, and how it fits."""
    problems: list[Problem] = []
    context = browser.new_context(
        viewport={"width": layout.width, "height": HEIGHT}, service_workers="block"
    )
    tab = context.new_page()
    if layout.print:  # before loading: the theme reads the media once (it opens every <details>)
        tab.emulate_media(media="print")

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if is_local(url):
            request_route.continue_()
        else:
            blocked.setdefault(url, set()).add(page or "/")
            request_route.abort("blockedbyclient")

    def on_console(message: Any) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "") if message.location else ""
        if where and not is_local(where):
            return  # a blocked external resource: listed apart
        failed_load = message.text.startswith("Failed to load resource")
        problems.append(
            Problem(
                page,
                f"console error: {message.text}"
                + (f" ({site_path(where)})" if failed_load and where else ""),
                site_path(where) if failed_load and where else "",
            )
        )

    def on_response(response: Any) -> None:
        if response.status >= 400 and is_local(response.url):
            problems.append(
                Problem(
                    page,
                    f"HTTP {response.status} for {site_path(response.url)}",
                    site_path(response.url),
                )
            )

    def on_failed(request: Any) -> None:
        if is_local(request.url):
            problems.append(
                Problem(
                    page,
                    f"request failed ({request.failure}) for {site_path(request.url)}",
                    site_path(request.url),
                )
            )

    tab.route("**/*", route)
    tab.on("console", on_console)
    tab.on(
        "pageerror", lambda error: problems.append(Problem(page, f"uncaught page error: {error}"))
    )
    tab.on("response", on_response)
    tab.on("requestfailed", on_failed)
    try:
        tab.goto(base + page, wait_until="networkidle", timeout=PAGE_TIMEOUT_MS)
        found = tab.evaluate(_INSPECT_JS)
        problems += inspect_findings(page, found, layout)
        notes += scroll_notes(page, found, layout)
        tab.screenshot(path=str(shot), full_page=True)
    except Exception as error:  # a page that does not load at all is one problem, not a crash
        problems.append(Problem(page, f"page did not load: {str(error).splitlines()[0]}"))
    finally:
        context.close()
    return problems


def check_in_browser(
    build: Path,
    shots: Path,
    chromium: str,
    pages: list[str] | None = None,
    notes: list[str] | None = None,
    layouts: tuple[Layout, ...] = (LAPTOP,),
) -> tuple[list[Problem], dict[str, set[str]]]:
    """The browser pass over ``pages`` (default: all), each in every layout: problems, and
    blocked external requests; notes on sideways-scrolling tables and code go to ``notes``.
    One layout keeps the plain screenshot name (``index.png``); several add theirs."""
    from playwright.sync_api import sync_playwright  # the `check` extra; only this pass needs it

    shots.mkdir(parents=True, exist_ok=True)
    problems: list[Problem] = []
    blocked: dict[str, set[str]] = {}
    with serve(build) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True)
        try:
            for page in find_pages(build) if pages is None else pages:
                for layout in layouts:
                    name = screenshot_name(page, layout.name if len(layouts) > 1 else "")
                    problems += check_page(
                        browser,
                        base,
                        page,
                        shots / name,
                        blocked,
                        notes if notes is not None else [],
                        layout,
                    )
        finally:
            browser.close()
    return problems, blocked


def merge(problems: list[Problem]) -> list[Problem]:
    """Problems sorted by page, one per (page, ref) where a ref is known (a 404 image is one line),
    and one of each line (a console error seen in every layout)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for problem in problems:
        if problem in kept:
            continue
        if problem.ref:
            if (problem.page, problem.ref) in seen:
                continue
            seen.add((problem.page, problem.ref))
        kept.append(problem)
    return sorted(kept, key=lambda p: p.page)


def print_listing(title: str, urls: dict[str, set[str]]) -> None:
    """A listing of URLs with the pages that carry them (not fetched)."""
    print(f"{title} ({len(urls)}, not fetched):")
    for url in sorted(urls):
        print(f"  {url}  [{', '.join(sorted(urls[url]))}]")


def layouts_for(widths: list[int] | None, with_print: bool) -> tuple[Layout, ...]:
    """The layouts a run checks: the given screen widths (default phone and laptop; widths of
    1024 px and more list their scrolling tables), then print unless skipped."""
    screens = (
        (PHONE, LAPTOP)
        if not widths
        else tuple(Layout(width, list_scrolling=width >= 1024) for width in dict.fromkeys(widths))
    )
    return screens + ((PRINT,) if with_print else ())


def main(argv: list[str] | None = None) -> int:
    """Check a build; print the listings, the problems and where the screenshots are."""
    parser = argparse.ArgumentParser(
        prog="python -m website.site_check", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "build", nargs="?", type=Path, default=BUILD_DIR, help="the built site (site/build)"
    )
    parser.add_argument(
        "--out", type=Path, default=SHOTS_DIR, help="screenshot folder (runs/site-check)"
    )
    parser.add_argument(
        "--page",
        action="append",
        dest="pages",
        metavar="URL_PATH",
        help="load only this page in the browser (repeatable), e.g. --page svm/ --page ''",
    )
    parser.add_argument(
        "--width",
        action="append",
        type=int,
        dest="widths",
        metavar="PX",
        help=f"screen widths to load each page at (repeatable; default "
        f"{PHONE.width} and {LAPTOP.width})",
    )
    parser.add_argument(
        "--no-print",
        dest="print",
        action="store_false",
        help="skip the print layout (print media, A4 width)",
    )
    args = parser.parse_args(argv)
    if not (args.build / "index.html").is_file():
        print(
            f"site-check: no built site at {args.build}; run `nox -s site` first", file=sys.stderr
        )
        return 2
    chromium = find_chromium()
    if chromium is None:
        print(MISSING_CHROMIUM, file=sys.stderr)
        return 2
    static, external = check_static(args.build)
    notes: list[str] = []
    layouts = layouts_for(args.widths, args.print)
    dynamic, blocked = check_in_browser(args.build, args.out, chromium, args.pages, notes, layouts)
    problems = merge(static + dynamic)
    n_pages = len(args.pages or find_pages(args.build))
    print_listing("External links", external)
    print_listing("External requests blocked (the check is offline)", blocked)
    for note in notes:
        print(f"NOTE {note}")
    print(
        f"Screenshots: {args.out.resolve()}/ ({n_pages} pages x "
        f"{', '.join(layout.name for layout in layouts)})"
    )
    for problem in problems:
        print(f"PROBLEM {problem}")
    print(
        f"site-check: {n_pages} pages in the browser at {', '.join(x.name for x in layouts)}, "
        f"{len(problems)} problems, {len(notes)} notes"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
