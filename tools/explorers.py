"""Explorers on pages without a kernel: the static site and the slides.

A notebook's explorer (``course_lib.widgets``) is an ipywidgets box whose Python callback
redraws a figure; on a static page the stored widget state would show a slider that moves
while the figure stays put. So the builds replace every explorer output before converting:

* an explorer whose module declares ``SNAPSHOT_CONTROLS`` and ``snapshot_figure`` (the
  error surface, clipping on it, the gradient norms) becomes a **stepper**: for the setting
  stored in the notebook and for each control moved alone through a handful of values, the
  figure is drawn now, at build time, into ``<out>/explorers/``; the page shows one range
  input per control and swaps the image as they move (plain HTML and a few lines of
  JavaScript, no kernel, no widget library). Moving one control puts the others back to the
  stored setting, and the page says so;
* any other explorer (its states need the notebook's own training runs or trained model)
  becomes its stored figure under a notice that plainly says it is a snapshot, with the
  stored value of each control.

The explorer is recognised by its controls' descriptions in the stored widget state (e.g.
"learning rate", "T", "start w", "start b"), which are the keys of ``SNAPSHOT_CONTROLS``.
"""

from __future__ import annotations

import base64
import copy
import html
import importlib
import inspect
import json
import math
from pathlib import Path

import nbformat

from tools.slide_plan import png_size

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
SNAPSHOT_MODULES = ("course_lib.widgets.surface", "course_lib.widgets.clipping",
                    "course_lib.widgets.vanishing")
FIGURE_MAX_H = 360  # px, so that an explorer fits a slide with its controls
CONTROL_ROW_H, NOTE_H, PAD_H = 40, 64, 24
SNAPSHOT_NOTE = ("This explorer needs the notebook's own results (a trained model "
                 "or training runs), so a page without a running kernel shows it at its stored "
                 "setting. Run the notebook in JupyterLab (<code>make lab</code>) to move it.")
STEPPER_NOTE = ("This page has no kernel, so each control steps through a few "
                "values computed when the page was built, one control at a time (moving one "
                "puts the others back to the setting shown first). Run the notebook in "
                "JupyterLab (<code>make lab</code>) for every value and every combination.")

# The notes in the Chinese edition (a notebook whose metadata says course.language "zh").
NOTES = {
    "en": {"stepper": f"<strong>Pre-rendered explorer.</strong> {STEPPER_NOTE}",
           "snapshot": f"<strong>Snapshot.</strong> {SNAPSHOT_NOTE} Stored setting: {{setting}}."},
    "zh": {"stepper": "<strong>预先渲染的探索器。</strong>本页面没有内核，所以每个控件只在构建页面时"
                      "算好的几个取值之间切换，一次只动一个控件（动一个控件会把其他控件恢复到最初"
                      "显示的设置）。要试遍所有取值和组合，请在 JupyterLab 中运行该笔记本"
                      "（<code>make lab</code>）。",
           "snapshot": "<strong>快照。</strong>这个探索器需要笔记本自己的结果（训练好的模型或训练"
                       "过程），所以没有内核的页面只能按保存时的设置显示它。请在 JupyterLab 中运行该"
                       "笔记本（<code>make lab</code>）来操作它。保存时的设置：{setting}。"},
}
# Figures already drawn in this process, by explorer module and setting: the Chinese pages
# step through the same figures as the English ones (the code cells are the same).
_RENDERED: dict[tuple, bytes] = {}

CSS = """
.course-explorer { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px;
  font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC",
  "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 15px; }
.course-explorer .ce-note { color: #555; margin: 0 0 6px 0; line-height: 1.35; }
.course-explorer .ce-note strong { color: #9a3412; }
.course-explorer .ce-controls { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0 0 6px 0; }
.course-explorer .ce-control { display: flex; align-items: center; gap: 8px; width: 46%%;
  min-width: 260px; height: 32px; }
.course-explorer .ce-control span.ce-label { min-width: 8em; }
.course-explorer .ce-control input { flex: 1; }
.course-explorer .ce-control output { min-width: 5em; font-family: monospace; }
div.course-explorer img.ce-figure { max-height: %dpx; max-width: 100%%; width: auto;
  height: auto; display: block; }
""" % FIGURE_MAX_H

