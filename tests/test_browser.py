"""Real-browser tests: the learner's JupyterLab (``make lab``), the slides and the static site.

Drives Debian's Chromium (``/usr/bin/chromium``, ``apt-get install -y chromium``) through the
``playwright`` Python package; no browser is ever downloaded. Outside CI (``CI`` unset) the
tests are skipped when Chromium is missing; in CI a missing Chromium is a failure.

JupyterLab is started exactly as ``make lab`` starts it (``python -m tools.lab``), on a fresh
copy of the course's notebooks in a temporary ``my_notebooks/``, with the real ``notebooks/``
linked in read-only. The tests save notebooks from the browser and then check that no file
of ``notebooks/`` changed and ``git status`` reads as before; run notebooks 03 and 04 and move
their explorers' sliders; run notebook 04 and see a progress bar. The slides and the site are
built from the course's notebooks by their tools and opened from ``file://`` with the network
blocked: every slide of every deck is measured against the 1280×720 stage, and the explorers
on the site are moved and must change their figures (or say they are a snapshot).

The Chinese edition (``notebooks/zh/``): a Chinese notebook is opened from the learner's
``my_notebooks/zh/`` in the same JupyterLab, and every Chinese deck is measured like the
English ones; both must draw their Chinese text with a CJK font (Debian's
``fonts-noto-cjk``, which ``make browser-deps`` installs in CI), as Chromium itself reports
through the DevTools protocol, not a tofu box. With ``COURSE_SCREENSHOTS=<folder>`` set the
two are saved as ``zh_lab.png`` and ``zh_slides.png`` there, and each explorer moved in
JupyterLab as ``explorer_NN.png``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# The explorers moved in JupyterLab: notebook -> the slider to move, in order of preference.
EXPLORERS = {"03_error_surface.ipynb": ("learning rate", "T"),  # the error surface
             "04_gradient_clipping.ipynb": ("threshold τ",)}    # clipping on that surface
PROGRESS_NOTEBOOK = "04_gradient_clipping"  # trains with course_lib.train (progress bars)
ZH = NOTEBOOKS / "zh"
ZH_NOTEBOOK = "00_rnn_recap.ipynb"  # short: its kernel idles fast; its prose is all Chinese
ZH_DECK = "03_error_surface"  # headings, prose, maths, a figure and an explorer
LAB_START_TIMEOUT = 60
RUN_ALL_TIMEOUT = 150  # notebook 03 runs in ~35 s alone; CI runs nbval beside it


def require_chromium() -> None:
    """Skip (outside CI) or fail (in CI) when Chromium or playwright is missing."""
    in_ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} not found (install it with `apt-get install -y chromium`)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright Python package is not installed (see requirements.txt)"
    if problem:
        if in_ci:
            pytest.fail(f"browser test cannot run in CI: {problem}")
        pytest.skip(f"browser test skipped outside CI: {problem}")


def require_chinese_edition() -> None:
    """Skip when the Chinese edition is not built (tests/test_i18n.py fails then)."""
    if not sorted(ZH.glob("[0-9][0-9]_*.ipynb")):
        pytest.skip("the Chinese edition notebooks/zh/ is not built (make zh); "
                    "test_i18n.py reports why")


def screenshot(page, name: str) -> None:
    """Save a screenshot to ``$COURSE_SCREENSHOTS/<name>`` when that variable is set."""
    folder = os.environ.get("COURSE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name))


CJK = re.compile(r"[\u4e00-\u9fff]")
def rendering_fonts(page, selector: str) -> dict[str, int]:
    """``{font family: glyphs}`` Chromium used to draw the text of the first element
    matching ``selector`` (DevTools ``CSS.getPlatformFontsForNode``: the fonts actually used,
    after fallback; a missing glyph would be drawn from a last-resort font as a box)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"nothing matches {selector}"
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return {f["familyName"]: f["glyphCount"] for f in fonts}


MARK_CHINESE = """(scope) => {
    // the first shown element under scope whose own text (not its children's) has >= 5 hanzi
    const hanzi = t => (t.match(/[\\u4e00-\\u9fff]/g) || []).length;
    document.querySelectorAll('[data-cjk-check]').forEach(e => e.removeAttribute('data-cjk-check'));
    for (const e of document.querySelectorAll(scope + ' *')) {
        if (!e.getClientRects().length) continue;  // not displayed (speaker notes)
        const own = [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('');
        if (hanzi(own) >= 5) { e.setAttribute('data-cjk-check', ''); return hanzi(own); }
    }
    return 0;
}"""


