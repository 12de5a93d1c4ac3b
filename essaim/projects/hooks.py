"""Hooks of projects: where an app higher in the flow adds to a project (``essaim.core.hooks``)."""

from essaim.core.hooks import Hook

project_editor_sections = Hook(
    "project_editor_sections",
    "A project's page, shown to someone who may edit the project, asks for the sections higher "
    "apps add to it: request=, project=. Each receiver returns a dict with the ``template`` to "
    "include (it reads the dict as ``section``) or None.",
)

project_need_actions = Hook(
    "project_need_actions",
    "A project's page, shown to anyone who may read it, asks for the actions higher apps offer "
    "on its needs: request=, project=, needs= (the list shown). Each receiver returns None or a "
    "dict {need pk: [{'url', 'label', 'id'}]}; the page shows them beside each need.",
)
