"""The paper's results, transcribed from its text: one statement per result it states.

Every claim an experiment tests names its statement (`ref`); the record then carries

    panel       where the paper shows it, lettered as its caption letters it ("Fig. 2e", "App. B.6d")
    quote       the paper's own words, verbatim (pieces joined by " … "), from ../shared/paper/
                cheon-lee-paik-2024.md, or for Table 1 (an image there) table1-summary.md
    kind        "paper": stated with a test, and we run that test at its n; "paper-untested": stated
                without a test, our test is our choice (`reading` says which and why); "extra":
                our own question, reported apart and never counted as the paper's
    paper_test  the paper's test as it gives it, or "none stated"
    verdict                 at p < 0.05, as every claim (ALPHA)
    verdict_at_paper_level  "paper" claims only: at the level the paper reports (*P < 0.001:
                            p < 0.001 in the claimed direction; NS: p >= 0.05)

tests/test_registry.py finds every quote in the paper's text.
"""
from ..settings import ALPHA

SOURCES = {"paper": "cheon-lee-paik-2024.md", "table1": "table1-summary.md"}
KINDS = ("paper", "paper-untested", "extra")
LEVELS = {"P<0.001": 1e-3, "NS": None}
NONE = "none stated"
T10 = "n_Net = 10, t-test, *P < 0.001"


def S(panel, kind, quote=None, paper_test=NONE, level=None, reading=None, source="paper"):
    assert kind in KINDS and (kind == "paper") == (level is not None), (panel, kind, level)
    return dict(panel=panel, kind=kind, quote=quote, paper_test=paper_test if kind != "extra" else "—",
                level=level, reading=reading, source=SOURCES[source])


