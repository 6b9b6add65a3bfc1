"""``python -m course_lib.tagger``: see :mod:`course_lib.tagger.cli`."""

import sys

from course_lib.tagger.cli import main

sys.exit(main())
