"""What the labels let the apps above act on (``essaim.core.hooks``)."""

from essaim.core.hooks import Hook

label_granted = Hook(
    "label_granted",
    "A label was granted: label=, user= (inside label_grant's transaction; a failure rolls the "
    "grant back). Support opens the territory's plan.",
)

territory_page_links = Hook(
    "territory_page_links",
    "What a later step offers on a labelled territory's public page (impact: its published "
    "figures and evaluation report): label=, user=. Each receiver returns a list of "
    "{'label': str, 'url': str} anyone may open (the page is public).",
)
