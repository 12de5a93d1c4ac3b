"""What a call's steps let the apps above act on (``essaim.core.hooks``)."""

from essaim.core.hooks import Hook

form_version_drafts = Hook(
    "form_version_drafts",
    "Which drafts would publishing version= touch: each receiver returns a list of AffectedDraft "
    "(read only, for the preview).",
)

form_version_published = Hook(
    "form_version_published",
    "version= was just published by user= (inside the transaction): each receiver moves what "
    "answered the call's earlier versions and returns a dict added to the history payload.",
)
