"""``python -m course_lib.corpus``: see :mod:`course_lib.corpus.cli`."""

from course_lib.corpus.cli import main

raise SystemExit(main())
