"""Swedish words participants will hear at the fair, each with a short explanation.

The word itself stays Swedish (it is what exhibitors will say); the explanation is translated
into the reader's language through gettext. One list drives every glossary on the site
(templates/macros/_glossary.html, on the event page and the exhibitor list).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Term:
    word: str            #: the Swedish word, shown as it is (lang="sv")
    explanation: object  #: lazy translated string: one or two short sentences


TERMS: tuple[Term, ...] = (
    Term("praktik", _l("A time when you work at a workplace to learn. "
                       "Often without a salary. It can lead to a job.")),
    Term("CV", _l("A short text about you: your work, your education and what you can do.")),
    Term("personligt brev", _l("A short letter to an employer. "
                               "You tell why you want the job and why you fit.")),
    Term("bemanningsföretag", _l("A company that employs you and lends you to other companies "
                                  "for shorter or longer periods.")),
    Term("rekryteringsföretag", _l("A company that helps employers find new staff. "
                                    "You get the job at the employer.")),
    Term("fackförbund", _l("A union. Workers join it together. "
                           "It helps with pay, rights and safety at work.")),
    Term("myndighet", _l("A government agency, for example the Swedish Public Employment "
                         "Service (Arbetsförmedlingen).")),
    Term("kommun", _l("The municipality: the local government of a town. "
                      "It runs schools, elderly care and much more, and employs many people.")),
    Term("SFI", _l("Swedish for immigrants: free Swedish lessons for adults.")),
)
