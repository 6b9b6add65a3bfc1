"""Error surfaces of tiny recurrent models: the lecture's cliff and Pascanu's wall.

Two models, both small enough to map their whole loss surface:

1. The lecture's linear neuron (Hung-yi Lee, RNN part II): every weight 1 except the
   recurrent weight w, input ``x = [1, 0, …, 0]``::

       h_t = w h_{t-1} + x_t,  h_0 = 0   →   y_T = h_T = w^{T-1}     (y_1000 = w^999)

   with the loss ``L(w) = (y_T - target)²``.

2. Pascanu et al. (2013, §2.3 and Fig. 6) — one sigmoid unit, two parameters::

       x_t = w σ(x_{t-1}) + b,   x_0 = 0.5,   E(w, b) = (σ(x_T) - 0.7)²,  T = 50

   Its surface has a "wall": a narrow band of (w, b) where E changes abruptly and the gradient
   is huge. Gradients come from hand-written BPTT (:func:`pascanu_backward`), vectorised over any
   broadcastable arrays of w and b, so a whole grid is one call.

Modules: :mod:`~course_lib.surface.linear_neuron` (model 1),
:mod:`~course_lib.surface.pascanu` (model 2, its wall and fixed points),
:mod:`~course_lib.surface.descent` (gradient descent on either, plain or clipped, recorded as
a :class:`Trajectory`). Their names are re-exported here: ``from course_lib import surface
as sf`` then ``sf.gradient_descent(...)``.

References:
    Pascanu, Mikolov & Bengio, "On the difficulty of training recurrent neural networks",
    ICML 2013, §2.3 (Fig. 6) and §3.2 (Algorithm 1).
    Bengio, Simard & Frasconi, "Learning long-term dependencies with gradient descent is
    difficult", IEEE TNN 1994.
    Hung-yi Lee, "Recurrent Neural Network (Part II)", ML lecture (the w^999 example).
"""

from course_lib.surface.descent import (
    Trajectory,
    ends_high,
    gradient_descent,
    linear_neuron_descent,
)
from course_lib.surface.linear_neuron import linear_neuron_forward, linear_neuron_loss_grad
from course_lib.surface.pascanu import (
    T_DEFAULT,
    TARGET,
    X0,
    PascanuCache,
    bistable_band,
    pascanu_backward,
    pascanu_forward,
    pascanu_loss_grad,
    stable_fixed_points,
    surface_grid,
)

__all__ = ["T_DEFAULT", "TARGET", "X0", "PascanuCache", "Trajectory", "bistable_band",
           "ends_high", "gradient_descent", "linear_neuron_descent", "linear_neuron_forward",
           "linear_neuron_loss_grad", "pascanu_backward", "pascanu_forward", "pascanu_loss_grad",
           "stable_fixed_points", "surface_grid"]
