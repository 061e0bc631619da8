"""No silver bullet: every era's method on every era's problem, and how much data each needs.

Each bandwagon was right about some problems and wrong about others. The methods are the
other replications' own models (perceptron, backprop, SVM, random forest and AdaBoost,
the AlexNet-style CNN); the problems are each era's favourite task.

References:
    Wolpert, D. H. (1996). The lack of a priori distinctions between learning algorithms.
    Neural Computation 8(7), 1341-1390 (no free lunch).
    Cortes, C. & Vapnik, V. (1995). Support-vector networks. Machine Learning 20, 273-297
    (§6.2.1: the SVM would do as well if the pixels were encrypted).
    LeCun, Y., Bottou, L., Bengio, Y. & Haffner, P. (1998). Gradient-based learning applied
    to document recognition. Proc. IEEE 86(11), 2278-2324 (§II: local receptive fields).
"""

from replications.no_silver_bullet.experiment import run

__all__ = ["run"]
