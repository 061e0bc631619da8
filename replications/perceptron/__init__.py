"""The perceptron: Rosenblatt (1958) and the convergence theorem (Novikoff 1962).

References:
    Rosenblatt, F. (1958). The perceptron: a probabilistic model for information storage
    and organization in the brain. Psychological Review 65(6), 386-408.
    Rosenblatt, F. (1962). Principles of Neurodynamics. Spartan Books.
    Novikoff, A. B. J. (1962). On convergence proofs on perceptrons. Symposium on the
    Mathematical Theory of Automata 12, 615-622.
    Cover, T. M. (1965). Geometrical and statistical properties of systems of linear
    inequalities with applications in pattern recognition. IEEE Trans. Electronic
    Computers EC-14(3), 326-334.

Public pieces that other replications use, imported from here and nowhere deeper:
Rosenblatt's error-correction rule and Cover's linear-separability test.
"""

from replications.perceptron.capacity import separable_by_lp
from replications.perceptron.experiment import run
from replications.perceptron.model import perceptron_epoch, train_perceptron

__all__ = ["perceptron_epoch", "run", "separable_by_lp", "train_perceptron"]
