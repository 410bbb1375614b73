"""Tutorial 7: random-noise pretraining lowers the meta-loss, so FA adapts faster to any task (paper Fig. 5).

Does noise training prepare a network for tasks it has never seen (§4.4)? The meta-loss of a
network is the sum over tasks of its held-out loss after a short adaptation to each
(minifa.meta; Table D.1: 10 Adam steps, lr 1e-3, batches of 10). Tasks: MNIST,
Fashion-MNIST and Kuzushiji-MNIST (KMNIST).
Fig. 5a: the meta-loss of n FA networks, measured at checkpoints of Algorithm 1, falls.
FA w/o is the same networks before noise training; BP (same weights) is a reference.
Fig. 5c: held-out accuracy while adapting for longer. Paired t-tests (same networks).

    python tutorials/07_task_agnostic.py [--quick | --lab] [--nets 10] [--init he]
"""
# %% [markdown]
# ## Settings: the three tasks, 784-100-10 FA networks, Table D.1's adaptation
# %%
import numpy as np  # host-side plotting only

from minifa import MLP, PAPER, pretrain_noise
from minifa.datasets import available_splits, load, subset_indices
from minifa.meta import BATCH_SIZE, LR, STEPS, Task, adaptation_curve, meta_loss
from minifa.reproduce import claims as C
from minifa.reproduce.plots import band
from minifa.reproduce.tutorial import Tutorial

run = Tutorial(__doc__, paper=dict(nets=PAPER.n_nets, n_noise=PAPER.n_noise, checkpoints=20, adapt_steps=100, n_eval=5000),
               quick=dict(nets=3, n_noise=20_000, checkpoints=4, adapt_steps=20, n_eval=500), init=True,
               data=("mnist", "fashion-mnist", "kmnist"), flags={"nets": (int, "networks (stacked)")},
               times={"quick": "5 s", "paper": "2.5 min"})
cfg = run.cfg
seeds = [cfg.seed + k for k in range(cfg.nets)]
AT = sorted({s for s in (0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, cfg.adapt_steps) if s <= cfg.adapt_steps})


def make_task(name, key):
    """Evaluation: n_eval examples of the test split. Adaptation: the train split, or the rest
    of the test split when the train images are absent (KMNIST in the mirror). None (noted)
    when the test split itself is absent."""
    splits = available_splits(key)
    if "test" not in splits:
        run.note(f"{name}: test split absent from the data home and mirror - task left out")
        return None
    Xt, yt = load(key, "test")
    idx = subset_indices(yt, len(yt), seed=cfg.seed)          # a random order of the test set
    ev, rest = idx[:cfg.n_eval], idx[cfg.n_eval:]
    if "train" in splits:
        Xa, ya = load(key, "train")
    else:
        Xa, ya = Xt[rest], yt[rest]
        run.note(f"{name}: train images absent from the data home and mirror; adaptation uses "
                 f"{len(rest)} test images disjoint from the {cfg.n_eval} evaluation images")
    return Task(name, Xa, ya, Xt[ev], yt[ev])


tasks = [t for t in (make_task(n, k) for n, k in {"MNIST": "mnist", "F-MNIST": "fashion-mnist",
                                                  "KMNIST": "kmnist"}.items()) if t is not None]
run.settings(f"FA 784-100-10, {cfg.init} init, n = {cfg.nets} networks (seeds {seeds[0]}..{seeds[-1]}); "
             f"Algorithm 1: {cfg.n_noise} N(0, I) noise examples, batch 64, Adam lr 1e-4; meta-loss: "
             f"{STEPS} Adam steps (lr {LR:g}) on batches of {BATCH_SIZE}, loss on {cfg.n_eval} held-out "
             f"examples per task; tasks {', '.join(t.name for t in tasks) or 'none'}"
             + (" (KMNIST adapts on test images)" if any("KMNIST: train" in n for n in run.notes) else ""))

# %% [markdown]
# ## Train: Algorithm 1, measuring the meta-loss at checkpoints (Fig. 5a)
# %%
net = MLP(PAPER.dims, rule="fa", seed=seeds, init=cfg.init)
before, track = net.copy(), {"examples": [0], "meta": [meta_loss(net, tasks, seed=cfg.seed)] if tasks else []}
bp = before.copy()
bp.rule = "bp"                                                 # reference: same weights, backpropagation


