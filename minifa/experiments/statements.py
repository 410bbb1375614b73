"""The paper's statements of Fig. 1, Fig. 2, App. B and Table 1, one record each (S()): what
registry.py lists, with statements_fig3_5.py's (Fig. 3-5, App. C-D). registry.py says what the
fields mean; tests/test_registry.py finds every quote in ../shared/paper/."""

SOURCES = {"paper": "cheon-lee-paik-2024.md", "table1": "table1-summary.md"}
KINDS = ("paper", "paper-untested", "extra")
NONE = "none stated"
T10 = "n_Net = 10, t-test, *P < 0.001"
OURS = "extra: our own question, not the paper's"


def S(panel, kind, quote=None, paper_test=NONE, level=None, reading=None, source="paper"):
    assert kind in KINDS and (kind == "paper") == (level is not None), (panel, kind, level)
    return dict(panel=panel, kind=kind, quote=quote, paper_test=paper_test if kind != "extra" else "—",
                level=level, reading=reading, source=SOURCES[source])


def angles(net):
    """The reading of an App. B angle panel: what runs on `net`."""
    return (f"ours: on {net}, each network's mean angle between W_l^T and B_l over its neurons: after Algorithm 1 "
            "below before (paired t-test over the networks), and after data training FA w/ below FA w/o "
            "(two-sample t-test, as Fig. 2c's end-of-training test); not Fig. 1e's tests, which are over the 100 "
            "neurons of one network")


B2 = "Loss and accuracy outcomes of the network under various training conditions"
FINAL = ("the caption states no direction: ours from Section 4.2's 'can learn the data more quickly'; the value "
         "after the last epoch (the training set is evaluated there only, not along the curve)")