def assert_chinese_glyphs(page, scope: str) -> None:
    """The first element under ``scope`` with Chinese text of its own has every Chinese
    character drawn with a CJK font (CJK glyphs counted by Chromium >= its hanzi)."""
    hanzi = page.evaluate(MARK_CHINESE, scope)
    assert hanzi >= 5, f"no Chinese text under {scope}"
    fonts = rendering_fonts(page, "[data-cjk-check]")
    cjk = sum(n for family, n in fonts.items() if "CJK" in family or "Han Sans" in family)
    assert cjk >= hanzi, (f"{hanzi} Chinese characters but only {cjk} glyphs from a CJK font "
                          f"(fonts used: {fonts}); install fonts-noto-cjk")


def explorer_notebook(name: str) -> str:
    """``name``, a notebook of EXPLORERS, if it exists with stored widget state; else skip."""
    path = NOTEBOOKS / name
    if not path.exists() or "widgets" not in nbformat.read(path, as_version=4).metadata:
        pytest.skip(f"{name} has no explorer with stored widget state (run make execute)")
    return name


def tracked_state() -> tuple[str, dict[str, str]]:
    """``git status`` of ``notebooks/`` and the SHA-256 of every file in it."""
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--",
                             "notebooks"], cwd=ROOT, capture_output=True, text=True).stdout
    hashes = {str(p.relative_to(NOTEBOOKS)): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in sorted(NOTEBOOKS.rglob("*")) if p.is_file()}
    return status, hashes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """``make lab`` (``python -m tools.lab``) on a fresh ``my_notebooks/`` in a temporary
    folder, on a free loopback port: yields (URL, token, my_notebooks, tracked state before);
    stops the server (this process only) afterwards."""
    require_chromium()
    home = tmp_path_factory.mktemp("jupyter_home")
    mine = tmp_path_factory.mktemp("learner") / "my_notebooks"
    before = tracked_state()
    port, token = free_port(), secrets.token_hex(16)
    # As a learner's shell: no progress switch (conftest turns bars off for pytest itself).
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_LIB_PROGRESS", "TQDM_DISABLE")}
    env.update(JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"))
    log = (home / "lab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "tools.lab", "--dest", str(mine), "--no-browser", f"--port={port}",
         # IdentityProvider.token: ServerApp.token's non-deprecated name in jupyter_server 2
         f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1",
         f"--LabApp.workspaces_dir={home / 'workspaces'}",
         # no update check or PyPI extension search: the test runs offline
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + LAB_START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"JupyterLab did not start:\n{(home / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
    yield base, token, mine, before
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    log.close()


def block_network(page, allowed: tuple[str, ...]) -> list[str]:
    """Abort every request whose URL does not start with one of ``allowed``; return the list
    that collects the URLs of the aborted requests."""
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(allowed):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return blocked


# JupyterLab's status bar reads "Python 3 (ipykernel) | Idle" once the kernel is idle.
KERNEL_IDLE_JS = "document.querySelector('#jp-main-statusbar').textContent.includes('| Idle')"
# Errors and stderr both render with this MIME type in JupyterLab.
STDERR_SELECTOR = ".jp-Notebook .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
STDERR_JS = json.dumps(STDERR_SELECTOR)


def menu(page, top: str, item: str) -> None:
    """Click ``item`` in JupyterLab's ``top`` menu."""
    page.locator("#jp-menu-panel").get_by_role("menuitem", name=top, exact=True).click()
    page.locator(".lm-Menu").get_by_role("menuitem", name=item, exact=True).click()


def find_slider(page, labels: tuple[str, ...]):
    """The slider to move: the first whose description is one of ``labels`` (fails if none)."""
    sliders = page.locator(".jp-OutputArea .widget-slider")
    for label in labels:
        match = sliders.filter(has=page.locator(".widget-label", has_text=label))
        if match.count():
            return match.first
    raise AssertionError(f"no slider labelled {labels} among {sliders.count()} sliders")


def figure_src(page) -> str | None:
    img = page.locator(".jp-OutputArea .widget-output img")
    return img.first.get_attribute("src") if img.count() else None


def open_in_lab(browser, lab, path: str):
    """Open ``path`` (relative to my_notebooks/) in JupyterLab; wait for an idle kernel.
    Returns (page, blocked URLs)."""
    base, token, _, _ = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # Only watched, not intercepted: playwright's interception loses the body of the large
    # PUT that saves a notebook. (The offline pages below are intercepted and blocked.)
    blocked: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:"))
            else blocked.append(r.url))
    page.goto(f"{base}/lab/tree/{path}?reset&token={token}")  # reset: restore no old tabs
    page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=30_000)
    # A fresh server may ask which kernel to start; otherwise wait for it to be idle.
    page.wait_for_function(f"() => document.querySelector('.jp-Dialog') || {KERNEL_IDLE_JS}",
                           timeout=30_000)
    if page.locator(".jp-Dialog").count():
        page.locator(".jp-Dialog").get_by_role("button", name="Select").click()
        page.wait_for_function(f"() => {KERNEL_IDLE_JS}", timeout=30_000)
    return page, blocked


