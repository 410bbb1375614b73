# %% [markdown]
# # Tutorial 9: noise pretraining under other rules without weight transport (beyond the paper; protocol of Fig. 2, App. B.3)
#
# The paper studies one rule, feedback alignment. Does random-noise pretraining also help the
# other rules that train without weight transport? Fig. 2's protocol
# per rule (n networks w/ and w/o Algorithm 1, then MNIST 5k/5k), each result stated as a
# finding, whichever way it comes out (REPRODUCTION.md, "Beyond the paper"). By default
# 784-100-10 with BP's line; --deep adds 784-100-100-10, where DFA differs from FA.
# The experiment is minifa/experiments/rules.py; its figure minifa/figures/rules.py.
#
# Run it here cell by cell (its notebook twin, `09_other_rules.ipynb`), or as a script:
# `python tutorials/09_other_rules.py [--quick | --lab | --paper] [--deep] [--nets 10] [--init he]`
# (a flag on the command line overrides `SIZE` below).

# %%
SIZE = "lab"   # "quick": seconds, tests nothing; "lab": a class-sized run that shows the effect; "paper": the paper's settings
# %% [markdown]
# ## The rules: each changes one line of the backward pass (minifa/model.py): the error that reaches h_l
# | rule | error into h_l, times relu'(o_l) | feedback | from |
# |---|---|---|---|
# | fa | B_l delta_{l+1} | B_l fixed, random | the paper's eq. 5: the reference |
# | dfa | B_l^d delta_L, straight from the output | B_l^d (n_l, n_L) fixed, random | Nøkland 2016 |
# | sign | s sign(W_l)^T delta_{l+1} | the signs of the forward weights | Liao, Leibo & Poggio 2016 (uSF) |
# | kp | B_l delta_{l+1}, as FA | B_l learns W_l's update transposed; both decay | Kolen & Pollack 1994; Akrout et al. 2019 |
#
# ## Settings: Fig. 2's protocol per rule; 784-100-100-10 (App. B.3's net) with --deep
# Per rule the same n networks twice: w/o trains them on MNIST from their random init, w/
# first runs Algorithm 1 on them. Measured: test accuracy every epoch (every 2 at 100 epochs),
# its AUC and final value, and the angle of every feedback matrix the rule uses against what it
# stands for (`alignment.forward_and_feedback`): W_l^T vs B_l for FA and KP, the whole path to
# the output vs B_l^d for DFA, W_l^T vs sign(W_l^T) for sign; before noise, after it, after data.
# %%
from minifa.experiments import rules
from minifa.experiments.session import Session
from minifa.figures.rules import draw
from minifa.stats import fmt

s = Session(rules, size=SIZE)     # SIZE, or --quick / --lab / --paper / --deep / --nets / --init; prints the settings
cfg = s.cfg

# %% [markdown]
# ## Run: per net and rule, Algorithm 1 on the w/ networks, then both trained on MNIST
# With one hidden layer DFA is FA exactly (its B_1^d is B_1, delta_L is delta_2;
# tests/test_rules.py), so the 784-100-10 row reuses FA's networks for DFA.
# %%
numbers = rules.run(cfg)

# %% [markdown]
# ## What to look at: AUC and final accuracy w/ vs w/o, and ||W_l||_F through the stages
# Watch KP's weight norms: its decay (model.KP_DECAY per step, on W and B) shrinks W during
# Algorithm 1 as well as W - B^T.
# %%
for key, res in numbers["runs"].items():
    print(f"\n{'-'.join(map(str, rules.nets_of(cfg)[key]))}")
    for rule, r in res.items():
        if rules.same_as_fa(rule, key):
            print("  DFA  = FA on one hidden layer (same networks, same numbers)")
            continue
        norm = {stage: "/".join(f"{v:.2f}" for v in n.mean(axis=1)) for stage, n in r["norm"].items()}
        print(f"  {rules.RULES[rule]:<4} AUC w/o {fmt(r['w/o']['auc'], '%')}  w/ {fmt(r['w/']['auc'], '%')}   "
              f"final w/o {fmt(r['w/o']['final'], '%')}  w/ {fmt(r['w/']['final'], '%')}\n"
              f"       ||W_l||_F (l = 0..{len(r['norm']['before']) - 1}): " + ", ".join(f"{rules.STAGES[st]} {v}" for st, v in norm.items()))

# %% [markdown]
# ## Findings: w/ vs w/o per rule and net, each worded as what it found
# Two-sample t-tests w/ vs w/o (AUC, final accuracy, angle after data), paired before vs after
# noise (angle); two-sided: a finding has no claimed direction. Its verdict is true when noise helps.
# %%
claims = rules.claims(numbers, cfg)
print("\nfindings (beyond the paper; two-sample t-tests w/ vs w/o, paired for the noise angle):")
for c in claims:
    print(f"  {c['claim']}")

# %% [markdown]
# ## The figure: one panel per rule (w/ vs w/o, BP dashed), a row per net; AUC gains with stars
# %%
s.finish(numbers, claims, draw(numbers, cfg))
