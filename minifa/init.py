"""Initial weights: an explicit, documented choice, since it changes the size of the effects.

'he' (default): W ~ N(0, 2/n_in) (He et al. 2015, the usual choice for ReLU), b = 0.
'pytorch': W, b ~ U(-1/sqrt(n_in), +1/sqrt(n_in)), what torch.nn.Linear does by default.
gain g (beyond the paper, for the sensitivity map of minifa.sweep): W, B ~ N(0, g^2/n_in), b = 0,
the normal law of 'he' at any scale (g = sqrt(2) is He's law; g ~ 0.58 has the standard deviation
of the 'pytorch' law, 1/sqrt(3 n_in)). gain None (the default): the init's own law, as above.
The paper does not state its initialisation. 'he' is the default because the same group's later
public code draws W and the FA feedback matrix from N(0, 2/n_in) with zero bias (cogilab/Random2,
src/models/linear.py; ../shared/paper/README.md), not because more claims reproduce under it
(they do: with the smaller uniform weights noise training moves the angles less and FA w/o
learns nearly as fast as FA w/; the report's sensitivity table tallies both).
B (feedback, shape of W.T) is drawn with the same law as W.T, from a separate random stream,
so it is independent of W (paper §3, eq. 5).
"""
from . import backend

INITS = ("pytorch", "he")


def _draw(rng, init, shape, n_in, gain=None):
    if gain is not None:
        return rng.normal(0.0, gain / n_in ** 0.5, size=shape)
    if init == "pytorch":
        bound = n_in ** -0.5
        return rng.uniform(-bound, bound, size=shape)
    return rng.normal(0.0, (2.0 / n_in) ** 0.5, size=shape)


def init_layer(init, n_in, n_out, seed, layer, n_feedback=None, gain=None):
    """Host arrays (W (n_out, n_in), b (n_out,), B (n_in, n_feedback or n_out)) for layer `layer`
    of net `seed`. n_feedback: DFA's B_l^d sends the output error (n_L values) straight to
    layer l; for the last hidden layer it is FA's B, drawn alike. gain: W, B ~ N(0, gain^2/n_in)
    (the normal law, init 'he' only); None: the init's own law."""
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    if gain is not None and (init != "he" or not gain > 0):
        raise ValueError(f"gain must be a number > 0 with init='he' (W, B ~ N(0, gain^2/n_in)), got gain={gain!r} "
                         f"with init={init!r}: leave gain None for the init's own law")
    rng_W = backend.host_rng([seed, layer, 0])
    rng_B = backend.host_rng([seed, layer, 1])   # own stream: B independent of W
    W = _draw(rng_W, init, (n_out, n_in), n_in, gain)
    b = _draw(rng_W, init, (n_out,), n_in) if init == "pytorch" else backend.host.zeros(n_out)
    B = _draw(rng_B, init, (n_in, n_feedback or n_out), n_in, gain)
    return W, b, B