OURS = "extra: our own question, not the paper's"
STATEMENTS = {
    # Fig. 1: Algorithm 1 aligns W to B (tutorials 02-03)
    "fig1d_loss": S("Fig. 1d", "paper-untested", "We observed that the loss decreased noticeably during random "
                    "training, even in the absence of meaningful data", reading="ours: the loss at the end of "
                    "Algorithm 1 (mean of its last 20 logs) below its first log, paired t-test over networks"),
    "fig1e_untrained": S("Fig. 1e", "paper", "In a randomly initialized network, the alignment angle appeared to be "
                         "close to 90°", "alignment angle in an untrained network vs. 90°, n = 100, one-sample "
                         "t-test, NS, P = 0.492", "NS", "n = the 100 hidden neurons' angles of one network"),
    "fig1e_trained": S("Fig. 1e", "paper", "after random training, the alignment angle decreased significantly",
                       "alignment angle in an untrained network vs. a randomly trained network, n = 100, two-sample "
                       "t-test, *P < 0.001", "P<0.001", "the text cites this test as 'Figure 1d, right': read as "
                       "Fig. 1e, right (Fig. 1d is the loss)"),
    "fig1e_asymptotic": S("Fig. 1e", "paper-untested", "the angle between the forward weights and synaptic feedback "
                          "of individual neurons in the hidden layer decreased asymptotically during random training",
                          reading="ours: each neuron's angle falls more in the first half of Algorithm 1 than in the "
                          "second (paired t-test over the 100 neurons)"),
    "fig1e_vs_90": S("Fig. 1e", "extra", reading=OURS + " (the trained angle against 90°)"),
    "fig1f": S("Fig. 1f", "paper-untested", "We confirmed that this is not simply due to input bias under a particular "
               "condition but is reproduced robustly with various input conditions", reading="ours: the paper lists no "
               "conditions; we take Gaussian and uniform noise of the same mean and std (as the authors' later code "
               "parameterises noise), each angle after Algorithm 1 below 90° (one-sample t-test)"),
    "fig1f_offset": S("Fig. 1f", "extra", reading=OURS + ": U(0, 1), an offset noise of std 0.29"),
    # Fig. 2: fast learning (tutorial 04)
    "fig2b_auc": S("Fig. 2b", "paper", "the convergence of the randomly trained network is significantly faster than "
                   "that in the network without random training", "inset, untrained network vs. randomly trained "
                   "network, " + T10, "P<0.001"),
    "fig2b_bp": S("Fig. 2b", "paper", "the convergence speed of the randomly trained network appeared comparable to "
                  "that of the network trained with backpropagation", "inset, randomly trained network vs. "
                  "backpropagation, " + T10, "P<0.001", "'comparable' with a significant test: we test the difference "
                  "(two-sided) and report the share of the FA w/o -> BP gap that FA w/ closes"),
    "fig2c_end": S("Fig. 2c", "paper", "at the end of the data training step, the alignment angle of the randomly "
                   "trained network was significantly smaller than that of the untrained network", "alignment angle "
                   "in an untrained network vs. a randomly trained network, " + T10, "P<0.001"),
    "fig2c_gap": S("Fig. 2c", "paper-untested", "the weight alignment gap between untrained and randomly trained "
                   "networks is maintained during data training", reading="ours: at every recorded epoch of data "
                   "training FA w/ < FA w/o (two-sample t-test); the record with the largest p is reported"),
    "fig2e_noise": S("Fig. 2e", "paper", "in both random and data training, the weights become closer to synaptic "
                     "feedback", "untrained vs. randomly trained network, " + T10, "P<0.001",
                     "||W_1 - B_1^T||_F before vs after Algorithm 1 (FA w/ networks)"),
    "fig2e_data": S("Fig. 2e", "paper", "in both random and data training, the weights become closer to synaptic "
                    "feedback … untrained vs. data training", "untrained vs. data training (the sentence is cut "
                    "in the text; its level read from the clause before it: *P < 0.001)", "P<0.001",
                    "||W_1 - B_1^T||_F before vs after data training (FA w/o networks)"),
    "fig2e_sequential": S("Fig. 2e", "paper-untested", "Sequential training with both random noise and data brings "
                          "weights closer to synaptic feedback than training solely with data", reading="ours: "
                          "||W_1 - B_1^T||_F after data, FA w/ < FA w/o (two-sample t-test)"),
    "fig2_scale_free": S("Fig. 2e", "extra", reading=OURS + ": the distance of the unit-norm matrices"),
    "fig2fg_order": S("Fig. 2f-g", "paper-untested", "the effects of random training depend on the order of the random "
                      "and data training", reading="ours: noise -> data ends closer to B_1 than data -> noise "
                      "(two-sample t-test)"),
    "fig2g_data_first": S("Fig. 2g", "paper", "when we trained the network with data first, subsequent random training "
                          "could not move the weights", "data trained vs. data and random trained, " + T10,
                          "P<0.001", "the words say 'could not move', the test reports a significant difference: we "
                          "run the paper's test (two-sided) and report the change in distance"),
    "fig2_final_acc": S("Fig. 2b", "extra", reading=OURS + ": the final test accuracy (the paper tests the AUC)"),
    # App. B.3-B.6 (tutorial 04)
    "appB3b": S("App. B.3b", "paper-untested", "Three-layer network trained with random noise and data sequentially "
                "… Test accuracy of the network under various training conditions", reading="ours: Fig. 2b's "
                "claims on 784-100-100-10 (AUC, two-sample t-test)"),
    "appB3c": S("App. B.3c", "paper-untested", "Alignment angle of the weights $W_1$ and synaptic feedback $B_1$ in "
                "the first layer of the network", reading="ours: Fig. 1e's and 2c's claims for W_1"),
    "appB3d": S("App. B.3d", "paper-untested", "Alignment angle of the weights $B_2$ and synaptic feedback $W_2$ in "
                "the second layer of the network", reading="ours: Fig. 1e's and 2c's claims for W_2 (the caption "
                "swaps W_2 and B_2)"),
    "appB5b": S("App. B.5b", "paper-untested", "Test accuracy during CIFAR-10 data training",
                reading="ours: Fig. 2b's AUC claim on CIFAR-10"),
    "appB5c": S("App. B.5c", "paper-untested", "Alignment angle of weights $W_1$ and synaptic feedback $B_1$ during "
                "random noise training and subsequent CIFAR-10 data training", reading="ours: Fig. 1e's and 2c's "
                "claims on CIFAR-10"),
    "appB6b": S("App. B.6b", "paper-untested", "Distance between weights $(\\mathbf{W}_1)$ and the synaptic feedback "
                "matrix $(\\mathbf{B}_1)$", reading="ours: Fig. 2e's claims on CIFAR-10"),
    "appB6d": S("App. B.6d", "paper-untested", "for alternating orders of random and CIFAR-10 data training",
                reading="ours: Fig. 2f-g's order claim on CIFAR-10"),
    "appB4_final_acc": S("App. B.5b", "extra", reading=OURS + ": CIFAR-10's final test accuracy"),
    # Fig. 3, App. C (tutorial 05)
    "fig3b_untrained": S("Fig. 3b", "paper", "the readout probability of the untrained network is distributed over a "
                         "wide range", "readout probability vs. chance level, n = 10,000, one-sample t-test, "
                         "*P < 0.001", "P<0.001", "n = readout neuron 0 of network 0 over the 10,000 MNIST test "
                         "images (the paper shows one neuron); two-sided"),
    "fig3b_trained": S("Fig. 3b", "paper", "that of the randomly trained network is well regularized, close to the "
                       "chance level", "readout probability vs. chance level, n = 10,000, one-sample t-test, NS, "
                       "P = 0.371", "NS", "as Fig. 3b, untrained"),
    "figC1b": S("App. C.1b", "paper-untested", "Distribution of the readout probability of networks for various types "
                "of inputs", reading="ours: Fig. 3b's NS test after Algorithm 1 for each input (noise, MNIST, FMNIST, "
                "KMNIST)"),
    "fig3c": S("Fig. 3c", "paper-untested", "a small portion of singular values become dominant in the randomly "
               "trained network", reading="ours: the share of the largest tenth of the singular values in their sum "
               "grows through Algorithm 1 (paired t-test over networks), every layer (App. C.2b-d)"),
    "fig3d": S("Fig. 3d", "paper-untested", "the effective rank of forward weights decreased significantly during "
               "random training", reading="ours: paired t-test over networks, effective rank after < before, every "
               "layer (App. C.2e-g); the paper states no test"),
    "fig3e": S("Fig. 3e", "paper-untested", "the generalization error was noticeably lower in a randomly trained "
               "network compared to an untrained network", reading="ours: test - train loss after the last epoch, "
               "1600 images, depth 3, two-sample t-test"),
    "fig3f": S("Fig. 3f", "paper", "this tendency was maintained with variations of the training set size",
               "random and data trained vs. data trained, " + T10, "P<0.001", "one test per training-set size"),
    "fig3g": S("Fig. 3g", "paper", "the effective rank of the Gram matrix was significantly lower in a randomly "
               "trained network compared to an untrained network after subsequent data training",
               "random and data trained vs. data trained, " + T10, "P<0.001"),
    "fig3h": S("Fig. 3h", "paper", "this tendency was maintained regardless of the network depth",
               "random and data trained vs. data trained, " + T10, "P<0.001", "one test per depth; depth counts "
               "weight layers (depth 3 = 784-100-100-10, Fig. 3g's networks, not repeated)"),
    "figC4": S("App. C.4b", "paper-untested", "Training and test accuracy for different training set sizes",
               reading="ours: final test accuracy FA w/ > FA w/o per size (the caption states no direction)"),
    "figC5": S("App. C.5c", "paper-untested", "Training process and generalization error for different network depths",
               reading="ours: Fig. 3e's claim per depth"),
    "figC6": S("App. C.6b", "paper-untested", "Training and test accuracy with different network depths",
               reading="ours: final test accuracy FA w/ > FA w/o per depth"),
    "fig3_gram_examples": S("Fig. 3g", "extra", reading=OURS + ": the example x example Gram matrix"),
    # Fig. 4 (tutorial 06)
    "fig4b": S("Fig. 4b", "paper", "a randomly trained network showed significantly higher test accuracy on "
               "out-of-distribution tasks than an untrained network", "right, random and data trained vs. data "
               "trained, " + T10, "P<0.001", "one pooled test: each network's mean accuracy over the translated, "
               "scaled and rotated test sets"),
    "fig4c": S("Fig. 4c", "paper", "the randomly trained network showed higher test accuracy on the USPS dataset",
               "random and data trained vs. data trained, " + T10, "P<0.001"),
    "fig4_each": S("Fig. 4b", "extra", reading=OURS + ": each transformed test set alone"),
    "fig4a_mnist": S("Fig. 4a", "extra", reading=OURS + ": in-distribution MNIST test accuracy"),
    # Fig. 5 (tutorial 07)
    "fig5a": S("Fig. 5a", "paper-untested", "random noise pretraining reduces the amount of meta-loss",
               reading="ours: meta-loss after Algorithm 1 < before, paired t-test (the abstract's words)"),
    "fig5a_trend": S("Fig. 5a", "paper-untested", "the meta-loss decreased gradually during the random training process",
                     reading="ours: each network's least-squares slope of meta-loss over Algorithm 1's checkpoints "
                     "is negative (one-sample t-test of the slopes < 0)"),
    "fig5a_task": S("Fig. 5a", "extra", reading=OURS + ": each task's loss after adaptation"),
    "fig5b": S("Fig. 5b", "paper-untested", "the trajectory of weights during random noise training moves closer to "
               "synaptic feedback ( $B_2$ )", reading="ours: ||W_2 - B_2^T||_F after Algorithm 1 < before, paired; the sentence's "
               "'which makes the adaption to each task more efficient' is Fig. 5c's test"),
    "fig5c": S("Fig. 5c", "paper", "the randomly trained network showed remarkably fast adaption to each task compared "
               "to the untrained network", "random and data trained vs. data trained, " + T10, "P<0.001",
               "one test per task, on the AUC of test accuracy; two-sample, as the paper's other 'random and data "
               "trained vs. data trained' tests"),
    # Table 1 (tutorial 08)
    "table1": S("Table 1", "paper-untested", "feedback alignment without random noise pretraining (w/o), and feedback "
                "alignment with random noise pretraining (w/)", reading="ours: FA w/ more accurate than FA w/o per "
                "dataset (two-sample t-test over the three trials); direction ours: the text at hand states no "
                "result and gives no numbers",
                source="table1"),
    "appB_table": S("App. B", "paper-untested", "The table also notes that more extensive results using networks of "
                    "varying depths are available in the Appendix", reading="ours: Table 1's claim on deeper "
                    "networks (direction ours; no result stated)", source="table1"),
    # tutorial 09: beyond the paper
    "rules": S("beyond the paper", "extra", reading=OURS + ": Fig. 2's protocol under other learning rules"),
    # tutorial 10: beyond the paper
    "sensitivity": S("beyond the paper", "extra", reading=OURS + ": Fig. 2's protocol over a grid of settings "
                     "(init gain, noise amount, ...; minifa.sweep)"),
}

