"""Support-vector networks.

Corinna Cortes and Vladimir Vapnik (1995). Support-Vector Networks. *Machine Learning*
20(3):273-297. doi:10.1007/BF00994018.

Solver references: J. C. Platt (1998), Sequential minimal optimization, MSR-TR-98-14;
R.-E. Fan, P.-H. Chen and C.-J. Lin (2005), Working set selection using second order
information for training support vector machines, *JMLR* 6:1889-1918.

Public pieces that other replications use, imported from here and nowhere deeper:
the soft-margin polynomial SVM solver and the paper's one-vs-rest setup with input scaling.
"""

from replications.svm.experiment import run
from replications.svm.protocol import one_vs_rest, scale_inputs
from replications.svm.solver import fit as fit_svm

__all__ = ["fit_svm", "one_vs_rest", "run", "scale_inputs"]
