"""Grading: a submission's text in, its result model out.

:mod:`.grade` runs every check of an assignment on a :class:`.student.Student`
proxy of the sandboxed code; :mod:`.registry` declares checks, :mod:`.expect` and
:mod:`.show` word their failures, :mod:`.results` is the result model,
:mod:`.profiles` the hypothesis settings, :mod:`.replay` and :mod:`.record` the
recorded inputs, :mod:`.submission` reads what students hand in.
"""
