"""``python -m course_lib.tagger``: see :mod:`course_lib.tagger.cli`."""

import os
import sys

from course_lib.tagger.cli import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    # the reader stopped early (``predict … | head``): not an error of ours; silence the
    # flush of the closed pipe at exit, as the Python docs recommend
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 0
except KeyboardInterrupt:
    print("interrupted (Ctrl-C): nothing was saved", file=sys.stderr)
    code = 130
sys.exit(code)