AMBIGUITIES = [
    ("what 'depth' counts", "Table C.1's 'network depth: 3' is 784-100-100-10 (three weight layers); Table C.3 lists "
     "'Number of hidden layers [2, 3, 4, 5, 6]'. We count weight layers (depth 3 = 784-100-100-10, as Fig. 3's "
     "captions), so our depths 2-6 have 1-5 hidden layers."),
    ("Fig. 5a's meta-loss", "the caption says 'the sum of the losses measured during adaption', the Definition "
     "L_meta = sum_i L_Ti(theta'_i), the loss at the adapted parameters: we take the Definition (the test loss "
     "after the adaptation steps of Table D.1)."),
    ("'comparable to backpropagation (… *P < 0.001)'", "a significant difference under the word 'comparable': we "
     "test the difference and report the share of the FA w/o -> BP gap in AUC that FA w/ closes."),
    ("'could not move the weights (… *P < 0.001)'", "a significant test under words that say no change: we run "
     "the paper's test (data trained vs data and random trained) and report the change in ||W_1 - B_1^T||_F."),
    ("Fig. 1e's two-sample test", "the text cites it as 'Figure 1d, right'; Fig. 1d is the loss, so we read Fig. 1e."),
    ("Fig. 2e's second test", "'untrained vs. data training' is cut mid-sentence in the text; its level is read "
     "from the clause before it (*P < 0.001)."),
    ("Fig. 1f's input conditions", "the paper lists none; the authors' later code parameterises noise by mean and "
     "std, so ours are Gaussian and uniform noise of the same mean and std; U(0, 1) (std 0.29 and an offset) is "
     "kept as a labelled extra."),
    ("n of Fig. 1e and 3b", "n = 100 read as the 100 hidden neurons of one network; n = 10,000 as one readout "
     "neuron over the 10,000 MNIST test images."),
]


