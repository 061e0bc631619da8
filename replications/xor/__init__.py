"""XOR and parity: the limits of one layer (Minsky & Papert 1969).

References:
    Minsky, M. & Papert, S. (1969). Perceptrons: An Introduction to Computational
    Geometry. MIT Press. (Order of a predicate, ch. 1; parity theorem, section 3.1.)
    Block, H. D. & Levin, S. A. (1970). On the boundedness of an iterative procedure for
    solving a system of linear inequalities. Proc. AMS 26, 229-235 (perceptron cycling).
"""

from replications.xor.experiment import run

__all__ = ["run"]
