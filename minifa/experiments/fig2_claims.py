"""Fig. 2's and App. B.2-B.6's claims, tested on fig2.run's numbers (fig2.claims is this module's claims).

Each claim names its statement of the paper (registry.py, via REFS); an experiment whose data are
absent gives the same claims as absent records (plan), so the report counts the paper's results
the same with and without the data.
"""
import numpy as np  # host-side statistics only

from . import claims as C

TAGS = {"Fig. 2": ("fig2", None), "App. B.3": ("appB3", "App. B.3: 784-100-100-10"),
        "App. B.4-B.6": ("appB4", "App. B.4-B.6: CIFAR-10")}
DATA = {"Fig. 2": "MNIST", "App. B.3": "MNIST", "App. B.4-B.6": "CIFAR-10"}
REFS = {"appB3": dict(auc="appB3b", angle=("appB3c", "appB3d")),
        "appB4": dict(auc="appB5b", angle=("appB5c",), dist="appB6b", order="appB6d", final="appB4_final_acc"),
        "fig2": dict(auc="fig2b_auc", angle=("fig2c_end",), dist="fig2e_sequential", order="fig2fg_order",
                     final="appB2d")}
B2 = (("train_loss", "a", "a lower training loss", False, 1), ("test_loss", "b", "a lower test loss", False, 1),
      ("train_acc", "c", "a higher training accuracy", True, 100))     # App. B.2a-c (B.2d: final test accuracy)


def end(r, cond, m, l=0):
    """The value of measure m for layer index l (0: W_1) at the end of all training."""
    return r[cond][m][-1][l] if m != "acc" else r[cond]["acc"][-1]


def plan(name, cfg):
    """(id, what it compares, statement) of every claim `claims` makes on experiment `name` when its data
    are there: without them, the same ids as absent records."""
    tag, ref, fig2 = TAGS[name][0], REFS[TAGS[name][0]], TAGS[name][0] == "fig2"
    out = [(f"{tag}b_auc", "AUC of test accuracy, FA w/ vs FA w/o", ref["auc"])]
    out += [(f"{tag}b_final_acc", "final test accuracy, FA w/ vs FA w/o", ref["final"])] if "final" in ref else []
    out += [(f"figB2{x}_{m}", f"{m}, FA w/ vs FA w/o", f"appB2{x}") for m, x, *_ in B2] if fig2 else []
    for l, panel in enumerate(ref["angle"]):
        out += [] if fig2 else [(f"{tag}_noise_angle_W{l + 1}", f"angle W_{l + 1}^T vs B_{l + 1}, after noise vs "
                                 "before", panel)]
        out.append((f"{tag}c_angle_W{l + 1}", f"angle W_{l + 1}^T vs B_{l + 1} after data, FA w/ vs FA w/o", panel))
    if "dist" in ref:
        out.append(("fig2e_distance" if fig2 else f"{tag}_distance", "||W_1 - B_1^T||_F after data, FA w/ vs FA w/o",
                    ref["dist"]))
    out += [("fig2b_auc_vs_bp", "AUC, FA w/ vs BP", "fig2b_bp"),
            ("fig2c_gap", "angle during data training, FA w/ vs FA w/o", "fig2c_gap"),
            ("fig2e_untrained_vs_random", "||W_1 - B_1^T||_F, untrained vs randomly trained", "fig2e_noise"),
            ("fig2e_untrained_vs_data", "||W_1 - B_1^T||_F, untrained vs data trained", "fig2e_data"),
            ("fig2g_data_vs_data_random", "||W_1 - B_1^T||_F, data vs data -> noise", "fig2g_data_first"),
            ("fig2e_distance_normalized", "unit-norm distance, FA w/ vs FA w/o", "fig2_scale_free")] if fig2 else []
    if "order" in ref and (fig2 or cfg.appB_order):
        out.append((f"{tag}fg_order_dist", "||W_1 - B_1^T||_F, noise -> data vs data -> noise", ref["order"]))
    return out


def fig2_only(r, out, cfg):
    """Fig. 2's own statements: the BP comparison, the gap during data, the distance falling in both
    phases (Fig. 2e), data first (Fig. 2g), and the scale-free distance (an extra)."""
    lower = dict(larger=False, digits=3)
    w, wo, bp = r["FA w/"]["auc"], r["FA w/o"]["auc"], r["BP"]["auc"]
    c = C.differ("fig2b_auc_vs_bp", "Fig. 2b: FA w/ vs BP, AUC (the paper reports a significant difference, "
                 "P < 0.001)", w, bp, ("FA w/", "BP"), unit="%", ref="fig2b_bp")
    c["ours"] += f"; FA w/ closes {100 * (w.mean() - wo.mean()) / (bp.mean() - wo.mean()):.0f}% of the FA w/o -> BP gap"
    out.append(c)
    a_w, a_wo = r["FA w/"]["angle"][1:, 0], r["FA w/o"]["angle"][1:, 0]          # (records, K) during data
    gaps = [C.compare("fig2c_gap", "Fig. 2c: the alignment gap is maintained during data training: FA w/ < FA w/o "
                      f"at every recorded epoch (epoch {int(e)} has the largest p)", x, y, ("FA w/", "FA w/o"),
                      larger=False, unit=" deg", ref="fig2c_gap")
            for e, x, y in zip(r["FA w/"]["x"][1:] / cfg.n_train, a_w, a_wo)]
    worst = max(gaps, key=lambda c: (not c["reproduced"], c["p"]))
    worst["ours"] += f"; {sum(c['reproduced'] for c in gaps)} of {len(gaps)} records with FA w/ < FA w/o at p < 0.05"
    out.append(worst)
    d_noise, d_data = r["noise"]["dist"], r["FA w/o"]["dist"]
    out += [C.compare("fig2e_untrained_vs_random", "Fig. 2e: random training brings W_1 closer to B_1^T: "
                      "||W_1 - B_1^T||_F after Algorithm 1 below the untrained network's", d_noise[-1][0], d_noise[0][0],
                      ("randomly trained", "untrained"), ref="fig2e_noise", **lower),
            C.compare("fig2e_untrained_vs_data", "Fig. 2e: data training brings W_1 closer to B_1^T: ||W_1 - B_1^T||_F "
                      "after data (FA w/o) below the untrained network's", d_data[-1][0], d_data[0][0],
                      ("data trained", "untrained"), ref="fig2e_data", **lower)]
    if "data -> noise" in r:
        a, b = end(r, "FA w/o", "dist"), end(r, "data -> noise", "dist")
        c = C.differ("fig2g_data_vs_data_random", "Fig. 2g: data trained vs data and random trained, ||W_1 - B_1^T||_F "
                     "(the paper reports P < 0.001 and says random training could not move the weights)", a, b,
                     ("data trained", "data and random trained"), digits=3, ref="fig2g_data_first")
        c["ours"] += f"; random training after data changed the distance by {100 * (b.mean() / a.mean() - 1):+.1f}%"
        out.append(c)
    out.append(C.compare("fig2e_distance_normalized", "extra: ||W_1/||W_1|| - B_1^T/||B_1|| ||_F of FA w/ below FA w/o",
                         end(r, "FA w/", "ndist"), end(r, "FA w/o", "ndist"), ("FA w/", "FA w/o"),
                         ref="fig2_scale_free", **lower))