SCRIPT = """
(function () {
  document.querySelectorAll('.course-explorer[data-states]').forEach(function (box) {
    var controls = JSON.parse(box.getAttribute('data-controls'));
    var states = JSON.parse(box.getAttribute('data-states'));
    var inputs = box.querySelectorAll('input[data-index]');
    var img = box.querySelector('img.ce-figure');
    function show(moved) {
      var idx = [];
      inputs.forEach(function (input, j) {
        if (j !== moved) { input.value = controls[j].stored; }
        idx.push(+input.value);
        input.parentNode.querySelector('output').textContent =
          controls[j].labels[+input.value];
      });
      var src = states[idx.join('|')];
      if (src) { img.src = src; img.setAttribute('data-state', idx.join('|')); }
    }
    inputs.forEach(function (input, j) {
      input.addEventListener('input', function () { show(j); });
    });
  });
})();
"""


# ---- the stored widget state ---------------------------------------------------------------
def widget_models(nb: nbformat.NotebookNode) -> dict[str, dict]:
    """``{model_id: {"model_name", "state"}}`` stored in ``nb`` (empty without widget state)."""
    return nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


def _descendants(models: dict, model_id: str) -> list[dict]:
    found, todo, seen = [], [model_id], set()
    while todo:
        mid = todo.pop(0)
        if mid in seen or mid not in models:
            continue
        seen.add(mid)
        model = models[mid]
        found.append(model)
        for child in model.get("state", {}).get("children", []):
            if isinstance(child, str) and child.startswith("IPY_MODEL_"):
                todo.append(child.removeprefix("IPY_MODEL_"))
    return found


def stored_controls(models: dict, model_id: str) -> dict[str, str]:
    """``{description: stored value as shown}`` of the controls under ``model_id``."""
    controls = {}
    for model in _descendants(models, model_id):
        state = model.get("state", {})
        if not state.get("description"):
            continue
        if "_options_labels" in state and "index" in state:
            labels = state["_options_labels"]
            index = state["index"]
            controls[state["description"]] = labels[index] if index is not None else ""
        elif "value" in state:
            controls[state["description"]] = state["value"]
    return controls


def stored_figure(models: dict, model_id: str) -> str | None:
    """The base64 PNG the explorer's Output showed when the notebook was saved."""
    for model in _descendants(models, model_id):
        for out in model.get("state", {}).get("outputs", []) or []:
            png = out.get("data", {}).get("image/png")
            if png:
                return png
    return None


# ---- the replacements ----------------------------------------------------------------------
def _match(value, choices) -> int | None:
    for k, choice in enumerate(choices):
        if isinstance(choice, str):
            if str(value) == choice:
                return k
        else:
            try:
                if math.isclose(float(value), float(choice), rel_tol=1e-9, abs_tol=1e-12):
                    return k
            except (TypeError, ValueError):
                pass
    return None


def _label(value) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def snapshot_module(controls: dict):
    """The explorer module whose ``SNAPSHOT_CONTROLS`` are exactly these controls, or None."""
    for name in SNAPSHOT_MODULES:
        module = importlib.import_module(name)
        if set(module.SNAPSHOT_CONTROLS) == set(controls):
            return module
    return None


def _figure_height(png_b64: str | None) -> float:
    if not png_b64:
        return FIGURE_MAX_H
    w, h = png_size(png_b64)
    return min(FIGURE_MAX_H, h, h * 1180 / w)