NOT_TESTED = [     # stated by the paper, shown in a figure, with no test here (yet)
    ("Fig. 2d, 2f", "random training and data training have different directions in the principal component space",
     "drawn (the PCA of network 0's W_1), not tested: a test would need every network's W_1 path"),
]


def statement(ref):
    """The statement `ref` (KeyError naming the known ones when it is not transcribed)."""
    if ref not in STATEMENTS:
        raise KeyError(f"no statement {ref!r} in minifa/experiments/registry.py; known: {', '.join(STATEMENTS)}")
    return STATEMENTS[ref]


def verdicts(c, level):
    """(verdict at ALPHA, verdict at the paper's level or None) of a claim record."""
    if c.get("absent"):
        return "absent", "absent" if level else None
    if c["t"] is None or c["p"] is None or c["t"] != c["t"] or c["p"] != c["p"]:
        return "no result", "no result" if level else None
    v = "reproduced" if c["reproduced"] else "not reproduced"
    if level is None:
        return v, None
    threshold = LEVELS[level]
    at_level = c["reproduced"] and (threshold is None or c["p"] < threshold)
    assert threshold is None or threshold <= ALPHA
    return v, "reproduced" if at_level else "not reproduced"


def annotate(c, ref):
    """The claim record `c` with its statement's fields and both verdicts."""
    s = statement(ref)
    v, at_level = verdicts(c, s["level"])
    c.update(ref=ref, panel=s["panel"], quote=s["quote"], kind=s["kind"], paper_test=s["paper_test"],
             reading=s["reading"], source=s["source"], verdict=v)
    if s["kind"] == "paper":
        c.update(paper_level=s["level"], verdict_at_paper_level=at_level)
    return c
