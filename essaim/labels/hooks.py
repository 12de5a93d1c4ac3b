"""What the labels let the apps above act on (``essaim.core.hooks``)."""

from essaim.core.hooks import Hook

label_granted = Hook(
    "label_granted",
    "A label was granted: label=, user= (inside label_grant's transaction; a failure rolls the "
    "grant back). Support opens the territory's plan.",
)
