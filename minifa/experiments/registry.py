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

The statements themselves are in statements.py (Fig. 1-2, App. B, Table 1) and statements_fig3_5.py
(Fig. 3-5, App. C-D); here: the paper's ambiguities with our reading, its results not tested, and
the verdicts. tests/test_registry.py finds every quote in the paper's text.
"""
from ..settings import ALPHA
from .statements import FIG1_2, KINDS, NONE, OURS, SOURCES, T10, S  # noqa: F401 (the names registry.py has had)
from .statements_fig3_5 import FIG3_5

LEVELS = {"P<0.001": 1e-3, "NS": None}
STATEMENTS = {**FIG1_2, **FIG3_5}

AMBIGUITIES = [
    ("what 'depth' counts", "Table C.1's 'network depth: 3' is 784-100-100-10 (three weight layers); Table C.3 lists "
     "'Number of hidden layers [2, 3, 4, 5, 6]'. Our reading: weight layers (depth 3 = 784-100-100-10, as Fig. 3's "
     "captions), so our depths 2-6 have 1-5 hidden layers."),
    ("Fig. 5a's meta-loss", "the caption says 'the sum of the losses measured during adaption', the Definition "
     "L_meta = sum_i L_Ti(theta'_i), the loss at the adapted parameters: we take the Definition (the test loss "
     "after the adaptation steps of Table D.1)."),
    ("Table D.1's meta-loss block", "the block of four settings between Algorithm 1's and the data training's has "
     "no row names; '10 / 10 / 0.001 / Adam' read as adaptation steps, examples per step, learning rate and "
     "optimizer (settings.META)."),
    ("'comparable to backpropagation (… *P < 0.001)'", "a significant difference under the word 'comparable': we "
     "test the difference and report the share of the FA w/o -> BP gap in AUC that FA w/ closes."),
    ("'could not move the weights (… *P < 0.001)'", "a significant test under words that say no change: we run "
     "the paper's test (data trained vs data and random trained) and report the change in ||W_1 - B_1^T||_F."),
    ("Fig. 1e's two-sample test", "the text cites it as 'Figure 1d, right'; Fig. 1d is the loss, so we read Fig. 1e."),
    ("Fig. 2e's second test", "'untrained vs. data training' is cut mid-sentence in the text; its level is read "
     "from the clause before it (*P < 0.001)."),
    ("Fig. 2e-2g's passage", "the text there is garbled: after 'untrained vs. data training' words are lost up to "
     "'and data training have different directions', so Fig. 2f's own statement is gone, and the order sentence "
     "reads '… depend on the order of the random and data training was performed after random training compared "
     "to when training is done in a reversed order', its comparison and any test lost. Our reading: noise -> data "
     "ends closer to B_1 than data -> noise (fig2fg_order), kind 'paper-untested' as a guess (the lost words may "
     "have held a test), labelled Fig. 2g, whose quantity (the distance for the two orders) the test is on; Fig. 2f "
     "(the order of the PCA paths) is drawn only."),
    ("'distance' to the feedback", "Fig. 2e, 2g and App. B.6b, B.6d plot a 'distance between the weights (W_1) and "
     "the synaptic feedback matrix (B_1)' the paper does not define: ours is ||W_1 - B_1^T||_F (B_1 has W_1^T's "
     "shape), unscaled; the distance of the unit-norm matrices is an extra (fig2e_distance_normalized)."),
    ("paired or two-sample 't-test'", "the paper says which only for Fig. 1e (one-sample; two-sample on the same "
     "neurons before and after). Its Fig. 2e and 2g tests also compare the same networks at two times (untrained "
     "vs trained; data trained vs data and random trained): we run them two-sample, as Fig. 1e's. Where the paper "
     "states no test and we compare the same networks before and after Algorithm 1 (Fig. 1d, 3c, 3d, App. C.1a, "
     "C.2, Fig. 5a, 5b, App. B's noise angles), ours is paired, our choice. Networks of different conditions "
     "(FA w/ vs FA w/o, BP) are compared two-sample."),
    ("Fig. 1f's input conditions", "the paper lists none; the authors' later code parameterises noise by mean and "
     "std, so ours are Gaussian and uniform noise of the same mean and std; U(0, 1) (std 0.29 and an offset) is "
     "kept as a labelled extra."),
    ("n of Fig. 1e", "n = 100 read as the 100 hidden neurons of one network."),
    ("Fig. 3b's inputs and n", "the text names neither the inputs nor what n = 10,000 counts. Ours: one readout "
     "neuron of one network over the 10,000 MNIST test images; App. C.1b lists random noise first among its "
     "inputs (noise is tested there), and 10,000 could as well be 10 networks x 1,000 test images. 'Distributed "
     "over a wide range' speaks of the spread; the paper's test (vs. chance) and ours are on the mean."),
    ("which layer Fig. 3c-d show", "the main text's Fig. 3c ('singular value spectrum of the forward weights') and "
     "3d ('effective rank of forward weights') name no layer of the 784-100-100-10 network; App. C.2b-g draws each "
     "of W_0, W_1 and W_2. Every layer is tested under its App. C.2 panel; the main-text statements are tested on "
     "W_1 (fig3c_top_tenth, fig3d_erank: the same numbers as App. C.2c and C.2f), our choice: the layer between "
     "two hidden layers, with 100 singular values (W_2 has 10)."),
    ("Fig. 4b's one test", "the paper reports one test for the translated, scaled and rotated sets together; ours "
     "pools them, each network's mean accuracy over the three sets (our choice); each set alone is an extra."),
    ("Fig. 4's training protocol", "the text gives no training-set size, epochs or network for Fig. 4: ours are "
     "Table B.1's (5,000 images, 100 epochs, batch 64, Adam 1e-4) on Table C.1's 784-100-100-10, tested on "
     "the 10,000 MNIST test images and their transforms; Section 4.3's "
     "other experiments (Tables C.2-C.3) use 1,600 images, 500 epochs and 1,000 test images, which may as well be "
     "Fig. 4's."),
    ("Fig. 5c's measure", "'remarkably fast adaption' with a t-test names no measure: ours is the AUC of the test "
     "accuracy per task (as Fig. 2b's inset), two-sample, as the paper's other 'random and data trained vs. data "
     "trained' tests."),
]

DRAWN = "the caption names what is drawn and states no direction (nor does the text): not tested"
NOT_TESTED = [     # stated or shown by the paper, with no test here: (panel, its words, why)
    ("Fig. 2d, 2f", "random training and data training have different directions in the principal component space",
     "drawn (the PCA of network 0's W_1), not tested: a test would need every network's W_1 path"),
    ("App. B.6a", "Trajectory of weights $(\\mathbf{W}_1)$ toward synaptic feedback matrix $(\\mathbf{B}_1)$ in the "
     "PCA (principal component analysis) latent space for random noise and CIFAR-10 data training",
     "neither drawn nor tested: App. B's runs keep no W_1 path (as Fig. 2d, a test would need every network's)"),
    ("App. B.6c", "Order dependence of the trajectory of weights $(\\mathbf{W}_1)$",
     "neither drawn nor tested, as App. B.6a (its distance, App. B.6d, is tested)"),
    ("App. C.3a-c", "(a) Training loss. (b) Test loss. (c) Training loss vs. test loss. Each column indicates a "
     "network trained with a different training set size", DRAWN + "; C.3c's test - train gap per size is Fig. "
     "3f's generalization error, tested there (fig3f_generr_n*)"),
    ("App. C.4a", "Training and test accuracy for different training set sizes. (a) Training accuracy",
     DRAWN + " (C.4b's test accuracy is, figC4)"),
    ("App. C.5a-b", "Training process and generalization error for different network depths. (a) Training loss. "
     "(b) Test loss", DRAWN + " (C.5c's gap is, figC5)"),
    ("App. C.6a", "Training and test accuracy with different network depths. (a) Training accuracy",
     DRAWN + " (C.6b's test accuracy is, figC6)"),
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