def stepper(module, stored: dict, out: Path, prefix: str, url: str, lang: str = "en"
            ) -> tuple[str, float, int]:
    """Render the states of one explorer into ``out`` (files ``<prefix>-<k>.png``); return
    (its HTML, its height in px, the number of states). A figure drawn before in this process
    for the same module and setting is reused."""
    from matplotlib import pyplot as plt

    from course_lib.widgets.common import figure_png

    controls = []
    for description, (param, values) in module.SNAPSHOT_CONTROLS.items():
        values = list(values)
        at = _match(stored[description], values)
        if at is None:  # the stored setting is always one of the states
            values.append(type(values[0])(stored[description]))
            values.sort(key=lambda v: (isinstance(v, str), v))
            at = _match(stored[description], values)
        controls.append({"description": description, "param": param, "values": values,
                         "labels": [_label(v) for v in values], "stored": at})
    base = [c["stored"] for c in controls]
    settings = [base] + [[*base[:j], k, *base[j + 1:]] for j, c in enumerate(controls)
                         for k in range(len(c["values"])) if k != c["stored"]]
    out.mkdir(parents=True, exist_ok=True)
    states, cache = {}, {}
    for n, setting in enumerate(settings):
        params = {c["param"]: c["values"][i] for c, i in zip(controls, setting, strict=True)}
        done = (module.__name__, tuple(sorted((k, repr(v)) for k, v in params.items())))
        if done not in _RENDERED:
            if "grid_cache" in inspect.signature(module.snapshot_figure).parameters:
                params["grid_cache"] = cache  # the surface for one T is computed once
            fig = module.snapshot_figure(**params)
            _RENDERED[done] = figure_png(fig)
            plt.close(fig)
        png = _RENDERED[done]
        (out / f"{prefix}-{n}.png").write_bytes(png)
        states["|".join(map(str, setting))] = f"{url}/{prefix}-{n}.png"
    rows = []
    for j, c in enumerate(controls):
        rows.append(
            f'<label class="ce-control"><span class="ce-label">{html.escape(c["description"])}'
            f'</span><input type="range" min="0" max="{len(c["values"]) - 1}" step="1" '
            f'value="{c["stored"]}" data-index="{j}" aria-label="{html.escape(c["description"])}">'
            f'<output>{html.escape(c["labels"][c["stored"]])}</output></label>')
    spec = [{"labels": c["labels"], "stored": c["stored"]} for c in controls]
    key = "|".join(map(str, base))
    page = (
        f'<div class="course-explorer" data-controls="{html.escape(json.dumps(spec))}" '
        f'data-states="{html.escape(json.dumps(states))}">'
        f'<p class="ce-note">{NOTES.get(lang, NOTES["en"])["stepper"]}</p>'
        f'<div class="ce-controls">{"".join(rows)}</div>'
        f'<img class="ce-figure" data-state="{key}" src="{states[key]}" '
        'alt="the explorer\'s figure for the setting chosen above"></div>')
    first_png = base64.b64encode((out / f"{prefix}-0.png").read_bytes()).decode("ascii")
    height = (math.ceil(len(controls) / 2) * CONTROL_ROW_H + NOTE_H + PAD_H
              + _figure_height(first_png))
    return page, height, len(settings)


def snapshot(stored: dict, png_b64: str | None, lang: str = "en") -> tuple[str, float]:
    """HTML for an explorer that cannot step without a kernel: its stored figure, its stored
    setting, and a notice that says it is a snapshot; and its height in px."""
    setting = ", ".join(f"{html.escape(k)} = {html.escape(_label(v))}" for k, v in stored.items())
    figure = (f'<img class="ce-figure" src="data:image/png;base64,{png_b64}" '
              'alt="the explorer\'s stored figure">' if png_b64 else "")
    note = NOTES.get(lang, NOTES["en"])["snapshot"].format(setting=setting)
    page = (f'<div class="course-explorer course-explorer-snapshot"><p class="ce-note">'
            f"{note}</p>{figure}</div>")
    return page, NOTE_H + PAD_H + 20 + _figure_height(png_b64)


def static_explorers(nb: nbformat.NotebookNode, name: str, out: Path,
                     folder: str = "explorers") -> tuple[nbformat.NotebookNode, dict]:
    """A copy of ``nb`` whose explorer outputs are steppers or snapshots (see the module
    docstring); images go to ``out/<folder>/``. Returns the copy and counts
    ``{"steppers", "snapshots", "states"}``."""
    models = widget_models(nb)
    lang = nb.metadata.get("course", {}).get("language", "en")
    nb = copy.deepcopy(nb)
    counts = {"steppers": 0, "snapshots": 0, "states": 0}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for k, output in enumerate(cell.get("outputs", [])):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if not view or view.get("model_id") not in models:
                continue
            controls = stored_controls(models, view["model_id"])
            if not controls:
                continue  # not an explorer (no labelled controls)
            module = snapshot_module(controls)
            if module is not None:
                body, height, n = stepper(module, controls, out / folder,
                                          f"{name}-cell{index}-{k}", folder, lang)
                counts["steppers"] += 1
                counts["states"] += n
            else:
                body, height = snapshot(controls, stored_figure(models, view["model_id"]),
                                        lang)
                counts["snapshots"] += 1
            cell.outputs[k] = nbformat.from_dict({
                "output_type": "display_data",
                "data": {"text/html": body,
                         "text/plain": output["data"].get("text/plain", "an explorer")},
                "metadata": {"course": {"height": round(height)}},
            })
    return nb, counts


def page_assets() -> str:
    """The CSS and script every page with an explorer needs (insert before ``</body>``)."""
    return f"<style>{CSS}</style>\n<script>{SCRIPT}</script>\n"
