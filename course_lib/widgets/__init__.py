"""Thin ipywidgets front-ends over :mod:`course_lib.plots`, one submodule per explorer.

Widgets never train on every slider twitch: sliders use ``continuous_update=False`` and
expensive results are computed lazily and cached per value.
"""
