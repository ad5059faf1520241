"""Form fields shared by the areas."""

from __future__ import annotations

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (easier than a multi-select on a phone).

    The field macro renders it as a fieldset with a legend.
    """

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
