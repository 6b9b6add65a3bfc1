"""Copy the course notebooks into a personal folder to work in, never overwriting your work.

    python -m tools.personal_copy [--dest my_notebooks] [--update] [--student]   (make mycopy)

Copies every ``notebooks/NN_*.ipynb``, ``glossary.md`` and the images into ``--dest``
(default ``my_notebooks/`` at the top of the repository, which git ignores), so you can edit
and run them while ``git pull`` keeps updating the originals. The Chinese edition
(``notebooks/zh/``: its notebooks and glossary, see :mod:`tools.i18n`) goes to ``<dest>/zh/``
under the same rules. Files are copied byte for byte, links included: ``my_notebooks/`` sits
beside ``notebooks/``, so a link such as ``../CLAIMS.md`` (``../../CLAIMS.md`` from ``zh/``)
reaches the same file from the copy as from the original, and a Chinese notebook's
"English version" link (``../NN_x.ipynb``) opens the learner's own English copy.

- A file that already exists in the folder is never overwritten: it is reported as kept and
  only new files are copied.
- ``--update`` also refreshes files you have not modified since they were copied, when the
  course's version has changed. Modified files are kept and reported. What was copied is
  tracked by the SHA-256 hashes in ``<dest>/.course_manifest.json``.
- ``--student`` copies the student version (exercise solutions replaced by stubs, see
  ``tools.student_version``) instead of the notebooks with solutions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import nbformat

from tools.notebooks import NOTEBOOKS, ROOT, course_notebooks
from tools.student_version import student_notebook

MANIFEST = ".course_manifest.json"
TRANSLATIONS = ("zh",)  # subfolders of notebooks/ with a translated edition
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg"}


def course_files(src: Path, student: bool = False) -> dict[str, bytes]:
    """The files a personal copy holds, as {relative path: content}: the numbered notebooks
    (the student version when ``student``), ``glossary.md`` and the images; then the same
    for each translation folder (``zh/``) that holds numbered notebooks."""
    files: dict[str, bytes] = {}
    for path in course_notebooks(src):
        files[path.name] = notebook_bytes(path, student)
    for lang in TRANSLATIONS:
        for path in course_notebooks(src / lang):
            files[f"{lang}/{path.name}"] = notebook_bytes(path, student)
        if course_notebooks(src / lang) and (src / lang / "glossary.md").is_file():
            files[f"{lang}/glossary.md"] = (src / lang / "glossary.md").read_bytes()
    extras = [src / "glossary.md", *sorted((src / "images").rglob("*")),
              *sorted(p for p in src.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)]
    for path in extras:
        if path.is_file():
            files[path.relative_to(src).as_posix()] = path.read_bytes()
    return files


def notebook_bytes(path: Path, student: bool) -> bytes:
    """A notebook's content as copied: as stored, or its student version."""
    if not student:
        return path.read_bytes()
    nb, _ = student_notebook(nbformat.read(path, as_version=4), path.name)
    return (nbformat.writes(nb) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def personal_copy(src: Path, dest: Path, update: bool = False, student: bool = False
                  ) -> dict[str, list[str]]:
    """Copy the course files from ``src`` into ``dest`` without overwriting the learner's work.

    Returns lists of relative paths under the keys "copied" (new files), "updated" (unmodified
    copies refreshed to the course's newer version, only with ``update``), "kept" (existing
    files that differ from the course's version: all of them without ``update``, with it the
    ones the learner modified or the manifest does not know) and "unchanged" (copies already
    identical to the course's version).
    """
    manifest_path = dest / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    report: dict[str, list[str]] = {"copied": [], "updated": [], "kept": [], "unchanged": []}
    for rel, content in course_files(src, student).items():
        target = dest / rel
        new_hash = sha256(content)
        current = sha256(target.read_bytes()) if target.exists() else None
        if current is None:
            status = "copied"
        elif current == new_hash:
            status = "unchanged"
        elif update and manifest.get(rel) == current:  # as we copied it: not edited since
            status = "updated"
        else:
            status = "kept"
        if status in ("copied", "updated"):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        if status != "kept":
            manifest[rel] = new_hash
        report[status].append(rel)
    dest.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Existing files are never overwritten; see --update.")
    parser.add_argument("--dest", type=Path, default=ROOT / "my_notebooks",
                        help="folder for your copies (default: my_notebooks/, git-ignored)")
    parser.add_argument("--src", type=Path, default=NOTEBOOKS,
                        help="folder to copy from (default: notebooks)")
    parser.add_argument("--update", action="store_true",
                        help="also refresh copies you have not modified since they were copied")
    parser.add_argument("--student", action="store_true",
                        help="copy the student version (solutions replaced by stubs)")
    args = parser.parse_args(argv)
    if not course_notebooks(args.src):
        parser.error(f"no notebooks NN_*.ipynb in {args.src}")
    report = personal_copy(args.src, args.dest, update=args.update, student=args.student)
    for rel in report["copied"]:
        print(f"copied   {args.dest / rel}")
    for rel in report["updated"]:
        print(f"updated  {args.dest / rel} (you had not modified it)")
    for rel in report["kept"]:
        reason = ("modified by you, not overwritten" if args.update else
                  "differs from the course's version, not overwritten; `python -m "
                  "tools.personal_copy --update` brings in the course's version where you "
                  "have not edited your copy")
        print(f"kept     {args.dest / rel} ({reason})")
    if report["unchanged"]:
        print(f"{len(report['unchanged'])} file(s) already up to date")
    print(f"your copies are in {args.dest}: `make lab` opens JupyterLab there")
    return 0


if __name__ == "__main__":
    sys.exit(main())