def claims(numbers, cfg):
    """Each statement of Fig. 2 and App. B.2-B.6 (registry.py), tested on the experiment's numbers; an
    experiment whose data are absent: its claims as absent records (plan)."""
    from .fig2 import settings_text
    out, lower = [], dict(larger=False, digits=3)
    for name in cfg.experiments:
        tag, on = TAGS[name]
        on = "" if on is None else f" ({on})"
        if numbers.get(name) is None:
            out += [C.absent(cid, f"{name}{on}: {what}", DATA[name], ref=ref) for cid, what, ref in plan(name, cfg)]
            continue
        r = {c: {k: np.asarray(v) for k, v in rec.items()} for c, rec in numbers[name]["runs"].items()}
        start, ref = len(out), REFS[tag]
        out.append(C.compare(f"{tag}b_auc", f"{name}: a network pretrained with random noise (FA w/) learns faster "
                             f"than FA w/o: larger area under the test-accuracy curve{on}", r["FA w/"]["auc"],
                             r["FA w/o"]["auc"], ("FA w/", "FA w/o"), unit="%", ref=ref["auc"]))
        if "final" in ref:
            out.append(C.compare(f"{tag}b_final_acc", f"{'App. B.2d' if tag == 'fig2' else 'extra'}: FA w/ reaches "
                                 f"a higher final test accuracy than FA w/o{on}", 100 * end(r, "FA w/", "acc"),
                                 100 * end(r, "FA w/o", "acc"), ("FA w/", "FA w/o"), unit="%", ref=ref["final"]))
        for m, x, what, larger, k in B2 if tag == "fig2" and "train_loss" in r["FA w/"] else ():
            out.append(C.compare(f"figB2{x}_{m}", f"App. B.2{x}: FA w/ ends data training with {what} than FA w/o "
                                 "(after the last epoch)", k * r["FA w/"][m], k * r["FA w/o"][m], ("FA w/", "FA w/o"),
                                 larger=larger, unit="%" if k == 100 else "", digits=2 if k == 100 else 3,
                                 ref=f"appB2{x}"))
        for l, panel in enumerate(ref["angle"]):
            if tag != "fig2":
                out.append(C.compare(f"{tag}_noise_angle_W{l + 1}", f"{name}: random-noise training aligns "
                                     f"W_{l + 1}^T to B_{l + 1} (angle after noise below before){on}",
                                     r["noise"]["angle"][-1][l], r["noise"]["angle"][0][l], ("after noise", "before"),
                                     larger=False, paired=True, unit=" deg", ref=panel))
            out.append(C.compare(f"{tag}c_angle_W{l + 1}", f"{name}: after data training, FA w/ keeps W_{l + 1}^T "
                                 f"closer to B_{l + 1} than FA w/o (smaller angle){on}", end(r, "FA w/", "angle", l),
                                 end(r, "FA w/o", "angle", l), ("FA w/", "FA w/o"), larger=False, unit=" deg",
                                 ref=panel))
        if "dist" in ref:
            out.append(C.compare("fig2e_distance" if tag == "fig2" else f"{tag}_distance", f"{name}: noise then data ends closer to the feedback than data "
                                 f"alone: ||W_1 - B_1^T||_F of FA w/ below FA w/o{on}", end(r, "FA w/", "dist"),
                                 end(r, "FA w/o", "dist"), ("FA w/", "FA w/o"), ref=ref["dist"], **lower))
        if tag == "fig2":
            fig2_only(r, out, cfg)
        if "data -> noise" in r and "order" in ref:
            out.append(C.compare(f"{tag}fg_order_dist", f"{name}: random training must come before data training: "
                                 f"noise -> data ends closer to B_1 than data -> noise (||W_1 - B_1^T||_F){on}",
                                 end(r, "FA w/", "dist"), end(r, "data -> noise", "dist"),
                                 ("noise -> data", "data -> noise"), ref=ref["order"], **lower))
        if tag != "fig2":                        # App. B runs its own n: the settings beside its claims say so
            for c in out[start:]:
                c["settings"] = settings_text(cfg, nets=len(r["FA w/"]["auc"])) + ("" if "BP" in r else
                                                                                  "; no BP reference")
    return out
