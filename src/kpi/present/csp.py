"""The Content-Security-Policy every published page carries: nothing from the network, no script at all.

The pages are static: inline ``<style>`` (the reports' own small stylesheet, ``templates/kpi_offline/kpi.css.j2``,
and ``style=""`` attributes) and ``data:`` images (the charts) are all they use. No page needs a script: the
``kpi_offline`` template writes the whole ``<head>`` itself and empties the script blocks of nbconvert's lab
template, so ``script-src`` stays at ``default-src 'none'`` and a script smuggled into a page by its input texts
would not run either.

The report template (``templates/kpi_offline/index.html.j2``) cannot import this module, so it repeats
:data:`CSP` literally; tests/present/test_csp.py keeps the two equal.
"""

from __future__ import annotations

#: The policy: nothing may load or run but inline styles and data: images; no <base>, no form submissions.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

#: The tag, to go right after ``<meta charset>``, before any style, so that it governs the whole page.
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
