"""Exercise 4, one Adam step (Kingma & Ba 2015, Alg. 1): adam_step against minifa.optim.adam_equations."""
import numpy as np

from .common import (Fail, array, call, close, first_match, largest_difference, scale_or_precision,
                     student_function, unchanged)


def _adam(theta, g, m, v, t, lr, b1, b2, eps, bias=(True, True), t_bc=None, eps_in=False, sq=True, sign=-1):
    """Adam with switches, for the typical mistakes (the defaults give Kingma & Ba's step)."""
    t_bc = t if t_bc is None else t_bc
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * (g * g if sq else g)
    m_hat = m / (1 - b1 ** t_bc) if bias[0] else m
    v_hat = v / (1 - b2 ** t_bc) if bias[1] else v
    denom = np.sqrt(v_hat + eps) if eps_in else np.sqrt(v_hat) + eps
    return theta + sign * lr * m_hat / denom, m, v


def _check4_step(fn, theta, g, m, v, t, hp, case):
    from minifa.optim import adam_equations
    lr, b1, b2, eps = hp["lr"], hp["beta1"], hp["beta2"], hp["eps"]
    ref = adam_equations(theta, g, m, v, t, lr=lr, beta1=b1, beta2=b2, eps=eps)
    if not all(close(r, a) for r, a in zip(ref, _adam(theta, g, m, v, t, lr, b1, b2, eps))):
        raise RuntimeError("checker bug: minifa.optim.adam_equations differs from Kingma & Ba")
    passed = [theta.copy(), g.copy(), m.copy(), v.copy()]
    out = call(fn, *passed, t, **hp)
    unchanged((theta, g, m, v), passed, ("theta", "g", "m", "v"), "the caller still holds theta_{t-1}, "
              "m_{t-1} and v_{t-1}: return theta_t, m_t and v_t as new arrays", case,
              example="`m = beta1 * m + (1 - beta1) * g`, not `m *= beta1`")
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise Fail("wrong: return the tuple (theta, m, v): the caller keeps m and v for the next step; yours "
                   f"returned a {type(out).__name__}" + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""),
                   case)
    out = [array(o, name) for o, name in zip(out, ("theta_t", "m_t", "v_t"))]
    for o, r, name in zip(out, ref, ("theta_t", "m_t", "v_t")):
        if o.shape != r.shape:
            raise Fail(f"wrong: {name} has shape {o.shape} but should be {r.shape}, the shape of theta "
                       "(every operation of Adam is elementwise)", case)
    if all(close(o, r) for o, r in zip(out, ref)):
        return ref
    ok = [close(o, r) for o, r in zip(out, ref)]
    args = (theta, g, m, v, t, lr, b1, b2, eps)
    mv_swapped = close(out[1], ref[2]) and close(out[2], ref[1])
    if not np.isfinite(out[0]).all() and t == 1 and ok[1] and ok[2]:
        raise Fail("wrong: theta_t has inf or nan at the first step (t = 1): with t = 1, 1 - beta^t is "
                   "1 - beta > 0 — did you use t - 1 in the bias correction?", case)
    candidates = [
        ("wrong: forgot the bias correction: m_hat = m_t / (1 - beta1^t) and v_hat = v_t / (1 - beta2^t) "
         "go into the step, not m_t and v_t", lambda: _adam(*args, bias=(False, False))),
        ("wrong: forgot the bias correction of m: m_hat = m_t / (1 - beta1^t)", lambda: _adam(*args, bias=(False, True))),
        ("wrong: forgot the bias correction of v: v_hat = v_t / (1 - beta2^t)", lambda: _adam(*args, bias=(True, False))),
        ("wrong: your bias correction uses t + 1: t is already this step's number (1 at the first step); "
         "do not add 1", lambda: _adam(*args, t_bc=t + 1)),
        ("wrong: your bias correction uses t - 1: t is already this step's number (1 at the first step)",
         lambda: _adam(*args, t_bc=t - 1)),
        ("wrong: eps goes outside the square root: sqrt(v_hat) + eps, not sqrt(v_hat + eps)",
         lambda: _adam(*args, eps_in=True)),
        ("wrong: v must average the SQUARED gradient: v_t = beta2 v_{t-1} + (1 - beta2) g_t^2",
         lambda: _adam(*args, sq=False)),
        ("wrong: theta moved up the gradient: theta_t = theta_{t-1} MINUS lr m_hat / (sqrt(v_hat) + eps)",
         lambda: _adam(*args, sign=+1)),
        ("wrong: the step divides by sqrt(v_hat) + eps: you forgot the square root",
         lambda: (theta - lr * (ref[1] / (1 - b1 ** t)) / (ref[2] / (1 - b2 ** t) + eps), ref[1], ref[2])),
        ("wrong: beta and 1 - beta are swapped: m_t = beta1 m_{t-1} + (1 - beta1) g_t, likewise v_t",
         lambda: _adam(theta, g, m, v, t, lr, 1 - b1, 1 - b2, eps)),
        ("wrong: the learning rate went into m: m_t = beta1 m_{t-1} + (1 - beta1) g_t carries no lr; lr "
         "multiplies only the step of theta", lambda: (ref[0], b1 * m + (1 - b1) * lr * g, ref[2])),
        ("wrong: the learning rate went into m, and so theta's step is wrong too: lr multiplies only the "
         "step of theta, m_t = beta1 m_{t-1} + (1 - beta1) g_t carries none",
         lambda: (lambda mm: (theta - (mm / (1 - b1 ** t)) / (np.sqrt(ref[2] / (1 - b2 ** t)) + eps), mm, ref[2]))(
             b1 * m + (1 - b1) * lr * g)),
        ("wrong: the step of theta uses the OLD m and v (m_{t-1}, v_{t-1}); update m and v first, then "
         "theta with the new ones", lambda: (theta - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps),
                                             ref[1], ref[2])),
    ]
    defaults = {"lr": 1e-4, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    ignored = [k for k in defaults if hp[k] != defaults[k]]
    if ignored:
        candidates.append((f"wrong: you ignored the arguments {', '.join(ignored)} and used the default "
                           "values: use the ones passed in",
                           lambda: _adam(theta, g, m, v, t, *[defaults[k] for k in ("lr", "beta1", "beta2", "eps")])))
        for k in ignored:
            d = {**hp, k: defaults[k]}
            candidates.append((f"wrong: you did not use the {k} passed in ({hp[k]:g}), but {defaults[k]:g}",
                               lambda d=d: _adam(theta, g, m, v, t, d["lr"], d["beta1"], d["beta2"], d["eps"])))
    msg = first_match(out, candidates, same=lambda yours, c: all(close(a, b) for a, b in zip(yours, c)))
    if msg:
        raise Fail(msg, case)
    if mv_swapped:
        raise Fail("wrong: m and v are swapped in what you return: return (theta, m, v)", case)
    if not np.isfinite(out[0]).all():
        raise Fail("wrong: theta_t contains nan or inf" + ("; v_t has negative values: did you square g?"
                                                          if (out[2] < 0).any() else ""), case)
    names = ("theta_t", "m_t", "v_t")
    eqs = {"m_t": "m_t = beta1 m_{t-1} + (1 - beta1) g_t", "v_t": "v_t = beta2 v_{t-1} + (1 - beta2) g_t^2",
           "theta_t": "theta_t = theta_{t-1} - lr m_hat_t / (sqrt(v_hat_t) + eps)"}
    wrong = [n for n, good in zip(names, ok) if not good]
    first = wrong[1] if wrong[0] == "theta_t" and len(wrong) > 1 else wrong[0]   # m, v feed theta
    o, r = out[names.index(first)], ref[names.index(first)]
    right = [n for n in names if n not in wrong]
    msg = scale_or_precision(o, r, first)
    raise Fail(msg or (f"wrong: {first} is not right ({eqs[first]})" + (f"; {' and '.join(right)} are right" if right else "")),
               f"{case}: " + largest_difference(o.reshape(-1), r.reshape(-1), ("element",)))


def check(module):
    """What was checked, when `module`'s function for exercise 4 is right; else raises Fail."""
    fn = student_function(module, 4)
    settings = [((7,), dict(lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8), 1.0, 5),
                ((3, 5), dict(lr=1e-2, beta1=0.8, beta2=0.99, eps=1e-3), 1e-3, 6),
                ((1,), dict(lr=0.1, beta1=0.5, beta2=0.9, eps=1e-6), 1.0, 4),
                ((1000,), dict(lr=3e-3, beta1=0.9, beta2=0.999, eps=1e-8), 10.0, 3)]
    for k, (shape, hp, g_scale, steps) in enumerate(settings):
        rng = np.random.default_rng(20 + k)
        theta, m, v = rng.standard_normal(shape), np.zeros(shape), np.zeros(shape)
        hps = ", ".join(f"{n}={x:g}" for n, x in hp.items())
        for t in range(1, steps + 1):
            g = g_scale * rng.standard_normal(shape)
            case = f"step t = {t} of {steps} from m_0 = v_0 = 0, theta of shape {shape}, {hps}, gradients ~ N(0, {g_scale:g}^2)"
            new = _check4_step(fn, theta, g, m, v, t, hp, case)
            if t == 2:   # no state of its own: the same call twice gives the same result
                again = call(fn, theta.copy(), g.copy(), m.copy(), v.copy(), t, **hp)
                if not all(close(a, b) for a, b in zip(again, new)):
                    raise Fail("wrong: called twice with the same inputs, your function gave different results: "
                               "it must keep no state of its own (the caller passes t, m and v)", case)
            theta, m, v = new
    return ["checked against minifa.optim.adam_equations: 18 steps, 4 shapes, 4 settings of lr, betas and eps"]