def type_into_first_code_cell(page, text: str) -> None:
    """Type ``text`` at the end of the first code cell; wait until the editor shows it."""
    editor = page.locator(".jp-Notebook .jp-CodeCell .cm-content").first
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)
    page.wait_for_function("(t) => document.querySelector('.jp-Notebook .jp-CodeCell "
                           ".cm-content').textContent.includes(t)", arg=text.strip(),
                           timeout=10_000)


def test_saving_from_lab_never_changes_a_tracked_file(browser, lab):
    """Save the learner's copy and try to save an original: the copy changes on disk, the
    original is refused (read-only in the UI and on the server), ``notebooks/`` is unchanged."""
    base, token, mine, before = lab
    name = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))[0]

    page, blocked = open_in_lab(browser, lab, f"course_originals/{name}")
    config = json.loads(page.locator("#jupyter-config-data").text_content())
    assert "@jupyterlab/apputils-extension:announcements" in config["disabledExtensions"], (
        "the news pop-up must be off in make lab")
    page.locator(".jp-Toolbar-item", has_text="read-only").first.wait_for(timeout=10_000)
    save = page.locator(".jp-NotebookPanel-toolbar [data-command='docmanager:save']")
    assert save.get_attribute("aria-disabled") == "true", "an original's Save must be disabled"
    assert "read-only" in save.get_attribute("title")
    type_into_first_code_cell(page, "\n# a learner's edit")
    page.keyboard.press("Control+s")
    page.locator(".Toastify__toast", has_text="is read-only").first.wait_for(timeout=10_000)
    assert not page.locator(".Toastify__toast", has_text="news").count()
    page.close()

    # The server refuses too, whatever the client does.
    url = f"{base}/api/contents/course_originals/{name}?token={token}"
    request = urllib.request.Request(url, data=json.dumps({"type": "file", "format": "text",
                                                           "content": "x"}).encode(),
                                     method="PUT", headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 403

    copy_before = (mine / name).read_bytes()
    page, blocked_copy = open_in_lab(browser, lab, name)
    type_into_first_code_cell(page, "\n# a learner's edit")
    save = page.locator(".jp-NotebookPanel-toolbar [data-command='docmanager:save']")
    page.wait_for_function("(b) => b.getAttribute('aria-disabled') === 'false'",
                           arg=save.element_handle(), timeout=20_000)
    save.click()
    deadline = time.monotonic() + 30
    while (mine / name).read_bytes() == copy_before and time.monotonic() < deadline:
        time.sleep(0.2)
    page.close()
    assert (mine / name).read_bytes() != copy_before, "the learner's copy was not saved"
    assert "a learner's edit" in (mine / name).read_text(encoding="utf-8")
    assert tracked_state() == before, "saving from JupyterLab changed notebooks/"
    assert not blocked and not blocked_copy, f"JupyterLab reached the network: {blocked[:5]}"


def run_all(page, notebook_path: Path) -> None:
    """Clear outputs, Run All Cells, wait until every cell ran (or one failed) and the kernel
    is idle; fail with the error if a cell not tagged raises-exception wrote to stderr."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("() => ![...document.querySelectorAll("
                           "'.jp-Notebook .jp-CodeCell .jp-InputPrompt')]"
                           ".some(p => /\\[\\d+\\]/.test(p.textContent))", timeout=10_000)
    # Cells tagged raises-exception show their error and Run All goes on (JupyterLab honours
    # the tag); any other error or stderr output stops the run: then fail at once, with it.
    expected = sum("raises-exception" in c.metadata.get("tags", [])
                   for c in nbformat.read(notebook_path, as_version=4).cells)
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        f"""(expected) => {{
            const prompts = [...document.querySelectorAll(
                '.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
            const done = prompts.length > 0
                && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
            const stderr = document.querySelectorAll({STDERR_JS}).length;
            return (done || stderr > expected) && {KERNEL_IDLE_JS};
        }}""", arg=expected, timeout=RUN_ALL_TIMEOUT * 1000)
    stderr = page.locator(STDERR_SELECTOR)
    assert stderr.count() == expected, (
        f"a cell raised or wrote to stderr: {stderr.last.inner_text()[:800]}")


@pytest.mark.parametrize("name", list(EXPLORERS), ids=lambda n: n[:2])
def test_widget_in_jupyterlab(browser, lab, name):
    """Run All Cells in the learner's copy of 03 (the error-surface explorer) and of 04 (the
    clipping explorer, its threshold slider): the explorer renders and moving its slider
    redraws it."""
    name = explorer_notebook(name)
    page, blocked = open_in_lab(browser, lab, name)
    run_all(page, NOTEBOOKS / name)
    slider = find_slider(page, EXPLORERS[name])
    slider.scroll_into_view_if_needed()
    assert slider.is_visible(), "the widget's slider did not render in JupyterLab"
    page.wait_for_function("() => document.querySelector('.jp-OutputArea .widget-output img')",
                           timeout=20_000)
    before = figure_src(page)
    slider.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")  # one step; commits the value (continuous_update=False)
    page.wait_for_function(
        """(before) => {
            const img = document.querySelector('.jp-OutputArea .widget-output img');
            return img && img.getAttribute('src') !== before;
        }""", arg=before, timeout=20_000)
    assert figure_src(page) != before
    screenshot(page, f"explorer_{name[:2]}.png")
    assert not blocked, f"JupyterLab tried to reach the network: {blocked[:5]}"
    page.close()


def test_progress_bar_shows_in_jupyterlab(browser, lab):
    """Running notebook 04 in JupyterLab shows tqdm's progress bar while a model trains."""
    path = next(NOTEBOOKS.glob(f"{PROGRESS_NOTEBOOK}*.ipynb"), None)
    if path is None:
        pytest.skip(f"no notebook {PROGRESS_NOTEBOOK}")
    page, _ = open_in_lab(browser, lab, path.name)
    menu(page, "Run", "Run All Cells")
    bar = page.locator(".jp-OutputArea .widget-hprogress, .jp-OutputArea progress")
    bar.first.wait_for(state="attached", timeout=RUN_ALL_TIMEOUT * 1000)
    # Stop the run: the kernel outlives the page, and a later test opens this notebook again
    # (its explorer's placeholder) and waits for an idle kernel.
    page.locator(".jp-NotebookPanel-toolbar [data-command='notebook:interrupt-kernel']").click()
    page.wait_for_function(f"() => {KERNEL_IDLE_JS}", timeout=30_000)
    page.close()


def test_chinese_notebook_in_jupyterlab(browser, lab):
    """The learner's copy of a Chinese notebook (``my_notebooks/zh/``) opens with a kernel;
    its prose is Chinese, drawn with a CJK font; its code cells and outputs are the English
    notebook's."""
    require_chinese_edition()
    _, _, mine, _ = lab
    assert (mine / "zh" / ZH_NOTEBOOK).read_bytes() == (ZH / ZH_NOTEBOOK).read_bytes()
    page, blocked = open_in_lab(browser, lab, f"zh/{ZH_NOTEBOOK}")
    prose = ".jp-Notebook .jp-MarkdownCell .jp-RenderedMarkdown"
    page.locator(prose).first.wait_for(timeout=20_000)
    first = page.locator(prose).first.inner_text()
    assert "English version" in first and CJK.search(first), first[:200]
    assert_chinese_glyphs(page, prose)
    english = nbformat.read(NOTEBOOKS / ZH_NOTEBOOK, as_version=4)
    code = page.locator(".jp-Notebook .jp-CodeCell .cm-content").first.inner_text()
    first_code = next(c.source for c in english.cells if c.cell_type == "code")
    assert code.strip().splitlines()[0] == first_code.strip().splitlines()[0]
    screenshot(page, "zh_lab.png")
    assert not blocked, f"JupyterLab tried to reach the network: {blocked[:5]}"
    page.close()




def test_unrun_explorer_shows_a_readable_placeholder(browser, lab):
    """Opened before Run All, an explorer's output is a short sentence, not the widget's
    repr (``VBox(children=(…``). Checked on every notebook whose stored explorer output
    already carries the placeholder (notebooks get it when ``make execute`` re-runs them)."""
    marker = "explorer: it appears when this cell runs"
    names = [p.name for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
             if marker in p.read_text(encoding="utf-8")]
    if not names:
        pytest.skip("no stored notebook has an explorer placeholder yet (run make execute)")
    for name in names:
        page, _ = open_in_lab(browser, lab, name)
        placeholder = page.locator(".jp-OutputArea-output", has_text=marker).first
        placeholder.wait_for(timeout=20_000)
        assert len(placeholder.inner_text()) < 120
        texts = page.locator(".jp-OutputArea-output").all_inner_texts()
        assert not any("children=(" in t for t in texts), f"{name} shows a widget repr"
        page.close()


# ---- the offline builds ----------------------------------------------------------------------
SITE_NOTEBOOKS = ("03", "04", "06")  # pre-rendered explorers (03, 04) and a snapshot (06)


@pytest.fixture(scope="module")
def offline_builds(tmp_path_factory):
    """Start ``make slides`` (every deck, English and Chinese) and ``make site`` (notebooks 03,
    04 and 06, English) into temporary folders in the background, so they build while the
    JupyterLab tests run."""
    require_chromium()
    out = tmp_path_factory.mktemp("built")
    commands = {"slides": ["tools.build_slides"],  # both languages: the Chinese decks in zh/
                "site": ["tools.build_site", *SITE_NOTEBOOKS, "--lang", "en"]}
    builds = {}
    for kind, (module, *args) in commands.items():
        builds[kind] = (subprocess.Popen(
            [sys.executable, "-m", module, *args, "--out", str(out / kind)], cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True), out / kind)
    yield builds
    for process, _ in builds.values():
        if process.poll() is None:
            process.kill()
            process.wait()


def built(offline_builds, kind: str) -> Path:
    """Wait for a background build; return its output folder."""
    process, target = offline_builds[kind]
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, f"building the {kind} failed:\n{output}"
    return target


def open_offline(browser, url: str, viewport=None):
    """Open ``url`` (file://) with every other request aborted; return (page, blocked URLs)."""
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 800})
    blocked = block_network(page, ("file://", "data:"))
    page.goto(url)
    return page, blocked


