"""Plot functions: each takes data and returns a ``matplotlib.figure.Figure``.

One submodule per phenomenon (``curves`` for training histories, ``surface`` for error
surfaces, …). Nothing here calls ``plt.show()`` or trains a model.
"""
