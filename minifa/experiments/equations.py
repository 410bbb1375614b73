"""Tutorial 1: equations 1-5 by hand on a tiny network, BP versus FA.

The paper's §3 in numbers: a 4-3-2 network and one batch of 2 examples, the inputs, the weights
and the feedback drawn from independent random streams. The library's forward pass (eq. 1-2) and
backward pass, once through W^T (BP, eq. 3-4) and once through the fixed random B (FA, eq. 5),
every value kept; BP's gradient checked against central finite differences of eq. 2. The tutorial
redoes each line by hand and finds the same numbers.
"""
import numpy as np  # host-side arithmetic only: the inputs and the finite-difference reference

from .. import MLP, backend
from .common import Log, sizes

NAME, NUM, STEM = "equations", "01", "01_equations"
TITLE = __doc__.strip().splitlines()[0]
SIZES = sizes(NAME)
TAKES_INIT, DATA, FLAGS = False, (), {}
TIMES = {"quick": "2 s", "lab": "2 s", "paper": "2 s (one size)"}
DIMS, N, STEP = [4, 3, 2], 2, 1e-6          # the network, the batch, the finite-difference step


def settings_text(cfg):
    return f"{'-'.join(map(str, DIMS))} network ({cfg.init} init, seed {cfg.seed}), one batch of {N} examples, float64"


def finite_differences(net, x, y):
    """dL/dW_0 by central differences of eq. 2, one weight at a time: (n_1, n_0) host array."""
    W0, num = net.W[0], np.zeros(net.W[0].shape)
    for i in np.ndindex(*W0.shape):
        old, losses = float(W0[i]), []
        for h in (STEP, -STEP):
            W0[i] = old + h
            net.forward(x)
            losses.append(float(net.loss(y)))
        W0[i] = old
        num[i] = (losses[0] - losses[1]) / (2 * STEP)
    return num


def run(cfg):
    """{'inputs': x, y, W_0, b_0, W_1, b_1, B_1; 'forward': o_1, h_1, o_2, p, loss; 'backward':
    {'BP', 'FA': dW_0, db_0, dW_1, db_1}; 'error_h1': {'BP': W_1^T delta_2, 'FA': B_1 delta_2}
    per example; 'fd_dW0' and 'fd_rel_error': BP's dL/dW_0 against finite differences} (host,
    float64; the active dtype is float64 only while it runs)."""
    log, old = Log(cfg), np.dtype(backend.dtype).name
    backend.set_dtype("float64")
    try:
        host = lambda a: backend.to_host(a).copy()                # noqa: E731 (a snapshot)
        bp, fa = (MLP(DIMS, rule=rule, seed=cfg.seed, init=cfg.init) for rule in ("bp", "fa"))   # same W, b, B
        # the inputs' own stream, [seed, 0, 2]: init.py draws W_l from [seed, l, 0] and B_l from [seed, l, 1],
        # and a seed [s] is the stream [s, 0, 0] (NumPy pads with zeros): x from it made each row of W_0 x / sqrt(2)
        x = backend.asarray(np.random.default_rng([cfg.seed, 0, 2]).standard_normal((N, DIMS[0])))   # h_0 (batch, n_0)
        y = backend.xp.asarray([0, 1])                                                 # labels
        p = bp.forward(x)
        forward = {"o1": host(bp.o[1]), "h1": host(bp.h[1]), "o2": host(bp.o[2]), "p": host(p),
                   "loss": float(bp.loss(y))}
        backward = {}
        for name, net in (("BP", bp), ("FA", fa)):
            net.forward(x)
            dW, db = net.backward(y)
            backward[name] = {"dW0": host(dW[0]), "db0": host(db[0]), "dW1": host(dW[1]), "db1": host(db[1])}
        inputs = {"x": host(x), "y": host(y), "W0": host(bp.W[0]), "b0": host(bp.b[0]), "W1": host(bp.W[1]),
                  "b1": host(bp.b[1]), "B1": host(fa.B[1])}
        delta2 = (forward["p"] - np.eye(DIMS[-1])[inputs["y"]]) / N     # dL/do_2: what eq. 3 and 5 send back
        error = {"BP": delta2 @ inputs["W1"], "FA": delta2 @ inputs["B1"].T}
        num = finite_differences(bp, x, y)
        err = np.abs(num - backward["BP"]["dW0"]).max() / np.abs(num).max()
    finally:
        backend.set_dtype(old)
    return log.numbers(inputs=inputs, forward=forward, backward=backward, error_h1=error, fd_dW0=num,
                       fd_rel_error=float(err))


def claims(numbers, cfg):
    """None: the equations are checked, not claimed (fd_rel_error; the tutorial's hand values)."""
    return []
