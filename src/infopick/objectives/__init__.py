"""Set functions and their optimisers, below both strategies and measures (apricot's what / how split).

| module | what is maximised | how |
|---|---|---|
| ``facility`` | facility location on the kNN graph | lazy greedy, compiled |
| ``coverage`` | max coverage of delta-balls; the purity radius that sets delta | greedy with count updates |
| ``coding`` | coding rate 1/2 log2 det(I + alpha Z^T Z) | Sherman-Morrison rank-one steps |
| ``geometry`` | k-center (farthest-first), k-means | Gonzalez traversal, FAISS Lloyd |
| ``rows`` | - | row normalisers: unit length, unit interval, bytes |
| ``ranking`` | - | the best k of a score vector, ties at random |

Strategies (``infopick.select``) and measures (``infopick.measure``) call these; neither imports
the other's internals.
"""