MATHJAX_DONE = ("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
                " && !MathJax.Hub.queue.running")
STAGE_W, STAGE_H = 1280, 720
# Every slide (sub-slides included) shown with all its fragments: its size, and every block
# inside it whose content is wider than its box (code cut at the right edge).
MEASURE_SLIDES = """() => Reveal.getSlides().map(slide => {
    const at = Reveal.getIndices(slide);
    Reveal.slide(at.h, at.v, 1e6);
    slide.querySelectorAll('.fragment').forEach(f => f.classList.add('visible'));
    const cut = [...slide.querySelectorAll('pre, .jp-OutputArea-output, .jp-RenderedHTMLCommon')]
        .filter(e => e.scrollWidth > e.clientWidth + 2 && getComputedStyle(e).overflowX !== 'visible')
        .map(e => e.className + ' ' + e.scrollWidth + ' > ' + e.clientWidth);
    const scrolls = [...slide.querySelectorAll('*')].filter(e => {
        const s = getComputedStyle(e);
        return /(auto|scroll)/.test(s.overflowY) && e.scrollHeight > e.clientHeight + 2;
    }).length;
    return {h: at.h, v: at.v, height: slide.scrollHeight, width: slide.scrollWidth, cut,
            scrolls, notes: !!slide.querySelector('aside.notes'),
            title: (slide.querySelector('h1, h2, h3, .course-continued, p') || slide)
                   .textContent.trim().slice(0, 60)};
})"""


