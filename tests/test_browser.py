"""Real-browser test: JupyterLab runs a notebook and its widget works; slides and site work offline.

Drives Debian's Chromium (``/usr/bin/chromium``, ``apt-get install -y chromium``) through the
``playwright`` Python package; no browser is ever downloaded. Outside CI (``CI`` unset) the
test is skipped when Chromium is missing; in CI a missing Chromium is a failure.

The notebook is ``03_error_surface.ipynb`` (its explorer: a VBox of sliders such as "learning
rate" and "T" plus an Output with a figure); until it exists, the first course notebook with
stored widget state, and failing that a small notebook generated here (an IntSlider and an
Output showing a matplotlib figure).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
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
PREFERRED = "03_error_surface.ipynb"
SLIDER_LABELS = ("learning rate", "T")  # the slider to move, in order of preference
LAB_START_TIMEOUT = 40
RUN_ALL_TIMEOUT = 120  # notebook 03 runs in ~35 s alone; CI runs nbval beside it

GENERATED_SOURCE = '''\
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

slider = widgets.IntSlider(value=2, min=1, max=5, description="power", continuous_update=False)
out = widgets.Output()


def draw(change=None):
    with out:
        out.clear_output(wait=True)
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot(np.linspace(0, 1, 20) ** slider.value)
        plt.show()


slider.observe(draw, names="value")
draw()
widgets.VBox([slider, out])
'''


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


def has_widget_state(path: Path) -> bool:
    return "widgets" in nbformat.read(path, as_version=4).metadata


def widget_notebook(folder: Path) -> Path:
    """Copy the notebook under test (with glossary and images) into ``folder``; return it."""
    shutil.copytree(NOTEBOOKS, folder, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    candidates = [folder / PREFERRED] + sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    for path in candidates:
        if path.exists() and has_widget_state(path):
            return path
    from nbclient import NotebookClient  # a stand-in until a course notebook has a widget

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Widget stand-in\n\n$x^2$"),
                nbformat.v4.new_code_cell(GENERATED_SOURCE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    NotebookClient(nb, timeout=60, kernel_name="python3", store_widget_state=True).execute()
    path = folder / "99_widget_standin.ipynb"
    nbformat.write(nb, path)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> tuple[Path, Path]:
    """(folder with a private copy of the notebooks, the notebook under test)."""
    require_chromium()
    folder = tmp_path_factory.mktemp("browser_notebooks")
    return folder, widget_notebook(folder)


@pytest.fixture(scope="module")
def offline_builds(workdir, tmp_path_factory) -> dict[str, tuple[subprocess.Popen, Path]]:
    """Start building the slides and the site of the notebook under test (alone in a folder
    with the glossary and images, so it is fast) in the background, while JupyterLab runs."""
    folder, notebook = workdir
    only = tmp_path_factory.mktemp("single")
    shutil.copy2(notebook, only / notebook.name)
    if (folder / "glossary.md").exists():
        shutil.copy2(folder / "glossary.md", only / "glossary.md")
    if (folder / "images").is_dir():
        shutil.copytree(folder / "images", only / "images")
    out = tmp_path_factory.mktemp("built")
    builds = {}
    for tool in ("build_slides.py", "build_site.py"):
        target = out / tool.removesuffix(".py")
        builds[tool] = (subprocess.Popen(
            [sys.executable, str(ROOT / "tools" / tool), "--src", str(only), "--out", str(target)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True), target)
    yield builds
    for process, _ in builds.values():
        if process.poll() is None:
            process.kill()
            process.wait()


def built(offline_builds, tool: str) -> Path:
    """Wait for a background build; return its output folder."""
    process, target = offline_builds[tool]
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, f"{tool} failed:\n{output}"
    return target


@pytest.fixture(scope="module")
def browser(workdir):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def lab(workdir, tmp_path_factory):
    """A JupyterLab server on a free loopback port serving the notebook copy: yields its URL
    with the token; stops the server (this process only) afterwards."""
    folder, _ = workdir
    home = tmp_path_factory.mktemp("jupyter_home")
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, COURSE_LIB_PROGRESS="0", JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"))
    log = (home / "lab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
         # IdentityProvider.token: ServerApp.token's non-deprecated name in jupyter_server 2
         f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.root_dir={folder}", f"--LabApp.workspaces_dir={home / 'workspaces'}",
         # no news feed, update check or PyPI extension search: the test runs offline
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
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
    yield base, token
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


def find_slider(page):
    """The slider to move: the first whose description is one of SLIDER_LABELS, else the first."""
    sliders = page.locator(".jp-OutputArea .widget-slider")
    for label in SLIDER_LABELS:
        match = sliders.filter(has=page.locator(".widget-label", has_text=label))
        if match.count():
            return match.first
    return sliders.first


def figure_src(page) -> str | None:
    img = page.locator(".jp-OutputArea .widget-output img")
    return img.first.get_attribute("src") if img.count() else None


def test_widget_in_jupyterlab(offline_builds, browser, lab, workdir):
    """Run All Cells in JupyterLab: the explorer renders and moving its slider redraws it."""
    base, token = lab
    _, notebook = workdir
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    blocked = block_network(page, (base,))
    page.goto(f"{base}/lab/tree/{notebook.name}?token={token}")
    page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=30_000)
    # A fresh server may ask which kernel to start; otherwise wait for it to be idle.
    page.wait_for_function(f"() => document.querySelector('.jp-Dialog') || {KERNEL_IDLE_JS}",
                           timeout=30_000)
    if page.locator(".jp-Dialog").count():
        page.locator(".jp-Dialog").get_by_role("button", name="Select").click()
        page.wait_for_function(f"() => {KERNEL_IDLE_JS}", timeout=30_000)

    # Clear the stored outputs first so that "[n]:" prompts prove this run executed the cells.
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("() => ![...document.querySelectorAll("
                           "'.jp-Notebook .jp-CodeCell .jp-InputPrompt')]"
                           ".some(p => /\\[\\d+\\]/.test(p.textContent))", timeout=10_000)
    # Cells tagged raises-exception show their error and Run All goes on (JupyterLab honours
    # the tag); any other error or stderr output stops the run: then fail at once, with it.
    expected = sum("raises-exception" in c.metadata.get("tags", [])
                   for c in nbformat.read(notebook, as_version=4).cells)
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

    slider = find_slider(page)
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
    assert not blocked, f"JupyterLab tried to reach the network: {blocked[:5]}"
    page.close()


def open_offline(browser, url: str):
    """Open ``url`` (file://) with every other request aborted; return (page, blocked URLs)."""
    page = browser.new_page()
    blocked = block_network(page, ("file://",))
    page.goto(url)
    return page, blocked


def test_slides_offline(browser, offline_builds, workdir):
    """The reveal.js slides render, with the widget, with the network blocked."""
    out, notebook = built(offline_builds, "build_slides.py"), workdir[1]
    page, blocked = open_offline(browser, (out / f"{notebook.stem}.slides.html").as_uri())
    page.locator(".reveal.ready").wait_for(state="attached", timeout=20_000)
    assert page.locator(".reveal .slides section").count() > 0
    page.locator(".jupyter-widgets .widget-slider").first.wait_for(state="attached",
                                                                  timeout=20_000)
    assert not blocked, f"the slides tried to reach the network: {blocked[:5]}"
    page.close()


def test_site_offline(browser, offline_builds, workdir):
    """The site's index and notebook page render, with the widget, with the network blocked."""
    out, notebook = built(offline_builds, "build_site.py"), workdir[1]
    page, blocked = open_offline(browser, (out / "index.html").as_uri())
    page.locator(f"a[href='{notebook.stem}.html']").click()
    page.locator(".jp-Notebook").wait_for(timeout=20_000)
    page.locator(".jupyter-widgets .widget-slider").first.wait_for(timeout=20_000)
    assert page.locator(".jupyter-widgets .widget-slider").first.is_visible()
    assert page.locator(".widget-output img").count() > 0, "the stored figure is missing"
    assert not blocked, f"the site tried to reach the network: {blocked[:5]}"
    page.close()
