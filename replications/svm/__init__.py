"""Support-vector networks.

Corinna Cortes and Vladimir Vapnik (1995). Support-Vector Networks. *Machine Learning*
20(3):273-297. doi:10.1007/BF00994018.

Solver references: J. C. Platt (1998), Sequential minimal optimization, MSR-TR-98-14;
R.-E. Fan, P.-H. Chen and C.-J. Lin (2005), Working set selection using second order
information for training support vector machines, *JMLR* 6:1889-1918.
"""

from replications.svm.experiment import run

__all__ = ["run"]