FIG1_2 = {
    # Fig. 1: Algorithm 1 aligns W to B (tutorials 02-03)
    "fig1d_loss": S("Fig. 1d", "paper-untested", "We observed that the loss decreased noticeably during random "
                    "training, even in the absence of meaningful data", reading="ours: the loss at the end of "
                    "Algorithm 1 (mean of its last 20 logs) below its first log, paired t-test over networks"),
    "fig1e_untrained": S("Fig. 1e", "paper", "In a randomly initialized network, the alignment angle appeared to be "
                         "close to 90°", "alignment angle in an untrained network vs. 90°, n = 100, one-sample "
                         "t-test, NS, P = 0.492", "NS", "n = the 100 hidden neurons' angles of one network"),
    "fig1e_trained": S("Fig. 1e", "paper", "we found that the weights of neurons are aligned to the corresponding "
                       "synaptic feedback weights during the random training process (Figure 1e) … after random "
                       "training, the alignment angle decreased significantly",
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
    "fig2b_auc": S("Fig. 2b", "paper", "a randomly trained network can learn the data more quickly compared to a "
                   "network without random training (Figure 2b) … the convergence of the randomly trained network is "
                   "significantly faster than that in the network without random training", "inset, untrained "
                   "network vs. randomly trained network, " + T10, "P<0.001"),
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
                     "||W_1 - B_1^T||_F before vs after Algorithm 1 (FA w/ networks), two-sample (see the ambiguities)"),
    "fig2e_data": S("Fig. 2e", "paper", "in both random and data training, the weights become closer to synaptic "
                    "feedback … untrained vs. data training", "untrained vs. data training (the sentence is cut "
                    "in the text; its level read from the clause before it: *P < 0.001)", "P<0.001",
                    "||W_1 - B_1^T||_F before vs after data training (FA w/o networks), two-sample"),
    "fig2e_sequential": S("Fig. 2e", "paper-untested", "Sequential training with both random noise and data brings "
                          "weights closer to synaptic feedback than training solely with data", reading="ours: "
                          "||W_1 - B_1^T||_F after data, FA w/ < FA w/o (two-sample t-test)"),
    "fig2_scale_free": S("Fig. 2e", "extra", reading=OURS + ": the distance of the unit-norm matrices"),
    "fig2fg_order": S("Fig. 2g", "paper-untested", "the effects of random training depend on the order of the random "
                      "and data training … was performed after random training compared to when training is done in "
                      "a reversed order", reading="ours: ||W_1 - B_1^T||_F at the end, noise -> data below data -> "
                      "noise (two-sample t-test), on Fig. 2g's quantity (2f, the order of the PCA paths, is drawn "
                      "only); the sentence is garbled in the text, its comparison and any test lost: "
                      "'paper-untested' is our guess (see the ambiguities)"),
    "fig2g_data_first": S("Fig. 2g", "paper", "when we trained the network with data first, subsequent random training "
                          "could not move the weights", "data trained vs. data and random trained, " + T10,
                          "P<0.001", "the words say 'could not move', the test reports a significant difference: we "
                          "run the paper's test (two-sided, two-sample) and report the change in distance"),
    # App. B.2-B.6 (tutorial 04)
    "appB2a": S("App. B.2a", "paper-untested", B2 + ". (a) Training loss", reading="ours: the training loss, FA w/ "
                "below FA w/o (two-sample t-test over the networks); " + FINAL),
    "appB2b": S("App. B.2b", "paper-untested", B2 + " … (b) Test loss", reading="ours: the test loss, FA w/ below "
                "FA w/o (two-sample t-test over the networks); " + FINAL),
    "appB2c": S("App. B.2c", "paper-untested", B2 + " … (c) Training accuracy", reading="ours: the training "
                "accuracy, FA w/ above FA w/o (two-sample t-test over the networks); " + FINAL),
    "appB2d": S("App. B.2d", "paper-untested", B2 + " … (d) Test accuracy", reading="ours: the test accuracy, "
                "FA w/ above FA w/o (two-sample t-test over the networks); " + FINAL + " (the paper tests the "
                "curve's AUC: Fig. 2b)"),
    "appB3b": S("App. B.3b", "paper-untested", "Three-layer network trained with random noise and data sequentially "
                "… Test accuracy of the network under various training conditions", reading="ours: on "
                "784-100-100-10, the AUC of test accuracy, FA w/ above FA w/o (two-sample t-test), as fig2b_auc; BP "
                "(appB_bp) is drawn beside them, not compared"),
    "appB3c": S("App. B.3c", "paper-untested", "Alignment angle of the weights $W_1$ and synaptic feedback $B_1$ in "
                "the first layer of the network", reading=angles("784-100-100-10, W_1")),
    "appB3d": S("App. B.3d", "paper-untested", "Alignment angle of the weights $B_2$ and synaptic feedback $W_2$ in "
                "the second layer of the network", reading=angles("784-100-100-10, W_2") + " (the caption swaps W_2 "
                "and B_2)"),
    "appB5b": S("App. B.5b", "paper-untested", "Test accuracy during CIFAR-10 data training", reading="ours: on "
                "CIFAR-10 (3072-100-10), the AUC of test accuracy, FA w/ above FA w/o (two-sample t-test), as "
                "fig2b_auc; no BP comparison"),
    "appB5c": S("App. B.5c", "paper-untested", "Alignment angle of weights $W_1$ and synaptic feedback $B_1$ during "
                "random noise training and subsequent CIFAR-10 data training", reading=angles("CIFAR-10, W_1")),
    "appB6b": S("App. B.6b", "paper-untested", "Distance between weights $(\\mathbf{W}_1)$ and the synaptic feedback "
                "matrix $(\\mathbf{B}_1)$", reading="ours: on CIFAR-10, ||W_1 - B_1^T||_F after data, FA w/ below "
                "FA w/o (two-sample t-test), Fig. 2e's sequential comparison (fig2e_sequential) only; Fig. 2e's "
                "two tests against the untrained network are not run on CIFAR-10"),
    "appB6d": S("App. B.6d", "paper-untested", "for alternating orders of random and CIFAR-10 data training",
                reading="ours: on CIFAR-10, ||W_1 - B_1^T||_F at the end, noise -> data below data -> noise "
                "(two-sample t-test), as fig2fg_order; Fig. 2g's own test (data vs data -> noise) is not run on "
                "CIFAR-10"),
    "appB4_final_acc": S("App. B.5b", "extra", reading=OURS + ": CIFAR-10's final test accuracy"),
    # Table 1 (tutorial 08)
    "table1": S("Table 1", "paper-untested", "feedback alignment without random noise pretraining (w/o), and feedback "
                "alignment with random noise pretraining (w/)", reading="ours: FA w/ more accurate than FA w/o per "
                "dataset (two-sample t-test over the three trials); direction ours: the text at hand states no "
                "result and gives no numbers", source="table1"),
    "appB_table": S("Table 1, deeper rows (ours)", "extra", reading=OURS + ": Table 1's comparison on deeper "
                    "networks (table1's `deep` rows: MNIST and CIFAR-10 at 3 weight layers). The summary at hand only "
                    "points to 'more extensive results … in the Appendix'; the appendix has no such table and no "
                    "deeper CIFAR-10 network (App. B.3 is MNIST's 784-100-100-10)"),
    # tutorials 09-10: beyond the paper
    "rules": S("beyond the paper", "extra", reading=OURS + ": Fig. 2's protocol under other learning rules"),
    "sensitivity": S("beyond the paper", "extra", reading=OURS + ": Fig. 2's protocol over a grid of settings "
                     "(init gain, noise amount, ...; minifa.sweep)"),
}