def open_deck(browser, deck: Path):
    """Open a deck offline at 1280×720, ready (MathJax done, images loaded)."""
    page, blocked = open_offline(browser, deck.as_uri(), {"width": STAGE_W, "height": STAGE_H})
    page.locator(".reveal.ready").wait_for(state="attached", timeout=30_000)
    page.wait_for_function(MATHJAX_DONE, timeout=60_000)
    page.wait_for_function("() => [...document.images].every(i => i.complete)",
                           timeout=30_000)
    return page, blocked


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_slide_of_every_deck_fits_the_stage(browser, offline_builds, lang):
    """Open every deck offline at 1280×720, show every slide with all its fragments and
    measure it: none taller or wider than the stage, no block cut at the right edge or
    scrolling inside, no solution code anywhere, and speaker notes on the slides. The same
    for the Chinese decks (``<slides>/zh/``)."""
    source = NOTEBOOKS if lang == "en" else ZH
    if lang != "en":
        require_chinese_edition()
    out = built(offline_builds, "slides")
    out = out if lang == "en" else out / lang
    decks = sorted(out.glob("[0-9][0-9]_*.slides.html"))
    assert len(decks) == len(list(source.glob("[0-9][0-9]_*.ipynb")))
    problems, total, with_notes = [], 0, 0
    for deck in decks:
        text = deck.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text, deck.name
        page, blocked = open_deck(browser, deck)
        assert page.evaluate("() => Reveal.getConfig().width") == STAGE_W
        assert page.evaluate("() => Reveal.getConfig().height") == STAGE_H
        for s in page.evaluate(MEASURE_SLIDES):
            total += 1
            with_notes += s["notes"]
            if s["height"] > STAGE_H or s["width"] > STAGE_W or s["cut"] or s["scrolls"]:
                problems.append(f"{deck.name} slide {s['h']}.{s['v']} ({s['title']!r}): "
                                f"{s['width']}×{s['height']} px, cut {s['cut'][:2]}, "
                                f"{s['scrolls']} scrolling block(s)")
        assert not blocked, f"{deck.name} tried to reach the network: {blocked[:5]}"
        page.close()
    assert total >= 10 * len(decks), f"only {total} slides in {len(decks)} decks"
    assert not problems, f"{len(problems)} of {total} slides do not fit 1280×720:\n" + \
        "\n".join(problems[:20])
    assert with_notes >= total // 3, f"speaker notes on only {with_notes} of {total} slides"
    index, blocked = open_offline(browser, (out / "index.html").as_uri())
    assert index.locator(".card").count() == len(decks)
    assert index.locator(".card").first.evaluate("e => getComputedStyle(e).borderRadius") != "0px"
    assert not blocked
    index.close()


