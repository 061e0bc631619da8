"""Random forests: Breiman, L. (2001). "Random Forests". *Machine Learning* 45(1):5-32.
doi:10.1023/A:1010933404324.

Also used: Breiman, L. (1998). "Arcing classifiers". *Annals of Statistics* 26(3):801-849
(Adaboost with resampling); Breiman, L. (1996). "Bias, variance, and arcing classifiers",
Tech. Rep. 460, Statistics Dept., UC Berkeley (twonorm, threenorm, ringnorm); Breiman,
Friedman, Olshen & Stone (1984), *Classification and Regression Trees*, §2.6.2 (waveform).

Public pieces that other replications use, imported from here and nowhere deeper:
Breiman's Forest-RI, its default number of inputs per node, and Adaboost with unpruned CART.
"""

from replications.random_forest.experiment import run
from replications.random_forest.forests import boost, default_features, grow_forest

__all__ = ["boost", "default_features", "grow_forest", "run"]
