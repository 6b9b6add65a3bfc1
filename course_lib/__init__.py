"""course_lib: the helper package of the course *Training Recurrent Neural Networks*.

One module per concept (CONTRIBUTING.md, "Where code lives"). Importing the package has no side
effects: nothing is seeded, no rcParams are set, no thread counts are changed until a notebook
calls :func:`seed_everything` itself.
"""

from course_lib.seeding import seed_everything

__all__ = ["seed_everything"]
__version__ = "0.1.0"