def test_chinese_deck_shows_chinese_glyphs_offline(browser, offline_builds):
    """A Chinese deck, opened from disk with the network blocked, draws its Chinese with a CJK
    font, links to its English twin, and its index links to the English index."""
    require_chinese_edition()
    out = built(offline_builds, "slides") / "zh"
    deck = next(out.glob(f"{ZH_DECK}*.slides.html"))
    page, blocked = open_deck(browser, deck)
    assert page.evaluate("() => document.documentElement.lang") == "zh"
    assert_chinese_glyphs(page, ".reveal .slides section.present")
    twin = page.locator("a.course-twin")
    assert twin.get_attribute("href") == f"../{deck.name}" and twin.inner_text() == "English"
    # a slide with prose further on: a heading and Chinese text on the stage
    page.evaluate("() => Reveal.slide(1, 0)")
    page.wait_for_function("() => Reveal.getIndices().h === 1")
    assert_chinese_glyphs(page, ".reveal .slides section.present")
    screenshot(page, "zh_slides.png")
    assert not blocked, f"{deck.name} tried to reach the network: {blocked[:5]}"
    page.goto((out / "index.html").as_uri())
    assert page.locator(".card").count() == len(list(ZH.glob("[0-9][0-9]_*.ipynb")))
    assert page.locator("p.langs a.course-twin").get_attribute("href") == "../index.html"
    assert not blocked
    page.close()


