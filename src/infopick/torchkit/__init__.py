"""The torch kit, on the ground floor: model blocks (``model``), augmentation (``augment``), the small
trainer (``trainer``) and tensor conversion (``tensors``). The game and the trained embedders both
import it; it knows nothing of either (minGPT's trainer habit). torch is imported inside functions.
"""
