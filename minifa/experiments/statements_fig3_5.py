"""The paper's statements of Fig. 3-5 and App. C-D, one record each (statements.S); registry.py
lists them with statements.py's (Fig. 1-2, App. B, Table 1) and says what the fields mean."""
from .statements import OURS, T10, S

C2_SV = "Singular value spectrum of weights in each layer of the untrained and randomly trained networks"
C2_ER = "Effective dimensionality of weights in each layer during random noise training"
C2_WHY = ("the caption states no direction: ours from Section 4.3's words for the forward weights (see fig3c, "
          "fig3d)")
W1 = ("on W_1, the 100 x 100 hidden-to-hidden matrix of 784-100-100-10 (the main text names no layer, see the "
      "ambiguities; every layer is tested under its App. C.2 panel): W_1 is the middle panel of App. C.2, the one "
      "layer between two hidden layers, and its spectrum has 100 values as W_0's (W_2's has 10, its top tenth a "
      "single value); our choice")


def c2(layer, spectrum):
    """App. C.2b-d (spectrum) or C.2e-g (effective rank) of W_layer."""
    panel = "App. C.2" + ("bcd" if spectrum else "efg")[layer]
    test = ("the share of the largest tenth of the singular values in their sum grows through Algorithm 1"
            if spectrum else "the effective rank after Algorithm 1 below before")
    return S(panel, "paper-untested", C2_SV if spectrum else C2_ER, reading=f"ours: W_{layer}: {test} (paired "
             f"t-test over the networks); {C2_WHY}")


FIG3_5 = {
    # Fig. 3, App. C (tutorial 05)
    "fig3b_untrained": S("Fig. 3b", "paper", "the readout probability of the untrained network is distributed over a "
                         "wide range", "readout probability vs. chance level, n = 10,000, one-sample t-test, "
                         "*P < 0.001", "P<0.001", "n = readout neuron 0 of network 0 over the 10,000 MNIST test "
                         "images (the paper shows one neuron; its inputs and n are our reading, see the "
                         "ambiguities); two-sided, on the mean as the paper's test: 'distributed over a wide range' "
                         "speaks of the spread, which no test here measures"),
    "fig3b_trained": S("Fig. 3b", "paper", "that of the randomly trained network is well regularized, close to the "
                       "chance level", "readout probability vs. chance level, n = 10,000, one-sample t-test, NS, "
                       "P = 0.371", "NS", "as Fig. 3b, untrained"),
    "appC1a": S("App. C.1a", "paper-untested", "Output probability of readout neurons measured in untrained and "
                "randomly trained networks", reading="ours: each network's mean |p_c - 1/10| over its 10 readout "
                "neurons and Fig. 3b's probe inputs, lower after Algorithm 1 than before (paired t-test over the "
                "networks); the caption states no direction: ours from Section 4.3's 'well regularized, close to "
                "the chance level'; the number of readout neurons at chance (NS) is printed beside it"),
    "figC1b": S("App. C.1b", "paper-untested", "Distribution of the readout probability of networks for various types "
                "of inputs", reading="ours: Fig. 3b's NS test after Algorithm 1 for each input (noise, MNIST, FMNIST, "
                "KMNIST)"),
    "fig3c": S("Fig. 3c", "paper-untested", "the singular value spectrum of forward weights changes significantly by "
               "random training (Figure 3c) … a small portion of singular values become dominant in the randomly "
               "trained network", reading="ours: the share of the largest tenth of the singular values in their sum "
               "grows through Algorithm 1 (paired t-test over networks), " + W1),
    "fig3d": S("Fig. 3d", "paper-untested", "the effective rank of forward weights decreased significantly during "
               "random training", reading="ours: the effective rank after Algorithm 1 below before (paired t-test "
               "over networks; the paper states no test), " + W1),
    **{f"appC2{'bcd'[l]}": c2(l, True) for l in range(3)},
    **{f"appC2{'efg'[l]}": c2(l, False) for l in range(3)},
    "fig3e": S("Fig. 3e", "paper-untested", "the generalization error was noticeably lower in a randomly trained "
               "network compared to an untrained network", reading="ours: test - train loss after the last epoch, "
               "1600 images, depth 3, two-sample t-test"),
    "fig3f": S("Fig. 3f", "paper", "this tendency was maintained with variations of the training set size",
               "random and data trained vs. data trained, " + T10, "P<0.001", "one test per training-set size "
               "(App. C.3c draws the same test - train gap per size)"),
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
               "trained, " + T10, "P<0.001", "one pooled test (our choice, see the ambiguities): each network's "
               "mean accuracy over the translated, scaled and rotated test sets"),
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
               "synaptic feedback ( $B_2$ ) … which makes the adaption to each task more efficient (Figure 5b)",
               reading="ours: ||W_2 - B_2^T||_F after Algorithm 1 < before, paired t-test over the networks; 'more "
               "efficient' adaptation is tested by Fig. 5c's claims (AUC per task), not here; the PCA trajectory "
               "itself is not drawn"),
    "fig5c": S("Fig. 5c", "paper", "the randomly trained network showed remarkably fast adaption to each task compared "
               "to the untrained network", "random and data trained vs. data trained, " + T10, "P<0.001",
               "one test per task, on the AUC of test accuracy (our measure: the paper names none, see the "
               "ambiguities); two-sample, as the paper's other 'random and data trained vs. data trained' tests"),
}