# The pre-rendered explorers moved on the site: notebook prefix -> the control to move.
SITE_STEPPERS = {"03_": "learning rate", "04_": "threshold τ"}


def test_site_explorer_steps_without_a_kernel(browser, offline_builds):
    """On the static site, moving a control of the explorers of notebooks 03 (the learning
    rate) and 04 (the clipping threshold) changes its figure to another pre-rendered one;
    notebook 06's explorer says it is a snapshot and shows no control that moves nothing."""
    out = built(offline_builds, "site")
    page, blocked = open_offline(browser, (out / "index.html").as_uri())
    for prefix, label in SITE_STEPPERS.items():
        page.goto((out / "index.html").as_uri())
        page.locator(f"a[href^='{prefix}']").first.click()
        page.locator(".jp-Notebook").wait_for(timeout=20_000)
        explorer = page.locator(".course-explorer[data-states]").first
        explorer.scroll_into_view_if_needed()
        assert "Pre-rendered explorer" in explorer.inner_text(), prefix
        figure = explorer.locator("img.ce-figure")
        before = figure.get_attribute("src")
        control = explorer.locator(f"input[type=range][aria-label='{label}']")
        assert control.count() == 1, f"{prefix}: no control {label!r}"
        control.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("(b) => document.querySelector('.course-explorer img.ce-figure')"
                               ".getAttribute('src') !== b", arg=before, timeout=10_000)
        page.wait_for_function("() => { const i = document.querySelector("
                               "'.course-explorer img.ce-figure'); "
                               "return i.complete && i.naturalWidth > 0; }", timeout=10_000)
        assert figure.get_attribute("src") != before, prefix
        assert explorer.locator("output").first.inner_text() != "", "the value is shown"
        assert page.locator(".widget-slider").count() == 0, "no widget slider that moves nothing"

    page.goto((out / next(out.glob("06_*.html")).name).as_uri())
    page.locator(".jp-Notebook").wait_for(timeout=20_000)
    snapshot = page.locator(".course-explorer-snapshot")
    assert snapshot.count() >= 1 and "Snapshot." in snapshot.first.inner_text()
    assert snapshot.first.locator("img.ce-figure").evaluate("i => i.naturalWidth") > 0
    assert page.locator(".widget-slider").count() == 0
    assert not blocked, f"the site tried to reach the network: {blocked[:5]}"
    page.close()


def test_twin_link_opens_the_other_deck_at_the_same_cell(browser, offline_builds):
    """Lecturing from a slide of a deck, its "中文"/"English" link opens the other edition at
    the slide showing the same notebook cell, not at slide 1 (both ways; also from a slide
    that starts with a heading the plan added, "… (continued)")."""
    require_chinese_edition()
    out = built(offline_builds, "slides")
    deck = next(out.glob(f"{ZH_DECK}*.slides.html"))
    source = ("() => { for (const c of Reveal.getCurrentSlide().querySelectorAll("
              "'[id^=\"cell-id=\"]')) { const m = /^cell-id=(.+)-[0-9]+$/.exec(c.id); "
              "if (m) return m[1]; } return null; }")
    page, blocked = open_deck(browser, deck)
    lang = "en"
    for h, v in ((1, 1), (5, 0), (1, 1), (0, 1)):
        page.evaluate(f"() => Reveal.slide({h}, {v})")
        page.wait_for_function(f"() => Reveal.getIndices().h === {h}")
        cell = page.evaluate(source)
        assert cell, f"slide {h}.{v} shows a piece of a notebook cell"
        page.locator("a.course-twin").click()
        lang = "zh" if lang == "en" else "en"
        page.wait_for_function("(l) => document.documentElement.lang === l", arg=lang,
                               timeout=30_000)
        page.locator(".reveal.ready").wait_for(state="attached", timeout=30_000)
        page.wait_for_function(f"(want) => ({source})() === want", arg=cell, timeout=30_000)
    assert not blocked, f"tried to reach the network: {blocked[:5]}"
    page.close()
