"""Open the course in JupyterLab on the learner's own copy, with the originals read-only.

    python -m tools.lab [--dest my_notebooks] [JUPYTER LAB OPTIONS ...]      (make lab)

1. Brings ``my_notebooks/`` up to date the way ``make mycopy`` does (:mod:`tools.personal_copy`:
   new files copied, nothing the learner has is ever overwritten), the Chinese edition
   included (``my_notebooks/zh/``).
2. Links the course's own notebooks into it as ``my_notebooks/course_originals/`` (a
   symbolic link to ``notebooks/``, so ``course_originals/zh/`` holds the Chinese originals),
   one click away in the file browser.
3. Starts JupyterLab with ``my_notebooks/`` as its root and :class:`CourseContentsManager`
   as its contents manager: everything under ``course_originals/`` is served read-only (the
   server refuses to save, rename, delete or checkpoint there, and tells JupyterLab the files
   are not writable, so it shows them read-only and offers "Save as…" into the learner's
   folder). Nothing done in the browser can change a tracked file, and ``git pull`` never
   conflicts with the learner's work.
4. JupyterLab's news pop-up is off: the announcements plugin is disabled in
   ``tools/jupyter_config/labconfig/page_config.json`` (found through ``JUPYTER_CONFIG_PATH``).

Progress bars stay on here (``course_lib.progress``): learners see them while models train.
Options after ``--dest`` go to JupyterLab, e.g. ``--port 8890 --no-browser``; as root
``--allow-root`` is added.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import zmq
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado.web import HTTPError
from traitlets import Unicode

from tools.notebooks import NOTEBOOKS, ROOT
from tools.personal_copy import personal_copy

ORIGINALS = "course_originals"
CONFIG_DIR = Path(__file__).resolve().parent / "jupyter_config"


class CourseContentsManager(AsyncLargeFileManager):
    """JupyterLab's usual file manager, except that ``read_only_dir`` (a folder at the root,
    default ``course_originals``) and everything under it can be read but never changed.

    Writes there raise HTTP 403 with a message that says where to work instead; models of
    files there carry ``writable: False``.
    """

    read_only_dir = Unicode(ORIGINALS, config=True,
                            help="top-level folder whose contents are served read-only")

    def is_read_only(self, path: str) -> bool:
        """True for ``read_only_dir`` itself and every path below it (API paths, "/"-separated)."""
        parts = [p for p in str(path).strip("/").split("/") if p]
        return bool(parts) and parts[0] == self.read_only_dir

    def _refuse(self, path: str, action: str) -> None:
        if self.is_read_only(path):
            raise HTTPError(403, f"{path} is one of the course's originals and is read-only, so "
                                 f"it cannot be {action}. Use File > Save Notebook As… to keep "
                                 "a copy in your own folder, or open your copy in the top "
                                 "folder (make mycopy).")

    def _mark(self, model: dict) -> dict:
        if self.is_read_only(model.get("path", "")):
            model["writable"] = False
        if model.get("type") == "directory" and isinstance(model.get("content"), list):
            for entry in model["content"]:
                self._mark(entry)
        return model

    async def get(self, path, content=True, type=None, format=None, **kwargs):  # noqa: A002
        return self._mark(await super().get(path, content=content, type=type, format=format,
                                            **kwargs))

    async def save(self, model, path=""):
        self._refuse(path, "saved")
        return await super().save(model, path)

    async def delete_file(self, path):
        self._refuse(path, "deleted")
        return await super().delete_file(path)

    async def rename_file(self, old_path, new_path):
        self._refuse(old_path, "renamed")
        self._refuse(new_path, "replaced")
        return await super().rename_file(old_path, new_path)

    async def create_checkpoint(self, path):
        self._refuse(path, "checkpointed")
        return await super().create_checkpoint(path)

    async def restore_checkpoint(self, checkpoint_id, path):
        self._refuse(path, "restored")
        return await super().restore_checkpoint(checkpoint_id, path)

    async def delete_checkpoint(self, checkpoint_id, path):
        self._refuse(path, "changed")
        return await super().delete_checkpoint(checkpoint_id, path)


def link_originals(dest: Path, src: Path = NOTEBOOKS) -> Path:
    """``dest/course_originals``: a relative symbolic link to ``src``; return it.

    Raises FileExistsError if something else already has that name (it is never replaced).
    """
    link = dest / ORIGINALS
    target = Path(os.path.relpath(src.resolve(), dest.resolve()))
    if link.is_symlink() and link.resolve() == src.resolve():
        return link
    if link.exists() or link.is_symlink():
        raise FileExistsError(f"{link} exists and is not a link to {src}: rename it, then run "
                              "make lab again (it was not touched)")
    link.symlink_to(target, target_is_directory=True)
    return link


def prepare_workspace(dest: Path, src: Path = NOTEBOOKS) -> dict[str, list[str]]:
    """Copy what is new into ``dest`` (never overwriting) and link the originals; return the
    copy report of :func:`tools.personal_copy.personal_copy`."""
    report = personal_copy(src, dest)
    link_originals(dest, src)
    return report


def lab_argv(dest: Path, extra: list[str]) -> list[str]:
    """JupyterLab's command line for the workspace ``dest`` (``extra`` appended)."""
    argv = [f"--ServerApp.root_dir={dest}",
            f"--ServerApp.contents_manager_class={CourseContentsManager.__module__}."
            f"{CourseContentsManager.__name__}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        argv.append("--allow-root")  # containers and Binder-like machines run as root
    if zmq.has("curve"):  # encrypted kernel channels; ipykernel warns on plain TCP
        argv.append("--KernelManager.transport_encryption=auto")
    return argv + extra


def lab_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` (default: this process's) with the course's Jupyter config folder first on
    ``JUPYTER_CONFIG_PATH``."""
    env = dict(os.environ if env is None else env)
    paths = [str(CONFIG_DIR), *filter(None, env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep))]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(paths)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Other options are passed to JupyterLab (e.g. --port 8890 --no-browser).")
    parser.add_argument("--dest", type=Path, default=ROOT / "my_notebooks",
                        help="your folder (default: my_notebooks/, git-ignored)")
    args, extra = parser.parse_known_args(argv)
    try:
        report = prepare_workspace(args.dest)
    except FileExistsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    new = report["copied"]
    print(f"your notebooks: {args.dest} ({len(new)} new file(s) copied, nothing overwritten); "
          f"the course's originals, read-only: {args.dest / ORIGINALS}")
    if report["kept"]:
        # the Python running this: make's .venv, or a conda environment's plain `python`
        py = ".venv/bin/python" if Path(sys.prefix).resolve() == Path(".venv").resolve() \
            else "python"
        print(f"  {len(report['kept'])} of your files differ from the course's newer version "
              f"and were kept; `{py} -m tools.personal_copy --update` refreshes the "
              "ones you have not modified")
    os.environ.update(lab_environment())
    from jupyterlab.labapp import LabApp

    LabApp.launch_instance(argv=lab_argv(args.dest.resolve(), extra))
    return 0


if __name__ == "__main__":
    sys.exit(main())
