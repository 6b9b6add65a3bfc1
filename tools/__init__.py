"""The course's build and maintenance commands, run from the repository's top folder as
``python -m tools.<command>`` (the Makefile's targets call them so):

=========================  =========================================================  ============
command                    what it does                                               make target
=========================  =========================================================  ============
``tools.execute_notebooks``  re-run notebooks, store their outputs and widget state   ``execute``
``tools.personal_copy``      the learner's own copy in ``my_notebooks/``              ``mycopy``
``tools.lab``                JupyterLab on the learner's copy, originals read-only    ``lab``
``tools.student_version``    notebooks with the exercise solutions stubbed            ``student``
``tools.build_slides``       reveal.js decks built from the student version           ``slides``
``tools.build_site``         the static HTML course                                   ``site``
``tools.benchmark``          notebook times and numpy-vs-torch speed                  ``bench``
``tools.check_determinism``  every notebook executed twice and compared               —
=========================  =========================================================  ============

Shared pieces: :mod:`tools.notebooks` (which notebooks: the one selector and the common
command line), :mod:`tools.executor` (how a notebook is executed: kernel, working folder,
progress bars off, widget state stored), :mod:`tools.offline_assets` (vendored browser assets
and nbconvert set-up), :mod:`tools.slide_plan` (slide structure from the notebook's shape) and
:mod:`tools.explorers` (kernel-free explorers on the static pages).
"""