def checkpoint(net, hist):
    if tasks:
        track["examples"].append(hist["examples"][-1])
        track["meta"].append(meta_loss(net, tasks, seed=cfg.seed))


hist = pretrain_noise(net, n_examples=cfg.n_noise, seed=cfg.seed, callback=checkpoint,
                      log_every=max(1, -(-cfg.n_noise // 64) // cfg.checkpoints))
conds = {"BP": bp, "FA w/o": before, "FA w/": net}

# %% [markdown]
# ## Test: meta-loss after noise (Fig. 5a) and adaptation (Fig. 5c)
# %%
meta = {c: meta_loss(m, tasks, seed=cfg.seed) for c, m in conds.items()} if tasks else {}
claims = [C.compare("fig5a_meta_loss", "Fig. 5a: random-noise pretraining lowers the meta-loss of FA networks "
                    f"(sum over {', '.join(t.name for t in tasks)} of the held-out loss after adaptation)",
                    meta["FA w/"]["total"], meta["FA w/o"]["total"], ("FA w/", "FA w/o"), larger=False,
                    paired=True, digits=3)] if tasks else []
claims += [C.compare(f"fig5a_{t.name.lower()}", f"Fig. 5a: noise pretraining lowers the {t.name} loss after "
                     "adaptation", meta["FA w/"]["loss"][t.name], meta["FA w/o"]["loss"][t.name], ("FA w/", "FA w/o"),
                     larger=False, paired=True, digits=3) for t in tasks]
curves = {t.name: {c: adaptation_curve(m, t, cfg.adapt_steps, seed=cfg.seed + 100, at=AT)[0]
                   for c, m in conds.items()} for t in tasks}
for t in tasks:
    acc = {c: 100 * np.array(curves[t.name][c]["acc"][-1]) for c in conds}
    claims.append({**C.compare(f"fig5c_{t.name.lower()}", f"Fig. 5c: noise-pretrained FA adapts faster to {t.name}: "
                               f"higher held-out accuracy after {cfg.adapt_steps} adaptation steps", acc["FA w/"],
                               acc["FA w/o"], ("FA w/", "FA w/o"), paired=True, unit=" %"),
                   "settings": run.settings_text + f"; curves: {cfg.adapt_steps} steps"})
    claims[-1]["ours"] += f"; BP: {np.mean(acc['BP']):.2f} %"

# %% [markdown]
# ## Plot: meta-loss through noise training; adaptation curves per task
# %%
fig, ax = run.figure(2, 3, size=(16, 8.5))
ex = np.array(track["examples"]) / 1e3
if tasks:
    band(ax[0, 0], ex, [m["total"] for m in track["meta"]], "FA w/ (during noise training)", marker="o")
    ax[0, 0].axhline(np.mean(meta["BP"]["total"]), color="C0", ls="--", label="BP, no pretraining")
    ax[0, 0].legend()
    for t in tasks:
        ax[0, 1].plot(ex, [np.mean(m["loss"][t.name]) for m in track["meta"]], "-o", ms=3, label=t.name)
    ax[0, 1].legend()
ax[0, 0].set(xlabel="noise examples (thousands)", ylabel="meta-loss", title="Fig. 5a: meta-loss")
ax[0, 1].set(xlabel="noise examples (thousands)", ylabel="held-out loss after adaptation", title="per task")
ax[0, 2].plot(np.array(hist["examples"]) / 1e3, np.mean(hist["angle1"], axis=1), "k")
ax[0, 2].set(xlabel="noise examples (thousands)", ylabel="mean angle W_1^T vs B_1 (deg)",
             title="alignment during noise training")
for j, t in enumerate(tasks):
    for c in curves[t.name]:
        band(ax[1, j], AT, 100 * np.array(curves[t.name][c]["acc"]), c, marker="o")
    ax[1, j].set(xlabel=f"adaptation steps ({BATCH_SIZE} examples each)", ylabel="held-out accuracy (%)",
                 title=f"Fig. 5c: adapting to {t.name}")
    ax[1, j].legend()
run.finish(fig, claims, {"n_eval": cfg.n_eval, "meta_loss": meta, "adaptation": {"steps": AT, **curves},
                         "meta_loss_curve": {"examples": track["examples"], "total": [m["total"] for m in track["meta"]],
                                             "tasks": {t.name: [m["loss"][t.name] for m in track["meta"]] for t in tasks}}})
