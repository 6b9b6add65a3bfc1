"""``python -m course_lib.tagger``: see :mod:`course_lib.tagger.cli`."""

import os
import sys

from course_lib.tagger.cli import PROG, main


def _silence_stdout() -> None:
    """Send what is still buffered for stdout to /dev/null, so the flush at exit is quiet."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if sys.stdout is None:  # started with >&-: nowhere to answer
    if sys.stderr is not None:
        print(f"{PROG}: error: standard output is closed", file=sys.stderr)
    sys.exit(2)
try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    # the reader stopped early (``predict … | head``): not an error of ours (the Python docs'
    # recipe)
    _silence_stdout()
    code = 0
except KeyboardInterrupt:
    print("interrupted (Ctrl-C); a model file is written only when training ends",
          file=sys.stderr)
    code = 130
except OSError as err:  # writing the answer failed: a full disk (> /dev/full), a lost terminal
    print(f"{PROG}: error: cannot write the output: {err.strerror or err}", file=sys.stderr)
    _silence_stdout()
    code = 1
sys.exit(code)
